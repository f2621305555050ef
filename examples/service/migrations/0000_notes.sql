CREATE TABLE "project_notes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_by" uuid DEFAULT app.current_user_id(),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_notes_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "project_notes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "project_notes" ADD CONSTRAINT "project_notes_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_notes_tenant_project_idx" ON "project_notes" USING btree ("tenant_id","project_id","created_at");--> statement-breakpoint
CREATE POLICY "project_notes_select_project_viewer" ON "project_notes" AS PERMISSIVE FOR SELECT TO "authenticated" USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_notes_insert_project_contributor" ON "project_notes" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_notes_update_project_contributor" ON "project_notes" AS PERMISSIVE FOR UPDATE TO "authenticated" USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_notes_delete_project_contributor" ON "project_notes" AS PERMISSIVE FOR DELETE TO "authenticated" USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));