ALTER TABLE "deliverables" ADD COLUMN "required_approvals" integer;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "required_approvals" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "deliverables" ADD CONSTRAINT "deliverables_required_approvals_range" CHECK ("deliverables"."required_approvals" is null or "deliverables"."required_approvals" between 1 and 10);--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_required_approvals_range" CHECK ("projects"."required_approvals" between 1 and 10);