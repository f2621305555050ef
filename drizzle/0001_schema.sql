CREATE TYPE "public"."tenant_role" AS ENUM('owner', 'admin', 'member', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."tenant_status" AS ENUM('active', 'suspended', 'deleted');--> statement-breakpoint
CREATE TYPE "public"."user_status" AS ENUM('invited', 'waitlist', 'active', 'inactive', 'banned', 'archived');--> statement-breakpoint
CREATE TYPE "public"."project_role" AS ENUM('owner', 'manager', 'lead', 'reviewer', 'contributor', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."project_status" AS ENUM('active', 'processing', 'ready', 'archived');--> statement-breakpoint
CREATE TYPE "public"."document_kind" AS ENUM('overview', 'prd', 'marketing', 'tech', 'tasks', 'requirements', 'architecture', 'ui_design', 'context_search', 'context_data', 'context_quality', 'other');--> statement-breakpoint
CREATE TYPE "public"."document_status" AS ENUM('draft', 'review', 'approved', 'archived');--> statement-breakpoint
CREATE TYPE "public"."deliverable_type" AS ENUM('civil', 'structural', 'architectural', 'other');--> statement-breakpoint
CREATE TYPE "public"."review_decision" AS ENUM('approve', 'reject', 'request_changes');--> statement-breakpoint
CREATE TYPE "public"."task_event_kind" AS ENUM('created', 'assigned', 'status_changed', 'submitted', 'reviewed', 'commented');--> statement-breakpoint
CREATE TYPE "public"."task_status" AS ENUM('pending', 'in_progress', 'awaiting_review', 'awaiting_clarification', 'completed', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."chunk_source_type" AS ENUM('document_revision', 'ingested_object', 'upload', 'code_file', 'manual');--> statement-breakpoint
CREATE TYPE "public"."data_source_type" AS ENUM('text', 'image', 'audio', 'video', 'code', 'web');--> statement-breakpoint
CREATE TYPE "public"."ingestion_status" AS ENUM('pending', 'processing', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "public"."message_role" AS ENUM('user', 'assistant', 'system', 'tool');--> statement-breakpoint
CREATE TYPE "public"."session_status" AS ENUM('active', 'archived');--> statement-breakpoint
CREATE TYPE "public"."agent_run_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."agent_task_status" AS ENUM('pending', 'processing', 'completed', 'error');--> statement-breakpoint
CREATE TYPE "public"."execution_status" AS ENUM('pending', 'running', 'succeeded', 'failed', 'timed_out');--> statement-breakpoint
CREATE TYPE "public"."log_level" AS ENUM('info', 'command', 'success', 'warning', 'error');--> statement-breakpoint
CREATE TYPE "public"."llm_provider_type" AS ENUM('openai', 'anthropic', 'google', 'azure', 'bedrock', 'local', 'other');--> statement-breakpoint
CREATE TYPE "public"."plan_type" AS ENUM('free', 'hobby', 'pro', 'enterprise');--> statement-breakpoint
CREATE TYPE "public"."purchase_status" AS ENUM('pending', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('active', 'trialing', 'past_due', 'unpaid', 'canceled', 'incomplete');--> statement-breakpoint
CREATE TYPE "public"."usage_kind" AS ENUM('chat', 'artifact_generation', 'search', 'ingestion', 'storage', 'request');--> statement-breakpoint
CREATE TYPE "public"."auth_type" AS ENUM('bearer', 'basic', 'api_key', 'none');--> statement-breakpoint
CREATE TYPE "public"."http_method" AS ENUM('GET', 'POST', 'PUT', 'DELETE', 'PATCH');--> statement-breakpoint
CREATE TYPE "public"."integration_service" AS ENUM('github', 'google_drive', 'gmail', 'google_calendar', 'google_analytics', 'zapier', 'artifacts');--> statement-breakpoint
CREATE TYPE "public"."artifact_status" AS ENUM('pending', 'generating', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "public"."deletion_scope" AS ENUM('user', 'tenant');--> statement-breakpoint
CREATE TYPE "public"."job_status" AS ENUM('pending', 'dry_run', 'running', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] DEFAULT '{}' NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "api_keys_name_not_empty" CHECK (length(btrim("api_keys"."name")) > 0),
	CONSTRAINT "api_keys_key_hash_format" CHECK ("api_keys"."key_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "system_admins" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"immutable" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "system_admins" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_memberships" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "tenant_role" DEFAULT 'member' NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_memberships_pkey" PRIMARY KEY("tenant_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "tenant_memberships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"description" text,
	"company_name" text,
	"company_email_domains" text[] DEFAULT '{}' NOT NULL,
	"status" "tenant_status" DEFAULT 'active' NOT NULL,
	"is_global" boolean DEFAULT false NOT NULL,
	"retention_days" integer,
	"logo_url" text,
	"color_palette" jsonb,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "tenants_name_not_empty" CHECK (length(btrim("tenants"."name")) > 0),
	CONSTRAINT "tenants_slug_format" CHECK ("tenants"."slug" ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	CONSTRAINT "tenants_retention_days_positive" CHECK ("tenants"."retention_days" is null or "tenants"."retention_days" > 0)
);
--> statement-breakpoint
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "user_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"display_name" text,
	"first_name" text,
	"last_name" text,
	"avatar_url" text,
	"work_description" text,
	"onboarding_completed" boolean DEFAULT false NOT NULL,
	"preferences" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_profiles_preferences_object" CHECK (jsonb_typeof("user_profiles"."preferences") = 'object')
);
--> statement-breakpoint
ALTER TABLE "user_profiles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"full_name" text,
	"phone" text,
	"status" "user_status" DEFAULT 'waitlist' NOT NULL,
	"stripe_customer_id" text,
	"is_pro" boolean DEFAULT false NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "users_email_format" CHECK ("users"."email" ~ '^[^@[:space:]]+@[^@[:space:]]+$')
);
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "project_members" (
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "project_role" DEFAULT 'contributor' NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_members_pkey" PRIMARY KEY("tenant_id","project_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "project_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "project_versions" (
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"change_note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_versions_pkey" PRIMARY KEY("tenant_id","project_id","version"),
	CONSTRAINT "project_versions_version_positive" CHECK ("project_versions"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "project_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "projects" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"idea_prompt" text,
	"client_name" text,
	"project_code" text,
	"status" "project_status" DEFAULT 'active' NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"is_personal" boolean DEFAULT false NOT NULL,
	"owner_id" uuid,
	"current_version" integer DEFAULT 0 NOT NULL,
	"template_id" text,
	"logo_url" text,
	"color_palette" jsonb,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "projects_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "projects_name_not_empty" CHECK (length(btrim("projects"."name")) > 0),
	CONSTRAINT "projects_current_version_non_negative" CHECK ("projects"."current_version" >= 0),
	CONSTRAINT "projects_personal_has_owner" CHECK (not "projects"."is_personal" or "projects"."owner_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "projects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "document_revisions" (
	"tenant_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"rev" integer NOT NULL,
	"project_id" uuid NOT NULL,
	"content" jsonb NOT NULL,
	"body_md" text,
	"content_hash" text NOT NULL,
	"restored_from_rev" integer,
	"change_note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_revisions_pkey" PRIMARY KEY("tenant_id","document_id","rev"),
	CONSTRAINT "document_revisions_rev_positive" CHECK ("document_revisions"."rev" >= 1),
	CONSTRAINT "document_revisions_restored_from_earlier" CHECK ("document_revisions"."restored_from_rev" is null or ("document_revisions"."restored_from_rev" >= 1 and "document_revisions"."restored_from_rev" < "document_revisions"."rev")),
	CONSTRAINT "document_revisions_content_hash_format" CHECK ("document_revisions"."content_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "document_revisions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "documents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"kind" "document_kind" NOT NULL,
	"title" text NOT NULL,
	"status" "document_status" DEFAULT 'draft' NOT NULL,
	"is_locked" boolean DEFAULT false NOT NULL,
	"current_rev" integer DEFAULT 0 NOT NULL,
	"current_content_hash" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "documents_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "documents_tenant_id_id_project_id_unique" UNIQUE("tenant_id","id","project_id"),
	CONSTRAINT "documents_title_not_empty" CHECK (length(btrim("documents"."title")) > 0),
	CONSTRAINT "documents_current_rev_non_negative" CHECK ("documents"."current_rev" >= 0)
);
--> statement-breakpoint
ALTER TABLE "documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "project_version_documents" (
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"document_id" uuid NOT NULL,
	"rev" integer NOT NULL,
	CONSTRAINT "project_version_documents_pkey" PRIMARY KEY("tenant_id","project_id","version","document_id")
);
--> statement-breakpoint
ALTER TABLE "project_version_documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "deliverable_schemas" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"input_schema" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"workflow_steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"output_schema" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"risk_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliverable_schemas_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "deliverable_schemas_name_not_empty" CHECK (length(btrim("deliverable_schemas"."name")) > 0),
	CONSTRAINT "deliverable_schemas_workflow_steps_array" CHECK (jsonb_typeof("deliverable_schemas"."workflow_steps") = 'array'),
	CONSTRAINT "deliverable_schemas_risk_rules_array" CHECK (jsonb_typeof("deliverable_schemas"."risk_rules") = 'array')
);
--> statement-breakpoint
ALTER TABLE "deliverable_schemas" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "deliverables" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"schema_id" uuid,
	"name" text NOT NULL,
	"type" "deliverable_type" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliverables_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "deliverables_name_not_empty" CHECK (length(btrim("deliverables"."name")) > 0)
);
--> statement-breakpoint
ALTER TABLE "deliverables" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "reviews" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"project_id" uuid NOT NULL,
	"reviewer_id" uuid,
	"decision" "review_decision" NOT NULL,
	"comments" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviews_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "reviews" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "task_events" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"kind" "task_event_kind" NOT NULL,
	"actor_id" uuid,
	"from_status" "task_status",
	"to_status" "task_status",
	"version" integer,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_events_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "task_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "task_versions" (
	"tenant_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"project_id" uuid NOT NULL,
	"input_data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"output_data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"risk_score" double precision,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_versions_pkey" PRIMARY KEY("tenant_id","task_id","version"),
	CONSTRAINT "task_versions_tenant_id_task_id_version_project_id_unique" UNIQUE("tenant_id","task_id","version","project_id"),
	CONSTRAINT "task_versions_version_positive" CHECK ("task_versions"."version" >= 1),
	CONSTRAINT "task_versions_risk_score_range" CHECK ("task_versions"."risk_score" is null or ("task_versions"."risk_score" >= 0 and "task_versions"."risk_score" <= 1))
);
--> statement-breakpoint
ALTER TABLE "task_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"deliverable_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"phase" integer,
	"assignee_id" uuid,
	"status" "task_status" DEFAULT 'pending' NOT NULL,
	"current_version" integer DEFAULT 0 NOT NULL,
	"due_date" date,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "tasks_tenant_id_id_project_id_unique" UNIQUE("tenant_id","id","project_id"),
	CONSTRAINT "tasks_title_not_empty" CHECK (length(btrim("tasks"."title")) > 0),
	CONSTRAINT "tasks_current_version_non_negative" CHECK ("tasks"."current_version" >= 0)
);
--> statement-breakpoint
ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "chunks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"source_type" "chunk_source_type" NOT NULL,
	"source_id" uuid NOT NULL,
	"document_rev" integer,
	"object_id" uuid,
	"chunk_index" integer NOT NULL,
	"heading" text,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"url" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"keywords" text[] DEFAULT '{}' NOT NULL,
	"model_id" uuid NOT NULL,
	"dims" integer NOT NULL,
	"embedding" vector NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(heading, '') || ' ' || content)) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chunks_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "chunks_content_not_empty" CHECK (length("chunks"."content") > 0),
	CONSTRAINT "chunks_chunk_index_non_negative" CHECK ("chunks"."chunk_index" >= 0),
	CONSTRAINT "chunks_embedding_dims" CHECK (vector_dims("chunks"."embedding") = "chunks"."dims"),
	CONSTRAINT "chunks_content_hash_format" CHECK ("chunks"."content_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "chunks_document_rev_matches_source" CHECK (("chunks"."source_type" = 'document_revision') = ("chunks"."document_rev" is not null))
);
--> statement-breakpoint
ALTER TABLE "chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "data_sources" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" "data_source_type" NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_sources_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "data_sources_name_not_empty" CHECK (length(btrim("data_sources"."name")) > 0)
);
--> statement-breakpoint
ALTER TABLE "data_sources" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "embedding_models" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"dimensions" integer NOT NULL,
	"provider" text,
	"vector_store_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "embedding_models_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "embedding_models_tenant_id_id_dimensions_unique" UNIQUE("tenant_id","id","dimensions"),
	CONSTRAINT "embedding_models_name_not_empty" CHECK (length(btrim("embedding_models"."name")) > 0),
	CONSTRAINT "embedding_models_dimensions_range" CHECK ("embedding_models"."dimensions" between 1 and 16000)
);
--> statement-breakpoint
ALTER TABLE "embedding_models" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "fine_tuning_examples" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"input_prompt" text NOT NULL,
	"correct_output" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fine_tuning_examples_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "fine_tuning_examples_input_prompt_not_empty" CHECK (length(btrim("fine_tuning_examples"."input_prompt")) > 0),
	CONSTRAINT "fine_tuning_examples_correct_output_not_empty" CHECK (length(btrim("fine_tuning_examples"."correct_output")) > 0)
);
--> statement-breakpoint
ALTER TABLE "fine_tuning_examples" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ingested_objects" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"data_source_id" uuid NOT NULL,
	"url" text NOT NULL,
	"content_type" text,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"checksum" text,
	"status" "ingestion_status" DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ingested_objects_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "ingested_objects_url_not_empty" CHECK (length("ingested_objects"."url") > 0),
	CONSTRAINT "ingested_objects_size_non_negative" CHECK ("ingested_objects"."size_bytes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "ingested_objects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "chat_participants" (
	"tenant_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_read_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "chat_participants_pkey" PRIMARY KEY("tenant_id","session_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "chat_participants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "chat_sessions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"user_id" uuid,
	"title" text DEFAULT 'Untitled' NOT NULL,
	"description" text,
	"system_prompt" text,
	"summary" text,
	"status" "session_status" DEFAULT 'active' NOT NULL,
	"model" text,
	"template" text,
	"external_id" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_sequence" integer DEFAULT 0 NOT NULL,
	"total_tokens" bigint DEFAULT 0 NOT NULL,
	"estimated_cost" numeric(12, 6) DEFAULT '0' NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "chat_sessions_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "chat_sessions_title_not_empty" CHECK (length(btrim("chat_sessions"."title")) > 0),
	CONSTRAINT "chat_sessions_last_sequence_non_negative" CHECK ("chat_sessions"."last_sequence" >= 0),
	CONSTRAINT "chat_sessions_total_tokens_non_negative" CHECK ("chat_sessions"."total_tokens" >= 0)
);
--> statement-breakpoint
ALTER TABLE "chat_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_failures" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_run_id" uuid NOT NULL,
	"error_type" text NOT NULL,
	"error_message" text,
	"retryable" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_failures_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "agent_failures" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid,
	"project_id" uuid,
	"agent_type" text NOT NULL,
	"status" "agent_run_status" DEFAULT 'queued' NOT NULL,
	"model" text,
	"latency_ms" integer,
	"cost_usd" double precision,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_runs_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "agent_runs_agent_type_not_empty" CHECK (length(btrim("agent_runs"."agent_type")) > 0),
	CONSTRAINT "agent_runs_latency_non_negative" CHECK ("agent_runs"."latency_ms" is null or "agent_runs"."latency_ms" >= 0),
	CONSTRAINT "agent_runs_cost_non_negative" CHECK ("agent_runs"."cost_usd" is null or "agent_runs"."cost_usd" >= 0),
	CONSTRAINT "agent_runs_completed_after_started" CHECK ("agent_runs"."completed_at" is null or "agent_runs"."started_at" is null or "agent_runs"."completed_at" >= "agent_runs"."started_at")
);
--> statement-breakpoint
ALTER TABLE "agent_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_task_logs" (
	"tenant_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"level" "log_level" DEFAULT 'info' NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_task_logs_pkey" PRIMARY KEY("tenant_id","task_id","seq"),
	CONSTRAINT "agent_task_logs_seq_positive" CHECK ("agent_task_logs"."seq" >= 1)
);
--> statement-breakpoint
ALTER TABLE "agent_task_logs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"project_id" uuid,
	"status" "agent_task_status" DEFAULT 'pending' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"prompt" text NOT NULL,
	"repo_url" text,
	"selected_agent" text DEFAULT 'claude' NOT NULL,
	"selected_model" text,
	"sandbox_url" text,
	"branch_name" text,
	"log_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_tasks_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "agent_tasks_tenant_id_id_user_id_unique" UNIQUE("tenant_id","id","user_id"),
	CONSTRAINT "agent_tasks_progress_range" CHECK ("agent_tasks"."progress" between 0 and 100),
	CONSTRAINT "agent_tasks_prompt_not_empty" CHECK (length(btrim("agent_tasks"."prompt")) > 0),
	CONSTRAINT "agent_tasks_log_count_non_negative" CHECK ("agent_tasks"."log_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "agent_tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "fragment_executions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"fragment_id" uuid NOT NULL,
	"user_id" uuid,
	"sandbox_id" text,
	"template" text,
	"status" "execution_status" DEFAULT 'pending' NOT NULL,
	"execution_url" text,
	"stdout" text,
	"stderr" text,
	"runtime_error" text,
	"cell_results" jsonb,
	"execution_time_ms" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "fragment_executions_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "fragment_executions_time_non_negative" CHECK ("fragment_executions"."execution_time_ms" is null or "fragment_executions"."execution_time_ms" >= 0),
	CONSTRAINT "fragment_executions_completed_after_started" CHECK ("fragment_executions"."completed_at" is null or "fragment_executions"."completed_at" >= "fragment_executions"."started_at")
);
--> statement-breakpoint
ALTER TABLE "fragment_executions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "fragments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"template" text,
	"code" text DEFAULT '' NOT NULL,
	"file_path" text,
	"additional_dependencies" text[] DEFAULT '{}' NOT NULL,
	"install_dependencies_command" text,
	"port" integer,
	"is_public" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fragments_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "fragments_title_not_empty" CHECK (length(btrim("fragments"."title")) > 0),
	CONSTRAINT "fragments_port_range" CHECK ("fragments"."port" is null or "fragments"."port" between 1 and 65535)
);
--> statement-breakpoint
ALTER TABLE "fragments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rag_evaluations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid,
	"query" text NOT NULL,
	"answer" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rag_evaluations_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "rag_evaluations_query_not_empty" CHECK (length(btrim("rag_evaluations"."query")) > 0)
);
--> statement-breakpoint
ALTER TABLE "rag_evaluations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rag_metrics" (
	"tenant_id" uuid NOT NULL,
	"evaluation_id" uuid NOT NULL,
	"faithfulness_score" double precision,
	"relevance_score" double precision,
	"coverage_score" double precision,
	"hallucination_score" double precision,
	"latency_ms" integer,
	"cost_usd" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rag_metrics_pkey" PRIMARY KEY("tenant_id","evaluation_id"),
	CONSTRAINT "rag_metrics_faithfulness_score_range" CHECK (faithfulness_score is null or (faithfulness_score >= 0 and faithfulness_score <= 1)),
	CONSTRAINT "rag_metrics_relevance_score_range" CHECK (relevance_score is null or (relevance_score >= 0 and relevance_score <= 1)),
	CONSTRAINT "rag_metrics_coverage_score_range" CHECK (coverage_score is null or (coverage_score >= 0 and coverage_score <= 1)),
	CONSTRAINT "rag_metrics_hallucination_score_range" CHECK (hallucination_score is null or (hallucination_score >= 0 and hallucination_score <= 1)),
	CONSTRAINT "rag_metrics_latency_non_negative" CHECK ("rag_metrics"."latency_ms" is null or "rag_metrics"."latency_ms" >= 0),
	CONSTRAINT "rag_metrics_cost_non_negative" CHECK ("rag_metrics"."cost_usd" is null or "rag_metrics"."cost_usd" >= 0)
);
--> statement-breakpoint
ALTER TABLE "rag_metrics" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rag_reports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"evaluation_id" uuid NOT NULL,
	"report_url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rag_reports_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "rag_reports_report_url_not_empty" CHECK (length("rag_reports"."report_url") > 0)
);
--> statement-breakpoint
ALTER TABLE "rag_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "llm_providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" "llm_provider_type" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_providers_name_not_empty" CHECK (length(btrim("llm_providers"."name")) > 0)
);
--> statement-breakpoint
ALTER TABLE "llm_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_llm_configs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"model_name" text NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"max_tokens" integer,
	"temperature" double precision,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_llm_configs_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "tenant_llm_configs_model_name_not_empty" CHECK (length(btrim("tenant_llm_configs"."model_name")) > 0),
	CONSTRAINT "tenant_llm_configs_max_tokens_positive" CHECK ("tenant_llm_configs"."max_tokens" is null or "tenant_llm_configs"."max_tokens" > 0),
	CONSTRAINT "tenant_llm_configs_temperature_range" CHECK ("tenant_llm_configs"."temperature" is null or ("tenant_llm_configs"."temperature" >= 0 and "tenant_llm_configs"."temperature" <= 2))
);
--> statement-breakpoint
ALTER TABLE "tenant_llm_configs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "credit_balances" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"remaining" integer DEFAULT 10 NOT NULL,
	"unlimited" boolean DEFAULT false NOT NULL,
	"consumed" bigint DEFAULT 0 NOT NULL,
	"reset_at" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_balances_pkey" PRIMARY KEY("tenant_id","user_id"),
	CONSTRAINT "credit_balances_remaining_non_negative" CHECK ("credit_balances"."remaining" >= 0),
	CONSTRAINT "credit_balances_consumed_non_negative" CHECK ("credit_balances"."consumed" >= 0)
);
--> statement-breakpoint
ALTER TABLE "credit_balances" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"plan_type" "plan_type" DEFAULT 'free' NOT NULL,
	"base_token_limit" bigint DEFAULT 0 NOT NULL,
	"additional_tokens" bigint DEFAULT 0 NOT NULL,
	"status" "subscription_status" DEFAULT 'active' NOT NULL,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_base_token_limit_non_negative" CHECK ("subscriptions"."base_token_limit" >= 0),
	CONSTRAINT "subscriptions_additional_tokens_non_negative" CHECK ("subscriptions"."additional_tokens" >= 0),
	CONSTRAINT "subscriptions_period_order" CHECK ("subscriptions"."current_period_end" is null or "subscriptions"."current_period_start" is null or "subscriptions"."current_period_end" >= "subscriptions"."current_period_start")
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_quotas" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"max_tokens_per_day" bigint,
	"max_ingestions_per_day" integer,
	"max_storage_bytes" bigint,
	"max_requests_per_minute" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_quotas_max_tokens_non_negative" CHECK ("tenant_quotas"."max_tokens_per_day" is null or "tenant_quotas"."max_tokens_per_day" >= 0),
	CONSTRAINT "tenant_quotas_max_ingestions_non_negative" CHECK ("tenant_quotas"."max_ingestions_per_day" is null or "tenant_quotas"."max_ingestions_per_day" >= 0),
	CONSTRAINT "tenant_quotas_max_storage_non_negative" CHECK ("tenant_quotas"."max_storage_bytes" is null or "tenant_quotas"."max_storage_bytes" >= 0),
	CONSTRAINT "tenant_quotas_max_requests_non_negative" CHECK ("tenant_quotas"."max_requests_per_minute" is null or "tenant_quotas"."max_requests_per_minute" >= 0)
);
--> statement-breakpoint
ALTER TABLE "tenant_quotas" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "token_purchases" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"stripe_payment_intent_id" text NOT NULL,
	"token_amount" bigint NOT NULL,
	"price_paid" numeric(10, 2) NOT NULL,
	"status" "purchase_status" DEFAULT 'pending' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "token_purchases_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "token_purchases_token_amount_positive" CHECK ("token_purchases"."token_amount" > 0),
	CONSTRAINT "token_purchases_price_paid_non_negative" CHECK ("token_purchases"."price_paid" >= 0)
);
--> statement-breakpoint
ALTER TABLE "token_purchases" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"project_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"tokens_used" bigint DEFAULT 0 NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"ingestions" bigint DEFAULT 0 NOT NULL,
	"storage_used" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	"total_projects" bigint DEFAULT 0 NOT NULL,
	"total_users" bigint DEFAULT 0 NOT NULL,
	"total_chats" bigint DEFAULT 0 NOT NULL,
	"total_artifacts" bigint DEFAULT 0 NOT NULL,
	"total_files" bigint DEFAULT 0 NOT NULL,
	"tokens_remaining" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_daily_pkey" PRIMARY KEY("tenant_id","day","project_id"),
	CONSTRAINT "usage_daily_counters_non_negative" CHECK ("usage_daily"."tokens_used" >= 0 and "usage_daily"."requests" >= 0 and "usage_daily"."ingestions" >= 0 and "usage_daily"."storage_used" >= 0)
);
--> statement-breakpoint
ALTER TABLE "usage_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "api_connections" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"name" text NOT NULL,
	"description" text,
	"api_type" text NOT NULL,
	"endpoint_url" text NOT NULL,
	"auth_type" "auth_type" NOT NULL,
	"http_method" "http_method" DEFAULT 'GET' NOT NULL,
	"custom_headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"request_body_template" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"response_path" text,
	"response_schema" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_encrypted" "bytea",
	"is_active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_connections_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "api_connections_name_not_empty" CHECK (length(btrim("api_connections"."name")) > 0),
	CONSTRAINT "api_connections_endpoint_url_http" CHECK ("api_connections"."endpoint_url" ~ '^https?://'),
	CONSTRAINT "api_connections_credentials_when_auth" CHECK ("api_connections"."auth_type" = 'none' or "api_connections"."credentials_encrypted" is not null)
);
--> statement-breakpoint
ALTER TABLE "api_connections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "oauth_connections" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"provider" text NOT NULL,
	"provider_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_encrypted" "bytea" NOT NULL,
	"redirect_uri" text NOT NULL,
	"scopes" text[] DEFAULT '{}' NOT NULL,
	"additional_params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oauth_connections_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "oauth_connections_provider_not_empty" CHECK (length(btrim("oauth_connections"."provider")) > 0)
);
--> statement-breakpoint
ALTER TABLE "oauth_connections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "oauth_tokens" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"access_token_encrypted" "bytea" NOT NULL,
	"refresh_token_encrypted" "bytea",
	"token_type" text DEFAULT 'Bearer' NOT NULL,
	"expires_at" timestamp with time zone,
	"scope" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oauth_tokens_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "oauth_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "user_integrations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"service" "integration_service" NOT NULL,
	"is_connected" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"connection_data_encrypted" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_integrations_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "user_integrations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "artifact_files" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"artifact_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"file_type" text NOT NULL,
	"file_size" bigint NOT NULL,
	"file_path" text NOT NULL,
	"is_main_file" boolean DEFAULT false NOT NULL,
	"storage_path" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "artifact_files_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "artifact_files_file_name_not_empty" CHECK (length(btrim("artifact_files"."file_name")) > 0),
	CONSTRAINT "artifact_files_file_path_not_empty" CHECK (length("artifact_files"."file_path") > 0),
	CONSTRAINT "artifact_files_file_size_non_negative" CHECK ("artifact_files"."file_size" >= 0)
);
--> statement-breakpoint
ALTER TABLE "artifact_files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "artifacts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"session_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"artifact_type" text NOT NULL,
	"status" "artifact_status" DEFAULT 'pending' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "artifacts_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "artifacts_tenant_id_id_project_id_unique" UNIQUE("tenant_id","id","project_id"),
	CONSTRAINT "artifacts_title_not_empty" CHECK (length(btrim("artifacts"."title")) > 0),
	CONSTRAINT "artifacts_progress_range" CHECK ("artifacts"."progress" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "artifacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "file_uploads" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"project_id" uuid,
	"file_name" text NOT NULL,
	"file_path" text NOT NULL,
	"file_size" bigint NOT NULL,
	"mime_type" text,
	"bucket_name" text NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "file_uploads_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "file_uploads_file_name_not_empty" CHECK (length(btrim("file_uploads"."file_name")) > 0),
	CONSTRAINT "file_uploads_file_path_not_empty" CHECK (length("file_uploads"."file_path") > 0),
	CONSTRAINT "file_uploads_file_size_non_negative" CHECK ("file_uploads"."file_size" >= 0)
);
--> statement-breakpoint
ALTER TABLE "file_uploads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workspace_files" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"project_id" uuid,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"is_directory" boolean DEFAULT false NOT NULL,
	"parent_path" text,
	"mime_type" text,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_files_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "workspace_files_path_not_empty" CHECK (length("workspace_files"."path") > 0),
	CONSTRAINT "workspace_files_name_not_empty" CHECK (length("workspace_files"."name") > 0),
	CONSTRAINT "workspace_files_size_non_negative" CHECK ("workspace_files"."size_bytes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "workspace_files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "deletion_requests" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"scope" "deletion_scope" NOT NULL,
	"user_id" uuid,
	"status" "job_status" DEFAULT 'pending' NOT NULL,
	"requested_by" uuid,
	"report" jsonb,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "deletion_requests_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "deletion_requests_user_scope_has_user" CHECK (("deletion_requests"."scope" = 'user') = ("deletion_requests"."user_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "deletion_requests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "retention_jobs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"scheduled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"executed_at" timestamp with time zone,
	"status" "job_status" DEFAULT 'pending' NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "retention_jobs_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "retention_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_admins" ADD CONSTRAINT "system_admins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_memberships" ADD CONSTRAINT "tenant_memberships_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_memberships" ADD CONSTRAINT "tenant_memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_memberships" ADD CONSTRAINT "tenant_memberships_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD CONSTRAINT "user_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_versions" ADD CONSTRAINT "project_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_versions" ADD CONSTRAINT "project_versions_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_revisions" ADD CONSTRAINT "document_revisions_project_id_fk" FOREIGN KEY ("tenant_id","document_id","project_id") REFERENCES "public"."documents"("tenant_id","id","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_version_documents" ADD CONSTRAINT "project_version_documents_version_fk" FOREIGN KEY ("tenant_id","project_id","version") REFERENCES "public"."project_versions"("tenant_id","project_id","version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_version_documents" ADD CONSTRAINT "project_version_documents_rev_fk" FOREIGN KEY ("tenant_id","document_id","rev") REFERENCES "public"."document_revisions"("tenant_id","document_id","rev") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliverable_schemas" ADD CONSTRAINT "deliverable_schemas_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliverables" ADD CONSTRAINT "deliverables_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliverables" ADD CONSTRAINT "deliverables_schema_id_fk" FOREIGN KEY ("tenant_id","schema_id") REFERENCES "public"."deliverable_schemas"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_project_id_fk" FOREIGN KEY ("tenant_id","task_id","version","project_id") REFERENCES "public"."task_versions"("tenant_id","task_id","version","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_project_id_fk" FOREIGN KEY ("tenant_id","task_id","project_id") REFERENCES "public"."tasks"("tenant_id","id","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_versions" ADD CONSTRAINT "task_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_versions" ADD CONSTRAINT "task_versions_project_id_fk" FOREIGN KEY ("tenant_id","task_id","project_id") REFERENCES "public"."tasks"("tenant_id","id","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_deliverable_id_fk" FOREIGN KEY ("tenant_id","deliverable_id") REFERENCES "public"."deliverables"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_dims_fk" FOREIGN KEY ("tenant_id","model_id","dims") REFERENCES "public"."embedding_models"("tenant_id","id","dimensions") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_document_rev_fk" FOREIGN KEY ("tenant_id","source_id","document_rev") REFERENCES "public"."document_revisions"("tenant_id","document_id","rev") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_object_id_fk" FOREIGN KEY ("tenant_id","object_id") REFERENCES "public"."ingested_objects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_sources" ADD CONSTRAINT "data_sources_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "embedding_models" ADD CONSTRAINT "embedding_models_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fine_tuning_examples" ADD CONSTRAINT "fine_tuning_examples_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fine_tuning_examples" ADD CONSTRAINT "fine_tuning_examples_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fine_tuning_examples" ADD CONSTRAINT "fine_tuning_examples_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingested_objects" ADD CONSTRAINT "ingested_objects_data_source_id_fk" FOREIGN KEY ("tenant_id","data_source_id") REFERENCES "public"."data_sources"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_participants" ADD CONSTRAINT "chat_participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_participants" ADD CONSTRAINT "chat_participants_session_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."chat_sessions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD CONSTRAINT "chat_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD CONSTRAINT "chat_sessions_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD CONSTRAINT "chat_sessions_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_failures" ADD CONSTRAINT "agent_failures_agent_run_id_fk" FOREIGN KEY ("tenant_id","agent_run_id") REFERENCES "public"."agent_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_session_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."chat_sessions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_task_logs" ADD CONSTRAINT "agent_task_logs_user_id_fk" FOREIGN KEY ("tenant_id","task_id","user_id") REFERENCES "public"."agent_tasks"("tenant_id","id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD CONSTRAINT "agent_tasks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD CONSTRAINT "agent_tasks_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD CONSTRAINT "agent_tasks_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fragment_executions" ADD CONSTRAINT "fragment_executions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fragment_executions" ADD CONSTRAINT "fragment_executions_fragment_id_fk" FOREIGN KEY ("tenant_id","fragment_id") REFERENCES "public"."fragments"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fragments" ADD CONSTRAINT "fragments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fragments" ADD CONSTRAINT "fragments_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fragments" ADD CONSTRAINT "fragments_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rag_evaluations" ADD CONSTRAINT "rag_evaluations_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rag_evaluations" ADD CONSTRAINT "rag_evaluations_session_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."chat_sessions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rag_metrics" ADD CONSTRAINT "rag_metrics_evaluation_id_fk" FOREIGN KEY ("tenant_id","evaluation_id") REFERENCES "public"."rag_evaluations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rag_reports" ADD CONSTRAINT "rag_reports_evaluation_id_fk" FOREIGN KEY ("tenant_id","evaluation_id") REFERENCES "public"."rag_evaluations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_llm_configs" ADD CONSTRAINT "tenant_llm_configs_provider_id_llm_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."llm_providers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_llm_configs" ADD CONSTRAINT "tenant_llm_configs_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_quotas" ADD CONSTRAINT "tenant_quotas_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "token_purchases" ADD CONSTRAINT "token_purchases_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "token_purchases" ADD CONSTRAINT "token_purchases_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_connections" ADD CONSTRAINT "api_connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_connections" ADD CONSTRAINT "api_connections_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_connections" ADD CONSTRAINT "api_connections_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_tokens" ADD CONSTRAINT "oauth_tokens_connection_id_fk" FOREIGN KEY ("tenant_id","connection_id") REFERENCES "public"."oauth_connections"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_integrations" ADD CONSTRAINT "user_integrations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_integrations" ADD CONSTRAINT "user_integrations_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_files" ADD CONSTRAINT "artifact_files_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_files" ADD CONSTRAINT "artifact_files_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_files" ADD CONSTRAINT "artifact_files_project_id_fk" FOREIGN KEY ("tenant_id","artifact_id","project_id") REFERENCES "public"."artifacts"("tenant_id","id","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_session_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."chat_sessions"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_uploads" ADD CONSTRAINT "file_uploads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_uploads" ADD CONSTRAINT "file_uploads_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_uploads" ADD CONSTRAINT "file_uploads_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_files" ADD CONSTRAINT "workspace_files_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_files" ADD CONSTRAINT "workspace_files_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_files" ADD CONSTRAINT "workspace_files_project_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "public"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deletion_requests" ADD CONSTRAINT "deletion_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deletion_requests" ADD CONSTRAINT "deletion_requests_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_jobs" ADD CONSTRAINT "retention_jobs_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_tenant_id_prefix_unique" ON "api_keys" USING btree ("tenant_id","prefix");--> statement-breakpoint
CREATE INDEX "api_keys_user_id_idx" ON "api_keys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "tenant_memberships_user_id_idx" ON "tenant_memberships" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "tenant_memberships_invited_by_idx" ON "tenant_memberships" USING btree ("invited_by");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_slug_unique" ON "tenants" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_is_global_unique" ON "tenants" USING btree ("is_global") WHERE "tenants"."is_global";--> statement-breakpoint
CREATE INDEX "tenants_company_email_domains_idx" ON "tenants" USING gin ("company_email_domains");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_phone_unique" ON "users" USING btree ("phone") WHERE "users"."phone" is not null;--> statement-breakpoint
CREATE INDEX "project_members_user_id_idx" ON "project_members" USING btree ("user_id","tenant_id");--> statement-breakpoint
CREATE INDEX "project_members_invited_by_idx" ON "project_members" USING btree ("invited_by");--> statement-breakpoint
CREATE INDEX "project_versions_created_by_idx" ON "project_versions" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_tenant_id_project_code_unique" ON "projects" USING btree ("tenant_id","project_code") WHERE "projects"."project_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "projects_tenant_id_owner_id_personal_unique" ON "projects" USING btree ("tenant_id","owner_id") WHERE "projects"."is_personal";--> statement-breakpoint
CREATE INDEX "projects_owner_id_idx" ON "projects" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "projects_created_by_idx" ON "projects" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "projects_tenant_id_updated_at_idx" ON "projects" USING btree ("tenant_id","updated_at");--> statement-breakpoint
CREATE INDEX "projects_name_search_idx" ON "projects" USING gin (to_tsvector('english', "name"));--> statement-breakpoint
CREATE INDEX "document_revisions_created_by_idx" ON "document_revisions" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "documents_tenant_id_project_id_kind_idx" ON "documents" USING btree ("tenant_id","project_id","kind");--> statement-breakpoint
CREATE INDEX "documents_created_by_idx" ON "documents" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "documents_updated_by_idx" ON "documents" USING btree ("updated_by");--> statement-breakpoint
CREATE INDEX "project_version_documents_document_idx" ON "project_version_documents" USING btree ("tenant_id","document_id","rev");--> statement-breakpoint
CREATE UNIQUE INDEX "deliverable_schemas_tenant_id_name_unique" ON "deliverable_schemas" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "deliverables_tenant_id_project_id_idx" ON "deliverables" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "deliverables_tenant_id_schema_id_idx" ON "deliverables" USING btree ("tenant_id","schema_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_tenant_id_task_id_version_reviewer_id_unique" ON "reviews" USING btree ("tenant_id","task_id","version","reviewer_id");--> statement-breakpoint
CREATE INDEX "reviews_reviewer_id_idx" ON "reviews" USING btree ("reviewer_id");--> statement-breakpoint
CREATE INDEX "task_events_tenant_id_task_id_created_at_idx" ON "task_events" USING btree ("tenant_id","task_id","created_at");--> statement-breakpoint
CREATE INDEX "task_events_actor_id_idx" ON "task_events" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "task_versions_created_by_idx" ON "task_versions" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "task_versions_tenant_id_created_at_idx" ON "task_versions" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "tasks_tenant_id_project_id_status_idx" ON "tasks" USING btree ("tenant_id","project_id","status");--> statement-breakpoint
CREATE INDEX "tasks_tenant_id_deliverable_id_idx" ON "tasks" USING btree ("tenant_id","deliverable_id");--> statement-breakpoint
CREATE INDEX "tasks_assignee_id_idx" ON "tasks" USING btree ("assignee_id","tenant_id");--> statement-breakpoint
CREATE INDEX "tasks_tenant_id_project_id_phase_idx" ON "tasks" USING btree ("tenant_id","project_id","phase");--> statement-breakpoint
CREATE INDEX "tasks_created_by_idx" ON "tasks" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "chunks_source_unique" ON "chunks" USING btree ("tenant_id","model_id","source_type","source_id","chunk_index","content_hash");--> statement-breakpoint
CREATE INDEX "chunks_tenant_id_source_idx" ON "chunks" USING btree ("tenant_id","source_type","source_id");--> statement-breakpoint
CREATE INDEX "chunks_tenant_id_object_id_idx" ON "chunks" USING btree ("tenant_id","object_id");--> statement-breakpoint
CREATE INDEX "chunks_tenant_id_project_id_idx" ON "chunks" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "chunks_tenant_id_document_rev_idx" ON "chunks" USING btree ("tenant_id","source_id","document_rev");--> statement-breakpoint
CREATE INDEX "chunks_tenant_id_model_id_project_id_idx" ON "chunks" USING btree ("tenant_id","model_id","project_id");--> statement-breakpoint
CREATE INDEX "chunks_tenant_id_created_at_idx" ON "chunks" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "chunks_tags_idx" ON "chunks" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "chunks_search_vector_idx" ON "chunks" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "chunks_embedding_384_hnsw_idx" ON "chunks" USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dims = 384;--> statement-breakpoint
CREATE INDEX "chunks_embedding_768_hnsw_idx" ON "chunks" USING hnsw ((embedding::vector(768)) vector_cosine_ops) WHERE dims = 768;--> statement-breakpoint
CREATE INDEX "chunks_embedding_1024_hnsw_idx" ON "chunks" USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE dims = 1024;--> statement-breakpoint
CREATE INDEX "chunks_embedding_1536_hnsw_idx" ON "chunks" USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE dims = 1536;--> statement-breakpoint
CREATE INDEX "data_sources_tenant_id_created_at_idx" ON "data_sources" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "embedding_models_tenant_id_name_unique" ON "embedding_models" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "fine_tuning_examples_tenant_id_project_id_idx" ON "fine_tuning_examples" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "fine_tuning_examples_created_by_idx" ON "fine_tuning_examples" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "ingested_objects_tenant_id_data_source_id_idx" ON "ingested_objects" USING btree ("tenant_id","data_source_id");--> statement-breakpoint
CREATE INDEX "ingested_objects_tenant_id_created_at_idx" ON "ingested_objects" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "chat_participants_user_id_idx" ON "chat_participants" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_sessions_tenant_id_external_id_unique" ON "chat_sessions" USING btree ("tenant_id","external_id") WHERE "chat_sessions"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "chat_sessions_tenant_id_project_id_idx" ON "chat_sessions" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "chat_sessions_user_id_last_activity_at_idx" ON "chat_sessions" USING btree ("user_id","last_activity_at");--> statement-breakpoint
CREATE INDEX "agent_failures_tenant_id_agent_run_id_idx" ON "agent_failures" USING btree ("tenant_id","agent_run_id");--> statement-breakpoint
CREATE INDEX "agent_runs_tenant_id_session_id_idx" ON "agent_runs" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE INDEX "agent_runs_tenant_id_project_id_idx" ON "agent_runs" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "agent_runs_tenant_id_created_at_idx" ON "agent_runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_tasks_user_id_created_at_idx" ON "agent_tasks" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_tasks_tenant_id_status_idx" ON "agent_tasks" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "agent_tasks_tenant_id_project_id_idx" ON "agent_tasks" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "fragment_executions_tenant_id_fragment_id_idx" ON "fragment_executions" USING btree ("tenant_id","fragment_id");--> statement-breakpoint
CREATE INDEX "fragment_executions_user_id_idx" ON "fragment_executions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "fragments_tenant_id_project_id_idx" ON "fragments" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "fragments_user_id_idx" ON "fragments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "rag_evaluations_tenant_id_session_id_idx" ON "rag_evaluations" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE INDEX "rag_evaluations_tenant_id_created_at_idx" ON "rag_evaluations" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "rag_reports_tenant_id_evaluation_id_idx" ON "rag_reports" USING btree ("tenant_id","evaluation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "llm_providers_name_unique" ON "llm_providers" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "tenant_llm_configs_tenant_id_provider_id_model_name_unique" ON "tenant_llm_configs" USING btree ("tenant_id","provider_id","model_name");--> statement-breakpoint
CREATE INDEX "tenant_llm_configs_provider_id_idx" ON "tenant_llm_configs" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "credit_balances_user_id_idx" ON "credit_balances" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "token_purchases_tenant_id_payment_intent_unique" ON "token_purchases" USING btree ("tenant_id","stripe_payment_intent_id");--> statement-breakpoint
CREATE INDEX "token_purchases_created_by_idx" ON "token_purchases" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "api_connections_tenant_id_project_id_idx" ON "api_connections" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "api_connections_created_by_idx" ON "api_connections" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "oauth_connections_tenant_id_project_id_idx" ON "oauth_connections" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "oauth_connections_created_by_idx" ON "oauth_connections" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "oauth_tokens_tenant_id_connection_id_idx" ON "oauth_tokens" USING btree ("tenant_id","connection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_integrations_tenant_id_user_id_service_unique" ON "user_integrations" USING btree ("tenant_id","user_id","service");--> statement-breakpoint
CREATE INDEX "user_integrations_user_id_idx" ON "user_integrations" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "artifact_files_tenant_id_artifact_id_idx" ON "artifact_files" USING btree ("tenant_id","artifact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "artifact_files_one_main_file_unique" ON "artifact_files" USING btree ("tenant_id","artifact_id") WHERE "artifact_files"."is_main_file";--> statement-breakpoint
CREATE UNIQUE INDEX "artifact_files_tenant_id_artifact_id_file_path_unique" ON "artifact_files" USING btree ("tenant_id","artifact_id","file_path");--> statement-breakpoint
CREATE INDEX "artifact_files_created_by_idx" ON "artifact_files" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "artifact_files_updated_by_idx" ON "artifact_files" USING btree ("updated_by");--> statement-breakpoint
CREATE INDEX "artifacts_tenant_id_project_id_idx" ON "artifacts" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "artifacts_tenant_id_session_id_idx" ON "artifacts" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE INDEX "artifacts_created_by_idx" ON "artifacts" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "artifacts_title_search_idx" ON "artifacts" USING gin (to_tsvector('english', "title"));--> statement-breakpoint
CREATE INDEX "file_uploads_user_id_idx" ON "file_uploads" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "file_uploads_tenant_id_project_id_idx" ON "file_uploads" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_files_tenant_id_user_id_path_unique" ON "workspace_files" USING btree ("tenant_id","user_id","path");--> statement-breakpoint
CREATE INDEX "workspace_files_user_id_parent_path_idx" ON "workspace_files" USING btree ("user_id","parent_path");--> statement-breakpoint
CREATE INDEX "workspace_files_tenant_id_project_id_idx" ON "workspace_files" USING btree ("tenant_id","project_id");--> statement-breakpoint
CREATE INDEX "deletion_requests_tenant_id_status_idx" ON "deletion_requests" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "deletion_requests_requested_by_idx" ON "deletion_requests" USING btree ("requested_by");--> statement-breakpoint
CREATE INDEX "retention_jobs_tenant_id_scheduled_at_idx" ON "retention_jobs" USING btree ("tenant_id","scheduled_at");--> statement-breakpoint
CREATE POLICY "api_keys_select_owner_or_admin" ON "api_keys" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (user_id = (select app.current_user_id()) or (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "api_keys_insert_member_self" ON "api_keys" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "api_keys_update_owner_or_admin" ON "api_keys" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (user_id = (select app.current_user_id()) or (select app.has_tenant_role('admin')))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (user_id = (select app.current_user_id()) or (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "tenant_memberships_select_member_or_self" ON "tenant_memberships" AS PERMISSIVE FOR SELECT TO public USING ((tenant_id = (select app.current_tenant_id()) or user_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "tenant_memberships_insert_admin" ON "tenant_memberships" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')) and (role <> 'owner' or (select app.has_tenant_role('owner'))));--> statement-breakpoint
CREATE POLICY "tenant_memberships_update_admin" ON "tenant_memberships" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')) and (role <> 'owner' or (select app.has_tenant_role('owner')))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')) and (role <> 'owner' or (select app.has_tenant_role('owner'))));--> statement-breakpoint
CREATE POLICY "tenant_memberships_delete_admin_or_self" ON "tenant_memberships" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) and (role <> 'owner' or (select app.has_tenant_role('owner'))) or user_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "tenants_select_member" ON "tenants" AS PERMISSIVE FOR SELECT TO public USING (id = any ((select app.my_tenant_ids())::uuid[]));--> statement-breakpoint
CREATE POLICY "tenants_update_owner" ON "tenants" AS PERMISSIVE FOR UPDATE TO public USING (id = (select app.current_tenant_id()) and (select app.has_tenant_role('owner'))) WITH CHECK (id = (select app.current_tenant_id()) and (select app.has_tenant_role('owner')));--> statement-breakpoint
CREATE POLICY "user_profiles_select_self" ON "user_profiles" AS PERMISSIVE FOR SELECT TO public USING (user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "user_profiles_insert_self" ON "user_profiles" AS PERMISSIVE FOR INSERT TO public WITH CHECK (user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "user_profiles_update_self" ON "user_profiles" AS PERMISSIVE FOR UPDATE TO public USING (user_id = (select app.current_user_id())) WITH CHECK (user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "users_select_self_or_comember" ON "users" AS PERMISSIVE FOR SELECT TO public USING ((id = (select app.current_user_id()) or id = any ((select app.current_tenant_member_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "users_update_self" ON "users" AS PERMISSIVE FOR UPDATE TO public USING (id = (select app.current_user_id())) WITH CHECK (id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "project_members_select_project_member" ON "project_members" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_members_insert_manager" ON "project_members" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) and role <> 'owner'));--> statement-breakpoint
CREATE POLICY "project_members_update_manager" ON "project_members" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) and role <> 'owner')) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) and role <> 'owner'));--> statement-breakpoint
CREATE POLICY "project_members_delete_manager_or_self" ON "project_members" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) and role <> 'owner' or user_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "project_versions_select_project_viewer" ON "project_versions" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_versions_insert_project_contributor" ON "project_versions" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "projects_select_member_public_or_personal" ON "projects" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (not is_personal and ((select app.has_tenant_role('admin')) or id = any ((select app.my_project_ids('viewer'))::uuid[]) or is_public) or owner_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "projects_insert_tenant_member" ON "projects" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')) and (not is_personal or owner_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "projects_update_manager" ON "projects" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (not is_personal and ((select app.has_tenant_role('admin')) or id = any ((select app.my_project_ids('manager'))::uuid[])) or owner_id = (select app.current_user_id()))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (not is_personal and ((select app.has_tenant_role('admin')) or id = any ((select app.my_project_ids('manager'))::uuid[])) or owner_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "projects_delete_owner" ON "projects" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (not is_personal and ((select app.has_tenant_role('admin')) or id = any ((select app.my_project_ids('owner'))::uuid[])) or owner_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "document_revisions_select_project_viewer" ON "document_revisions" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "document_revisions_insert_project_contributor" ON "document_revisions" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "documents_select_project_viewer" ON "documents" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "documents_insert_project_contributor" ON "documents" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "documents_update_project_contributor" ON "documents" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "documents_delete_project_manager" ON "documents" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_version_documents_select_project_viewer" ON "project_version_documents" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "project_version_documents_insert_project_contributor" ON "project_version_documents" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "deliverable_schemas_select_tenant_member" ON "deliverable_schemas" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "deliverable_schemas_insert_tenant_admin" ON "deliverable_schemas" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "deliverable_schemas_update_tenant_admin" ON "deliverable_schemas" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "deliverable_schemas_delete_tenant_admin" ON "deliverable_schemas" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "deliverables_select_project_viewer" ON "deliverables" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "deliverables_insert_project_lead" ON "deliverables" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('lead'))::uuid[])));--> statement-breakpoint
CREATE POLICY "deliverables_update_project_lead" ON "deliverables" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('lead'))::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('lead'))::uuid[])));--> statement-breakpoint
CREATE POLICY "deliverables_delete_project_manager" ON "deliverables" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[])));--> statement-breakpoint
CREATE POLICY "reviews_select_task_viewer" ON "reviews" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[]) or task_id = any ((select app.my_assigned_task_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "reviews_insert_reviewer" ON "reviews" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "task_events_select_task_viewer" ON "task_events" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[]) or task_id = any ((select app.my_assigned_task_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "task_events_insert_task_viewer" ON "task_events" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[]) or task_id = any ((select app.my_assigned_task_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "task_versions_select_task_viewer" ON "task_versions" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[]) or task_id = any ((select app.my_assigned_task_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "task_versions_insert_assignee" ON "task_versions" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or task_id = any ((select app.my_assigned_task_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "tasks_select_assignee_or_reviewer" ON "tasks" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or assignee_id = (select app.current_user_id()) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "tasks_insert_lead" ON "tasks" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('lead'))::uuid[])));--> statement-breakpoint
CREATE POLICY "tasks_update_assignee_or_reviewer" ON "tasks" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or assignee_id = (select app.current_user_id()) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or assignee_id = (select app.current_user_id()) or project_id = any ((select app.my_project_ids('reviewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "tasks_delete_manager" ON "tasks" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[])));--> statement-breakpoint
CREATE POLICY "chunks_select_project_viewer" ON "chunks" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[]) or project_id is null));--> statement-breakpoint
CREATE POLICY "chunks_insert_project_contributor" ON "chunks" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('member'))));--> statement-breakpoint
CREATE POLICY "chunks_update_project_contributor" ON "chunks" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('member')))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('member'))));--> statement-breakpoint
CREATE POLICY "chunks_delete_project_contributor" ON "chunks" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('member'))));--> statement-breakpoint
CREATE POLICY "data_sources_select_tenant_member" ON "data_sources" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "data_sources_insert_tenant_member" ON "data_sources" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "data_sources_update_tenant_member" ON "data_sources" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "data_sources_delete_tenant_admin" ON "data_sources" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "embedding_models_select_tenant_member" ON "embedding_models" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "embedding_models_insert_tenant_admin" ON "embedding_models" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "embedding_models_update_tenant_admin" ON "embedding_models" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "embedding_models_delete_tenant_admin" ON "embedding_models" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "fine_tuning_examples_select_project_viewer" ON "fine_tuning_examples" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[]) or project_id is null));--> statement-breakpoint
CREATE POLICY "fine_tuning_examples_insert_project_contributor" ON "fine_tuning_examples" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "fine_tuning_examples_update_project_contributor" ON "fine_tuning_examples" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin')))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "fine_tuning_examples_delete_project_contributor" ON "fine_tuning_examples" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "ingested_objects_select_tenant_member" ON "ingested_objects" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "ingested_objects_insert_tenant_member" ON "ingested_objects" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "ingested_objects_update_tenant_member" ON "ingested_objects" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "ingested_objects_delete_tenant_admin" ON "ingested_objects" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "chat_participants_select_participant" ON "chat_participants" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or session_id = any ((select app.my_session_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "chat_participants_insert_participant" ON "chat_participants" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or session_id = any ((select app.my_session_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "chat_participants_update_self" ON "chat_participants" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "chat_participants_delete_self_or_admin" ON "chat_participants" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (user_id = (select app.current_user_id()) or (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "chat_sessions_select_participant" ON "chat_sessions" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or user_id = (select app.current_user_id()) or id = any ((select app.my_session_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "chat_sessions_insert_self" ON "chat_sessions" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()) and (project_id is null or project_id = any ((select app.my_project_ids('contributor'))::uuid[]) or (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "chat_sessions_update_participant" ON "chat_sessions" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or user_id = (select app.current_user_id()) or id = any ((select app.my_session_ids())::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or user_id = (select app.current_user_id()) or id = any ((select app.my_session_ids())::uuid[])));--> statement-breakpoint
CREATE POLICY "chat_sessions_delete_owner" ON "chat_sessions" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or user_id = (select app.current_user_id())));--> statement-breakpoint
CREATE POLICY "agent_failures_select_tenant_member" ON "agent_failures" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "agent_failures_insert_tenant_member" ON "agent_failures" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "agent_failures_delete_tenant_admin" ON "agent_failures" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "agent_runs_select_tenant_member" ON "agent_runs" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "agent_runs_insert_tenant_member" ON "agent_runs" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "agent_runs_update_tenant_member" ON "agent_runs" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "agent_runs_delete_tenant_admin" ON "agent_runs" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "agent_task_logs_select_owner" ON "agent_task_logs" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "agent_task_logs_insert_owner" ON "agent_task_logs" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "agent_tasks_select_owner" ON "agent_tasks" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "agent_tasks_insert_owner" ON "agent_tasks" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "agent_tasks_update_owner" ON "agent_tasks" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "agent_tasks_delete_owner" ON "agent_tasks" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "fragment_executions_select_owner" ON "fragment_executions" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "fragment_executions_insert_owner" ON "fragment_executions" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "fragment_executions_update_owner" ON "fragment_executions" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "fragments_select_owner_or_public" ON "fragments" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (user_id = (select app.current_user_id()) or is_public));--> statement-breakpoint
CREATE POLICY "fragments_insert_owner" ON "fragments" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "fragments_update_owner" ON "fragments" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "fragments_delete_owner" ON "fragments" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "rag_evaluations_select_tenant_member" ON "rag_evaluations" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "rag_evaluations_insert_tenant_member" ON "rag_evaluations" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "rag_evaluations_update_tenant_member" ON "rag_evaluations" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "rag_evaluations_delete_tenant_admin" ON "rag_evaluations" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "rag_metrics_select_tenant_member" ON "rag_metrics" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "rag_metrics_insert_tenant_member" ON "rag_metrics" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "rag_metrics_update_tenant_member" ON "rag_metrics" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "rag_metrics_delete_tenant_admin" ON "rag_metrics" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "rag_reports_select_tenant_member" ON "rag_reports" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "rag_reports_insert_tenant_member" ON "rag_reports" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "rag_reports_update_tenant_member" ON "rag_reports" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('member')));--> statement-breakpoint
CREATE POLICY "rag_reports_delete_tenant_admin" ON "rag_reports" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "llm_providers_select_public" ON "llm_providers" AS PERMISSIVE FOR SELECT TO public USING (true);--> statement-breakpoint
CREATE POLICY "tenant_llm_configs_select_tenant_member" ON "tenant_llm_configs" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "tenant_llm_configs_insert_tenant_admin" ON "tenant_llm_configs" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "tenant_llm_configs_update_tenant_admin" ON "tenant_llm_configs" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin'))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "tenant_llm_configs_delete_tenant_admin" ON "tenant_llm_configs" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "credit_balances_select_owner" ON "credit_balances" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "subscriptions_select_tenant_admin" ON "subscriptions" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "tenant_quotas_select_tenant_member" ON "tenant_quotas" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "token_purchases_select_tenant_admin" ON "token_purchases" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "usage_daily_select_tenant_member" ON "usage_daily" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()));--> statement-breakpoint
CREATE POLICY "api_connections_select_project_viewer" ON "api_connections" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[]) or project_id is null));--> statement-breakpoint
CREATE POLICY "api_connections_insert_project_manager" ON "api_connections" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "api_connections_update_project_manager" ON "api_connections" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin')))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "api_connections_delete_project_manager" ON "api_connections" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "oauth_connections_select_project_viewer" ON "oauth_connections" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[]) or project_id is null));--> statement-breakpoint
CREATE POLICY "oauth_connections_insert_project_manager" ON "oauth_connections" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "oauth_connections_update_project_manager" ON "oauth_connections" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin')))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "oauth_connections_delete_project_manager" ON "oauth_connections" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[]) or project_id is null and (select app.has_tenant_role('admin'))));--> statement-breakpoint
CREATE POLICY "user_integrations_select_owner" ON "user_integrations" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "user_integrations_insert_owner" ON "user_integrations" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "user_integrations_update_owner" ON "user_integrations" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "user_integrations_delete_owner" ON "user_integrations" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "artifact_files_select_project_viewer" ON "artifact_files" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[])));--> statement-breakpoint
CREATE POLICY "artifact_files_insert_project_contributor" ON "artifact_files" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "artifact_files_update_project_contributor" ON "artifact_files" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "artifact_files_delete_project_manager" ON "artifact_files" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[])));--> statement-breakpoint
CREATE POLICY "artifacts_select_project_viewer" ON "artifacts" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('viewer'))::uuid[]) or is_public));--> statement-breakpoint
CREATE POLICY "artifacts_insert_project_contributor" ON "artifacts" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "artifacts_update_project_contributor" ON "artifacts" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[]))) WITH CHECK (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('contributor'))::uuid[])));--> statement-breakpoint
CREATE POLICY "artifacts_delete_project_manager" ON "artifacts" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and ((select app.has_tenant_role('admin')) or project_id = any ((select app.my_project_ids('manager'))::uuid[])));--> statement-breakpoint
CREATE POLICY "file_uploads_select_owner_or_public" ON "file_uploads" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (user_id = (select app.current_user_id()) or is_public));--> statement-breakpoint
CREATE POLICY "file_uploads_insert_owner" ON "file_uploads" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "file_uploads_update_owner" ON "file_uploads" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "file_uploads_delete_owner" ON "file_uploads" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "workspace_files_select_owner" ON "workspace_files" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "workspace_files_insert_owner" ON "workspace_files" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "workspace_files_update_owner" ON "workspace_files" AS PERMISSIVE FOR UPDATE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())) WITH CHECK (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "workspace_files_delete_owner" ON "workspace_files" AS PERMISSIVE FOR DELETE TO public USING (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));--> statement-breakpoint
CREATE POLICY "deletion_requests_select_tenant_admin" ON "deletion_requests" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "deletion_requests_insert_tenant_admin" ON "deletion_requests" AS PERMISSIVE FOR INSERT TO public WITH CHECK (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));--> statement-breakpoint
CREATE POLICY "retention_jobs_select_tenant_admin" ON "retention_jobs" AS PERMISSIVE FOR SELECT TO public USING (tenant_id = (select app.current_tenant_id()) and (select app.has_tenant_role('admin')));