ALTER TABLE "project_notes" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_notes" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
REVOKE ALL ON "project_notes" FROM "authenticated", "anon", "service_role";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "project_notes" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "project_notes" TO "service_role";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "project_notes_stamp_actor" ON "project_notes";
--> statement-breakpoint
CREATE TRIGGER "project_notes_stamp_actor" BEFORE INSERT ON "project_notes" FOR EACH ROW EXECUTE FUNCTION app.stamp_actor('created_by');
