ALTER TABLE "tasks" ADD COLUMN "review_requested_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "tasks_review_queue_idx" ON "tasks" USING btree ("tenant_id","review_requested_at","id") WHERE status = 'awaiting_review';--> statement-breakpoint
-- tasks already awaiting review: requested when their current version was submitted
-- (the stamping trigger comes with the next migration; user triggers off for the backfill)
ALTER TABLE "tasks" DISABLE TRIGGER USER;--> statement-breakpoint
UPDATE "tasks" t SET "review_requested_at" = v."created_at" FROM "task_versions" v
 WHERE t."status" = 'awaiting_review' AND v."tenant_id" = t."tenant_id" AND v."task_id" = t."id" AND v."version" = t."current_version";--> statement-breakpoint
ALTER TABLE "tasks" ENABLE TRIGGER USER;
