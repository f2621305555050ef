DROP TRIGGER IF EXISTS "project_notes_keep_authorship" ON "project_notes";
--> statement-breakpoint
CREATE TRIGGER "project_notes_keep_authorship" BEFORE UPDATE ON "project_notes" FOR EACH ROW EXECUTE FUNCTION app.keep_authorship('created_by');
