-- Custom migration written by `npm run db:custom` from src/sql and src/rls. Do not edit by hand.
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenant_memberships" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenant_memberships" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "system_admins" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "system_admins" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "user_profiles" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "user_profiles" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "projects" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "projects" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_members" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_members" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_versions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_versions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "documents" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "documents" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "document_revisions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "document_revisions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_version_documents" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "project_version_documents" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deliverable_schemas" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deliverable_schemas" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deliverables" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deliverables" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tasks" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "task_versions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "task_versions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "reviews" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "reviews" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "task_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "task_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "data_sources" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "data_sources" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "ingested_objects" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "ingested_objects" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "embedding_models" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "embedding_models" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chunks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chunks" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fine_tuning_examples" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fine_tuning_examples" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chat_sessions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chat_sessions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chat_participants" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chat_participants" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chat_messages" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "chat_messages" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_runs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_runs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_failures" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_failures" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_tasks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_tasks" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_task_logs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "agent_task_logs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fragments" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fragments" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fragment_executions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "fragment_executions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rag_evaluations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rag_evaluations" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rag_metrics" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rag_metrics" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rag_reports" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rag_reports" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "llm_providers" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "llm_providers" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenant_llm_configs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenant_llm_configs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "subscriptions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "subscriptions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "token_purchases" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "token_purchases" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "credit_balances" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "credit_balances" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenant_quotas" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tenant_quotas" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "usage_daily" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "usage_daily" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "usage_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "usage_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "api_connections" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "api_connections" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "oauth_connections" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "oauth_connections" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "oauth_tokens" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "oauth_tokens" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "user_integrations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "user_integrations" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "artifacts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "artifacts" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "artifact_files" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "artifact_files" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "workspace_files" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "workspace_files" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "file_uploads" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "file_uploads" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "audit_logs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "audit_logs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deletion_requests" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deletion_requests" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "retention_jobs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "retention_jobs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT USAGE ON SCHEMA app TO "authenticated", "service_role", "anon";
--> statement-breakpoint
REVOKE ALL ON "tenants" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, UPDATE ON "tenants" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenants" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "users" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, UPDATE ON "users" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "users" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "tenant_memberships" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_memberships" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_memberships" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "system_admins" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "system_admins" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "user_profiles" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "user_profiles" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "user_profiles" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "api_keys" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT INSERT, UPDATE ON "api_keys" TO "authenticated";
--> statement-breakpoint
GRANT SELECT ("tenant_id", "id", "user_id", "name", "prefix", "scopes", "expires_at", "last_used_at", "revoked_at", "created_at") ON "api_keys" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "api_keys" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "projects" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "projects" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "projects" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "project_members" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "project_members" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "project_members" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "project_versions" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "project_versions" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "project_versions" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "documents" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "documents" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "documents" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "document_revisions" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "document_revisions" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "document_revisions" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "project_version_documents" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "project_version_documents" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "project_version_documents" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "deliverable_schemas" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "deliverable_schemas" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "deliverable_schemas" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "deliverables" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "deliverables" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "deliverables" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "tasks" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tasks" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tasks" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "task_versions" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "task_versions" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "task_versions" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "reviews" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "reviews" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "reviews" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "task_events" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "task_events" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "task_events" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "data_sources" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "data_sources" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "data_sources" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "ingested_objects" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "ingested_objects" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "ingested_objects" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "embedding_models" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "embedding_models" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "embedding_models" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "chunks" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "chunks" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "chunks" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "fine_tuning_examples" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "fine_tuning_examples" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "fine_tuning_examples" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "chat_sessions" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "chat_sessions" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "chat_sessions" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "chat_participants" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "chat_participants" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "chat_participants" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "chat_messages" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "chat_messages" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "chat_messages" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "agent_runs" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "agent_runs" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "agent_runs" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "agent_failures" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "agent_failures" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "agent_failures" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "agent_tasks" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "agent_tasks" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "agent_tasks" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "agent_task_logs" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "agent_task_logs" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "agent_task_logs" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "fragments" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "fragments" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "fragments" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "fragment_executions" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "fragment_executions" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "fragment_executions" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "rag_evaluations" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rag_evaluations" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rag_evaluations" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "rag_metrics" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rag_metrics" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rag_metrics" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "rag_reports" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rag_reports" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rag_reports" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "llm_providers" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "llm_providers" TO "authenticated";
--> statement-breakpoint
GRANT SELECT ON "llm_providers" TO "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "llm_providers" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "tenant_llm_configs" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_llm_configs" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_llm_configs" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "subscriptions" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "subscriptions" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "subscriptions" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "token_purchases" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "token_purchases" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "token_purchases" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "credit_balances" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "credit_balances" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "credit_balances" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "tenant_quotas" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "tenant_quotas" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_quotas" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "usage_daily" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "usage_daily" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "usage_daily" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "usage_events" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "usage_events" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "usage_events" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "api_connections" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT INSERT, UPDATE, DELETE ON "api_connections" TO "authenticated";
--> statement-breakpoint
GRANT SELECT ("tenant_id", "id", "project_id", "name", "description", "api_type", "endpoint_url", "auth_type", "http_method", "custom_headers", "request_body_template", "response_path", "response_schema", "is_active", "created_by", "created_at", "updated_at") ON "api_connections" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "api_connections" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "oauth_connections" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT INSERT, UPDATE, DELETE ON "oauth_connections" TO "authenticated";
--> statement-breakpoint
GRANT SELECT ("tenant_id", "id", "project_id", "provider", "provider_config", "client_id", "redirect_uri", "scopes", "additional_params", "is_active", "created_by", "created_at", "updated_at") ON "oauth_connections" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "oauth_connections" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "oauth_tokens" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "oauth_tokens" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "user_integrations" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT INSERT, UPDATE, DELETE ON "user_integrations" TO "authenticated";
--> statement-breakpoint
GRANT SELECT ("tenant_id", "id", "user_id", "service", "is_connected", "metadata", "created_at", "updated_at") ON "user_integrations" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "user_integrations" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "artifacts" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "artifacts" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "artifacts" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "artifact_files" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "artifact_files" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "artifact_files" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "workspace_files" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "workspace_files" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "workspace_files" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "file_uploads" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "file_uploads" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "file_uploads" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "audit_logs" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "audit_logs" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT ON "audit_logs" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "deletion_requests" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT, INSERT ON "deletion_requests" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "deletion_requests" TO "service_role";
--> statement-breakpoint
REVOKE ALL ON "retention_jobs" FROM "authenticated", "service_role", "anon";
--> statement-breakpoint
GRANT SELECT ON "retention_jobs" TO "authenticated";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "retention_jobs" TO "service_role";
--> statement-breakpoint
DROP POLICY IF EXISTS "chat_messages_select_participant" ON "chat_messages";
--> statement-breakpoint
CREATE POLICY "chat_messages_select_participant" ON "chat_messages" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or session_id = any ((select app.my_session_ids())::uuid[])));
--> statement-breakpoint
DROP POLICY IF EXISTS "chat_messages_insert_participant" ON "chat_messages";
--> statement-breakpoint
CREATE POLICY "chat_messages_insert_participant" ON "chat_messages" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and session_id = any ((select app.my_session_ids())::uuid[]));
--> statement-breakpoint
DROP POLICY IF EXISTS "usage_events_select_tenant_admin" ON "usage_events";
--> statement-breakpoint
CREATE POLICY "usage_events_select_tenant_admin" ON "usage_events" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));
--> statement-breakpoint
DROP POLICY IF EXISTS "audit_logs_select_tenant_admin" ON "audit_logs";
--> statement-breakpoint
CREATE POLICY "audit_logs_select_tenant_admin" ON "audit_logs" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));
