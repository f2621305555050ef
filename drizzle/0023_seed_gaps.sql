ALTER TABLE "rag_metrics" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
CREATE INDEX "agent_failures_tenant_id_created_at_idx" ON "agent_failures" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_tasks_tenant_id_created_at_idx" ON "agent_tasks" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "artifacts_tenant_id_created_at_idx" ON "artifacts" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "chat_sessions_tenant_id_created_at_idx" ON "chat_sessions" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "credit_consumptions_tenant_id_created_at_idx" ON "credit_consumptions" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "documents_tenant_id_created_at_idx" ON "documents" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "file_uploads_tenant_id_created_at_idx" ON "file_uploads" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "fragments_tenant_id_created_at_idx" ON "fragments" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "projects_tenant_id_created_at_idx" ON "projects" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "rag_metrics_tenant_id_evaluation_id_created_at_idx" ON "rag_metrics" USING btree ("tenant_id","evaluation_id","created_at");--> statement-breakpoint
CREATE INDEX "rag_reports_tenant_id_created_at_idx" ON "rag_reports" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "reviews_tenant_id_created_at_idx" ON "reviews" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_stripe_customer_id_unique" ON "subscriptions" USING btree ("stripe_customer_id") WHERE "subscriptions"."stripe_customer_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_stripe_subscription_id_unique" ON "subscriptions" USING btree ("stripe_subscription_id") WHERE "subscriptions"."stripe_subscription_id" is not null;--> statement-breakpoint
CREATE INDEX "task_events_tenant_id_created_at_idx" ON "task_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "tasks_tenant_id_created_at_idx" ON "tasks" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "token_purchases_tenant_id_created_at_idx" ON "token_purchases" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_stripe_customer_id_unique" ON "users" USING btree ("stripe_customer_id") WHERE "users"."stripe_customer_id" is not null;--> statement-breakpoint
ALTER TABLE "rag_metrics" DROP CONSTRAINT "rag_metrics_pkey";
--> statement-breakpoint
ALTER TABLE "rag_metrics" ADD CONSTRAINT "rag_metrics_pkey" PRIMARY KEY("tenant_id","id");