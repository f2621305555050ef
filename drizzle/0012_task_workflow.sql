CREATE TYPE "public"."task_workflow" AS ENUM('review', 'direct');--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "task_workflow" "task_workflow" DEFAULT 'review' NOT NULL;--> statement-breakpoint
ALTER TABLE "deliverables" ADD COLUMN "task_workflow" "task_workflow";