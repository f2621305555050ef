-- Custom migration written by `npm run db:custom` from src/sql and src/rls. Do not edit by hand.
CREATE OR REPLACE FUNCTION app.touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS agent_tasks_touch_updated_at ON public.agent_tasks;
--> statement-breakpoint
CREATE TRIGGER agent_tasks_touch_updated_at BEFORE UPDATE ON public.agent_tasks FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS api_connections_touch_updated_at ON public.api_connections;
--> statement-breakpoint
CREATE TRIGGER api_connections_touch_updated_at BEFORE UPDATE ON public.api_connections FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS artifact_files_touch_updated_at ON public.artifact_files;
--> statement-breakpoint
CREATE TRIGGER artifact_files_touch_updated_at BEFORE UPDATE ON public.artifact_files FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS artifacts_touch_updated_at ON public.artifacts;
--> statement-breakpoint
CREATE TRIGGER artifacts_touch_updated_at BEFORE UPDATE ON public.artifacts FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS chat_sessions_touch_updated_at ON public.chat_sessions;
--> statement-breakpoint
CREATE TRIGGER chat_sessions_touch_updated_at BEFORE UPDATE ON public.chat_sessions FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS credit_balances_touch_updated_at ON public.credit_balances;
--> statement-breakpoint
CREATE TRIGGER credit_balances_touch_updated_at BEFORE UPDATE ON public.credit_balances FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS documents_touch_updated_at ON public.documents;
--> statement-breakpoint
CREATE TRIGGER documents_touch_updated_at BEFORE UPDATE ON public.documents FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS file_uploads_touch_updated_at ON public.file_uploads;
--> statement-breakpoint
CREATE TRIGGER file_uploads_touch_updated_at BEFORE UPDATE ON public.file_uploads FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS fine_tuning_examples_touch_updated_at ON public.fine_tuning_examples;
--> statement-breakpoint
CREATE TRIGGER fine_tuning_examples_touch_updated_at BEFORE UPDATE ON public.fine_tuning_examples FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS fragments_touch_updated_at ON public.fragments;
--> statement-breakpoint
CREATE TRIGGER fragments_touch_updated_at BEFORE UPDATE ON public.fragments FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS oauth_connections_touch_updated_at ON public.oauth_connections;
--> statement-breakpoint
CREATE TRIGGER oauth_connections_touch_updated_at BEFORE UPDATE ON public.oauth_connections FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS oauth_tokens_touch_updated_at ON public.oauth_tokens;
--> statement-breakpoint
CREATE TRIGGER oauth_tokens_touch_updated_at BEFORE UPDATE ON public.oauth_tokens FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_members_touch_updated_at ON public.project_members;
--> statement-breakpoint
CREATE TRIGGER project_members_touch_updated_at BEFORE UPDATE ON public.project_members FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS projects_touch_updated_at ON public.projects;
--> statement-breakpoint
CREATE TRIGGER projects_touch_updated_at BEFORE UPDATE ON public.projects FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS subscriptions_touch_updated_at ON public.subscriptions;
--> statement-breakpoint
CREATE TRIGGER subscriptions_touch_updated_at BEFORE UPDATE ON public.subscriptions FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_touch_updated_at ON public.tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_touch_updated_at BEFORE UPDATE ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_llm_configs_touch_updated_at ON public.tenant_llm_configs;
--> statement-breakpoint
CREATE TRIGGER tenant_llm_configs_touch_updated_at BEFORE UPDATE ON public.tenant_llm_configs FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_memberships_touch_updated_at ON public.tenant_memberships;
--> statement-breakpoint
CREATE TRIGGER tenant_memberships_touch_updated_at BEFORE UPDATE ON public.tenant_memberships FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_quotas_touch_updated_at ON public.tenant_quotas;
--> statement-breakpoint
CREATE TRIGGER tenant_quotas_touch_updated_at BEFORE UPDATE ON public.tenant_quotas FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenants_touch_updated_at ON public.tenants;
--> statement-breakpoint
CREATE TRIGGER tenants_touch_updated_at BEFORE UPDATE ON public.tenants FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS usage_daily_touch_updated_at ON public.usage_daily;
--> statement-breakpoint
CREATE TRIGGER usage_daily_touch_updated_at BEFORE UPDATE ON public.usage_daily FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS user_integrations_touch_updated_at ON public.user_integrations;
--> statement-breakpoint
CREATE TRIGGER user_integrations_touch_updated_at BEFORE UPDATE ON public.user_integrations FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS user_profiles_touch_updated_at ON public.user_profiles;
--> statement-breakpoint
CREATE TRIGGER user_profiles_touch_updated_at BEFORE UPDATE ON public.user_profiles FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_touch_updated_at ON public.users;
--> statement-breakpoint
CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
DROP TRIGGER IF EXISTS workspace_files_touch_updated_at ON public.workspace_files;
--> statement-breakpoint
CREATE TRIGGER workspace_files_touch_updated_at BEFORE UPDATE ON public.workspace_files FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.history_purge_allowed(rel oid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT coalesce(current_setting('app.history_purge', true), '') = 'on'
     AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = rel AND pg_has_role(current_user, c.relowner, 'USAGE'))
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.forbid_history_change() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF app.history_purge_allowed(TG_RELID) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'AP001', TABLE = TG_TABLE_NAME;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_versions_append_only ON public.project_versions;
--> statement-breakpoint
CREATE TRIGGER project_versions_append_only BEFORE UPDATE OR DELETE ON public.project_versions FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_versions_append_only_truncate ON public.project_versions;
--> statement-breakpoint
CREATE TRIGGER project_versions_append_only_truncate BEFORE TRUNCATE ON public.project_versions FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS document_revisions_append_only ON public.document_revisions;
--> statement-breakpoint
CREATE TRIGGER document_revisions_append_only BEFORE UPDATE OR DELETE ON public.document_revisions FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS document_revisions_append_only_truncate ON public.document_revisions;
--> statement-breakpoint
CREATE TRIGGER document_revisions_append_only_truncate BEFORE TRUNCATE ON public.document_revisions FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_version_documents_append_only ON public.project_version_documents;
--> statement-breakpoint
CREATE TRIGGER project_version_documents_append_only BEFORE UPDATE OR DELETE ON public.project_version_documents FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_version_documents_append_only_truncate ON public.project_version_documents;
--> statement-breakpoint
CREATE TRIGGER project_version_documents_append_only_truncate BEFORE TRUNCATE ON public.project_version_documents FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS task_versions_append_only ON public.task_versions;
--> statement-breakpoint
CREATE TRIGGER task_versions_append_only BEFORE UPDATE OR DELETE ON public.task_versions FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS task_versions_append_only_truncate ON public.task_versions;
--> statement-breakpoint
CREATE TRIGGER task_versions_append_only_truncate BEFORE TRUNCATE ON public.task_versions FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS reviews_append_only ON public.reviews;
--> statement-breakpoint
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON public.reviews FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS reviews_append_only_truncate ON public.reviews;
--> statement-breakpoint
CREATE TRIGGER reviews_append_only_truncate BEFORE TRUNCATE ON public.reviews FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS task_events_append_only ON public.task_events;
--> statement-breakpoint
CREATE TRIGGER task_events_append_only BEFORE UPDATE OR DELETE ON public.task_events FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS task_events_append_only_truncate ON public.task_events;
--> statement-breakpoint
CREATE TRIGGER task_events_append_only_truncate BEFORE TRUNCATE ON public.task_events FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS chat_messages_append_only ON public.chat_messages;
--> statement-breakpoint
CREATE TRIGGER chat_messages_append_only BEFORE UPDATE OR DELETE ON public.chat_messages FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS agent_task_logs_append_only ON public.agent_task_logs;
--> statement-breakpoint
CREATE TRIGGER agent_task_logs_append_only BEFORE UPDATE OR DELETE ON public.agent_task_logs FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS agent_task_logs_append_only_truncate ON public.agent_task_logs;
--> statement-breakpoint
CREATE TRIGGER agent_task_logs_append_only_truncate BEFORE TRUNCATE ON public.agent_task_logs FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS usage_events_append_only ON public.usage_events;
--> statement-breakpoint
CREATE TRIGGER usage_events_append_only BEFORE UPDATE OR DELETE ON public.usage_events FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS audit_logs_append_only ON public.audit_logs;
--> statement-breakpoint
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON public.audit_logs FOR EACH ROW EXECUTE FUNCTION app.forbid_history_change();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION app.assign_document_rev() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  UPDATE public.documents p
     SET current_rev = p.current_rev + 1, current_content_hash = NEW.content_hash
   WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.document_id AND NOT p.is_locked
  RETURNING p.current_rev INTO NEW.rev;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'documents row % not found or locked', NEW.document_id
      USING ERRCODE = 'AP004', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS document_revisions_assign_rev ON public.document_revisions;
--> statement-breakpoint
CREATE TRIGGER document_revisions_assign_rev BEFORE INSERT ON public.document_revisions FOR EACH ROW EXECUTE FUNCTION app.assign_document_rev();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION app.assign_task_version() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  UPDATE public.tasks p
     SET current_version = p.current_version + 1
   WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.task_id
  RETURNING p.current_version INTO NEW.version;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tasks row % not found', NEW.task_id
      USING ERRCODE = 'AP008', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS task_versions_assign_version ON public.task_versions;
--> statement-breakpoint
CREATE TRIGGER task_versions_assign_version BEFORE INSERT ON public.task_versions FOR EACH ROW EXECUTE FUNCTION app.assign_task_version();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION app.assign_project_version() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  UPDATE public.projects p
     SET current_version = p.current_version + 1
   WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.project_id
  RETURNING p.current_version INTO NEW.version;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'projects row % not found', NEW.project_id
      USING ERRCODE = 'AP008', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_versions_assign_version ON public.project_versions;
--> statement-breakpoint
CREATE TRIGGER project_versions_assign_version BEFORE INSERT ON public.project_versions FOR EACH ROW EXECUTE FUNCTION app.assign_project_version();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION app.assign_agent_log_seq() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  UPDATE public.agent_tasks p
     SET log_count = p.log_count + 1
   WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.task_id
  RETURNING p.log_count INTO NEW.seq;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'agent_tasks row % not found', NEW.task_id
      USING ERRCODE = 'AP008', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS agent_task_logs_assign_seq ON public.agent_task_logs;
--> statement-breakpoint
CREATE TRIGGER agent_task_logs_assign_seq BEFORE INSERT ON public.agent_task_logs FOR EACH ROW EXECUTE FUNCTION app.assign_agent_log_seq();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.assign_message_sequence() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v integer;
BEGIN
  UPDATE public.chat_sessions cs
     SET last_sequence = cs.last_sequence + 1,
         last_activity_at = now(),
         total_tokens = cs.total_tokens + coalesce(NEW.token_count, 0)
   WHERE cs.tenant_id = NEW.tenant_id AND cs.id = NEW.session_id
  RETURNING cs.last_sequence INTO v;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'chat session % not found', NEW.session_id USING ERRCODE = 'AP008', TABLE = TG_TABLE_NAME;
  END IF;
  IF NEW.sequence IS NOT NULL AND NEW.sequence <> 0 AND NEW.sequence <> v THEN
    RAISE EXCEPTION 'message sequence % would leave a gap or duplicate (next is %)', NEW.sequence, v
      USING ERRCODE = 'AP006', TABLE = TG_TABLE_NAME;
  END IF;
  NEW.sequence := v;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS chat_messages_assign_sequence ON public.chat_messages;
--> statement-breakpoint
CREATE TRIGGER chat_messages_assign_sequence BEFORE INSERT ON public.chat_messages FOR EACH ROW EXECUTE FUNCTION app.assign_message_sequence();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.guard_counter() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  col text := TG_ARGV[0];
BEGIN
  IF to_jsonb(NEW) -> col IS DISTINCT FROM to_jsonb(OLD) -> col AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION '%.% is assigned by the database', TG_TABLE_NAME, col
      USING ERRCODE = 'AP009', TABLE = TG_TABLE_NAME, COLUMN = col;
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS documents_guard_current_rev ON public.documents;
--> statement-breakpoint
CREATE TRIGGER documents_guard_current_rev BEFORE UPDATE ON public.documents FOR EACH ROW EXECUTE FUNCTION app.guard_counter('current_rev');
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_guard_current_version ON public.tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_guard_current_version BEFORE UPDATE ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.guard_counter('current_version');
--> statement-breakpoint
DROP TRIGGER IF EXISTS projects_guard_current_version ON public.projects;
--> statement-breakpoint
CREATE TRIGGER projects_guard_current_version BEFORE UPDATE ON public.projects FOR EACH ROW EXECUTE FUNCTION app.guard_counter('current_version');
--> statement-breakpoint
DROP TRIGGER IF EXISTS agent_tasks_guard_log_count ON public.agent_tasks;
--> statement-breakpoint
CREATE TRIGGER agent_tasks_guard_log_count BEFORE UPDATE ON public.agent_tasks FOR EACH ROW EXECUTE FUNCTION app.guard_counter('log_count');
--> statement-breakpoint
DROP TRIGGER IF EXISTS chat_sessions_guard_last_sequence ON public.chat_sessions;
--> statement-breakpoint
CREATE TRIGGER chat_sessions_guard_last_sequence BEFORE UPDATE ON public.chat_sessions FOR EACH ROW EXECUTE FUNCTION app.guard_counter('last_sequence');
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.task_status_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status::text, NEW.status::text) IN (('pending','in_progress'), ('pending','awaiting_review'), ('in_progress','awaiting_review'), ('awaiting_review','completed'), ('awaiting_review','rejected'), ('awaiting_review','awaiting_clarification'), ('awaiting_clarification','in_progress'), ('awaiting_clarification','awaiting_review'), ('rejected','in_progress'), ('completed','in_progress')) THEN
    RAISE EXCEPTION 'illegal tasks status transition % -> %', OLD.status, NEW.status
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_status_guard ON public.tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_status_guard BEFORE UPDATE OF status ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.task_status_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.document_status_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status::text, NEW.status::text) IN (('draft','review'), ('review','draft'), ('review','approved'), ('approved','archived')) THEN
    RAISE EXCEPTION 'illegal documents status transition % -> %', OLD.status, NEW.status
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS documents_status_guard ON public.documents;
--> statement-breakpoint
CREATE TRIGGER documents_status_guard BEFORE UPDATE OF status ON public.documents FOR EACH ROW EXECUTE FUNCTION app.document_status_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.initial_status_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status::text <> TG_ARGV[0] THEN
    RAISE EXCEPTION 'a new % row starts as %, not %', TG_TABLE_NAME, TG_ARGV[0], NEW.status
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_initial_status ON public.tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_initial_status AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.initial_status_guard('pending');
--> statement-breakpoint
DROP TRIGGER IF EXISTS documents_initial_status ON public.documents;
--> statement-breakpoint
CREATE TRIGGER documents_initial_status AFTER INSERT ON public.documents FOR EACH ROW EXECUTE FUNCTION app.initial_status_guard('draft');
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.review_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  t record;
  author uuid;
  actor uuid := app.current_user_id();
BEGIN
  SELECT status, current_version, project_id INTO t FROM public.tasks
   WHERE tenant_id = NEW.tenant_id AND id = NEW.task_id FOR UPDATE;
  IF t.status IS DISTINCT FROM 'awaiting_review' THEN
    RAISE EXCEPTION 'task % is not awaiting review (status %)', NEW.task_id, t.status
      USING ERRCODE = 'AP005', TABLE = 'reviews';
  END IF;
  IF NEW.version <> t.current_version THEN
    RAISE EXCEPTION 'only the latest version (%) of task % can be reviewed, not %', t.current_version, NEW.task_id, NEW.version
      USING ERRCODE = 'AP005', TABLE = 'reviews';
  END IF;
  IF NEW.reviewer_id IS NULL THEN
    RAISE EXCEPTION 'a review needs a reviewer' USING ERRCODE = 'AP005', TABLE = 'reviews';
  END IF;
  IF actor IS NOT NULL AND NEW.reviewer_id <> actor THEN
    RAISE EXCEPTION 'a review is recorded in the name of the acting user'
      USING ERRCODE = 'AP005', TABLE = 'reviews';
  END IF;
  SELECT created_by INTO author FROM public.task_versions
   WHERE tenant_id = NEW.tenant_id AND task_id = NEW.task_id AND version = NEW.version;
  IF author = NEW.reviewer_id THEN
    RAISE EXCEPTION 'the author of a version cannot review it'
      USING ERRCODE = 'AP005', TABLE = 'reviews';
  END IF;
  IF NOT EXISTS (
       SELECT 1 FROM public.tenant_memberships m
        WHERE m.tenant_id = NEW.tenant_id AND m.user_id = NEW.reviewer_id AND m.role <= 'admin')
     AND NOT EXISTS (
       SELECT 1 FROM public.project_members pm
        WHERE pm.tenant_id = NEW.tenant_id AND pm.project_id = t.project_id
          AND pm.user_id = NEW.reviewer_id AND pm.role <= 'reviewer') THEN
    RAISE EXCEPTION 'user % may not review in this project', NEW.reviewer_id
      USING ERRCODE = 'AP007', TABLE = 'reviews';
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS reviews_guard ON public.reviews;
--> statement-breakpoint
CREATE TRIGGER reviews_guard AFTER INSERT ON public.reviews FOR EACH ROW EXECUTE FUNCTION app.review_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.record_task_event() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  note text := nullif(current_setting('app.task_note', true), '');
  actor uuid := app.current_user_id();
BEGIN
  IF TG_TABLE_NAME = 'tasks' AND TG_OP = 'INSERT' THEN
    INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, to_status, note, created_at)
    VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'created', actor, NEW.status, note, clock_timestamp());
    IF NEW.assignee_id IS NOT NULL THEN
      INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, note, created_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'assigned', actor, 'assignee ' || NEW.assignee_id, clock_timestamp());
    END IF;
  ELSIF TG_TABLE_NAME = 'tasks' THEN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
      INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, from_status, to_status, version, note, created_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'status_changed', actor, OLD.status, NEW.status, NEW.current_version, note, clock_timestamp());
    END IF;
    IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id THEN
      INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, note, created_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'assigned', actor, coalesce('assignee ' || NEW.assignee_id, 'unassigned'), clock_timestamp());
    END IF;
  ELSIF TG_TABLE_NAME = 'task_versions' THEN
    INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, version, note, created_at)
    VALUES (NEW.tenant_id, NEW.task_id, NEW.project_id, 'submitted', actor, NEW.version, note, clock_timestamp());
  ELSIF TG_TABLE_NAME = 'reviews' THEN
    INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, version, note, created_at)
    VALUES (NEW.tenant_id, NEW.task_id, NEW.project_id, 'reviewed', NEW.reviewer_id, NEW.version,
            NEW.decision || coalesce(': ' || NEW.comments, ''), clock_timestamp());
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_record_created ON public.tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_record_created AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.record_task_event();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tasks_record_changes ON public.tasks;
--> statement-breakpoint
CREATE TRIGGER tasks_record_changes AFTER UPDATE OF status, assignee_id ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.record_task_event();
--> statement-breakpoint
DROP TRIGGER IF EXISTS task_versions_record_submitted ON public.task_versions;
--> statement-breakpoint
CREATE TRIGGER task_versions_record_submitted AFTER INSERT ON public.task_versions FOR EACH ROW EXECUTE FUNCTION app.record_task_event();
--> statement-breakpoint
DROP TRIGGER IF EXISTS reviews_record_decision ON public.reviews;
--> statement-breakpoint
CREATE TRIGGER reviews_record_decision AFTER INSERT ON public.reviews FOR EACH ROW EXECUTE FUNCTION app.record_task_event();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  r jsonb := coalesce(new_row, old_row);
  secret text[] := ARRAY['key_hash', 'credentials_encrypted', 'client_secret_encrypted', 'connection_data_encrypted'];
BEGIN
  INSERT INTO public.audit_logs (tenant_id, project_id, actor_id, action, table_name, record_id, old_data, new_data, ip_address, user_agent)
  VALUES (
    CASE WHEN TG_TABLE_NAME = 'tenants' THEN (r ->> 'id')::uuid ELSE (r ->> 'tenant_id')::uuid END,
    (r ->> 'project_id')::uuid,
    app.current_user_id(),
    TG_OP,
    TG_TABLE_NAME,
    coalesce(r ->> 'id', r ->> 'user_id', r ->> 'tenant_id'),
    old_row - secret,
    new_row - secret,
    CASE WHEN app.claim('ip') ~ '^[0-9a-fA-F:.]+$' THEN app.claim('ip')::inet END,
    app.claim('user_agent')
  );
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenants_audit ON public.tenants;
--> statement-breakpoint
CREATE TRIGGER tenants_audit AFTER INSERT OR UPDATE OR DELETE ON public.tenants FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_memberships_audit ON public.tenant_memberships;
--> statement-breakpoint
CREATE TRIGGER tenant_memberships_audit AFTER INSERT OR UPDATE OR DELETE ON public.tenant_memberships FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_members_audit ON public.project_members;
--> statement-breakpoint
CREATE TRIGGER project_members_audit AFTER INSERT OR UPDATE OR DELETE ON public.project_members FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS api_keys_audit ON public.api_keys;
--> statement-breakpoint
CREATE TRIGGER api_keys_audit AFTER INSERT OR UPDATE OR DELETE ON public.api_keys FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS api_connections_audit ON public.api_connections;
--> statement-breakpoint
CREATE TRIGGER api_connections_audit AFTER INSERT OR UPDATE OR DELETE ON public.api_connections FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS oauth_connections_audit ON public.oauth_connections;
--> statement-breakpoint
CREATE TRIGGER oauth_connections_audit AFTER INSERT OR UPDATE OR DELETE ON public.oauth_connections FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS user_integrations_audit ON public.user_integrations;
--> statement-breakpoint
CREATE TRIGGER user_integrations_audit AFTER INSERT OR UPDATE OR DELETE ON public.user_integrations FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS subscriptions_audit ON public.subscriptions;
--> statement-breakpoint
CREATE TRIGGER subscriptions_audit AFTER INSERT OR UPDATE OR DELETE ON public.subscriptions FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS token_purchases_audit ON public.token_purchases;
--> statement-breakpoint
CREATE TRIGGER token_purchases_audit AFTER INSERT OR UPDATE OR DELETE ON public.token_purchases FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_llm_configs_audit ON public.tenant_llm_configs;
--> statement-breakpoint
CREATE TRIGGER tenant_llm_configs_audit AFTER INSERT OR UPDATE OR DELETE ON public.tenant_llm_configs FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_quotas_audit ON public.tenant_quotas;
--> statement-breakpoint
CREATE TRIGGER tenant_quotas_audit AFTER INSERT OR UPDATE OR DELETE ON public.tenant_quotas FOR EACH ROW EXECUTE FUNCTION app.audit_row_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.consume_credits(p_tenant uuid, p_user uuid, p_amount integer DEFAULT 1)
  RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_remaining integer;
  v_unlimited boolean;
  actor uuid := app.current_user_id();
BEGIN
  IF p_amount IS NULL OR p_amount < 1 THEN
    RAISE EXCEPTION 'amount must be a positive integer' USING ERRCODE = '22023';
  END IF;
  IF actor IS NOT NULL AND (actor <> p_user OR app.current_tenant_id() IS DISTINCT FROM p_tenant) THEN
    RAISE EXCEPTION 'a user may only consume their own credits' USING ERRCODE = 'AP007';
  END IF;
  UPDATE public.credit_balances b
     SET remaining = CASE WHEN b.unlimited THEN b.remaining ELSE b.remaining - p_amount END,
         consumed = b.consumed + p_amount,
         updated_at = now()
   WHERE b.tenant_id = p_tenant AND b.user_id = p_user AND (b.unlimited OR b.remaining >= p_amount)
  RETURNING b.remaining, b.unlimited INTO v_remaining, v_unlimited;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'insufficient credits' USING ERRCODE = 'AP003';
  END IF;
  -- NULL = unlimited
  RETURN CASE WHEN v_unlimited THEN NULL ELSE v_remaining END;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.save_message(
    p_tenant uuid,
    p_session uuid,
    p_role public.message_role,
    p_content text,
    p_sequence integer DEFAULT NULL,
    p_parts jsonb DEFAULT NULL,
    p_references jsonb DEFAULT NULL,
    p_token_count integer DEFAULT NULL,
    p_model text DEFAULT NULL,
    p_metadata jsonb DEFAULT '{}'::jsonb,
    p_agent_type text DEFAULT NULL)
  RETURNS TABLE (id uuid, sequence integer, created_at timestamptz, inserted boolean)
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  s record;
  prev record;
  next_seq integer;
BEGIN
  SELECT cs.last_sequence, cs.project_id INTO s FROM public.chat_sessions cs
   WHERE cs.tenant_id = p_tenant AND cs.id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'chat session % not found', p_session USING ERRCODE = 'AP008';
  END IF;
  IF p_sequence IS NOT NULL AND p_sequence <= s.last_sequence THEN
    -- a retry: the stored message must be the same message
    SELECT m.id, m.sequence, m.created_at, m.role, m.content INTO prev FROM public.chat_messages m
     WHERE m.tenant_id = p_tenant AND m.session_id = p_session AND m.sequence = p_sequence;
    IF FOUND AND (prev.role <> p_role OR prev.content <> p_content) THEN
      RAISE EXCEPTION 'message % of session % exists with other content', p_sequence, p_session
        USING ERRCODE = 'AP010';
    END IF;
    IF FOUND THEN
      RETURN QUERY SELECT prev.id, prev.sequence, prev.created_at, false;
    END IF;
    RETURN;
  END IF;
  next_seq := s.last_sequence + 1;
  IF p_sequence IS NOT NULL AND p_sequence <> next_seq THEN
    RAISE EXCEPTION 'message sequence % would leave a gap (next is %)', p_sequence, next_seq
      USING ERRCODE = 'AP006';
  END IF;
  IF s.project_id IS NOT NULL THEN
    PERFORM app.touch_project(p_tenant, s.project_id);
  END IF;
  -- app.assign_message_sequence bumps the session (sequence, activity, tokens)
  RETURN QUERY INSERT INTO public.chat_messages AS m
      (tenant_id, session_id, sequence, role, content, parts, "references", token_count, model, metadata, created_by, agent_type)
    VALUES (p_tenant, p_session, next_seq, p_role, p_content, p_parts, p_references, p_token_count, p_model,
            coalesce(p_metadata, '{}'::jsonb), app.current_user_id(), p_agent_type)
    RETURNING m.id, m.sequence, m.created_at, true;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.touch_project(p_tenant uuid, p_project uuid) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
  UPDATE public.projects SET updated_at = now() WHERE tenant_id = p_tenant AND id = p_project
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.on_user_created() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  domain text := lower(split_part(NEW.email, '@', 2));
  global_tenant uuid;
  joined integer := 0;
  n integer;
BEGIN
  -- seed 002: profile and preference defaults
  INSERT INTO public.user_profiles (user_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  -- seed 001: join every active tenant that verified this e-mail domain
  INSERT INTO public.tenant_memberships (tenant_id, user_id, role)
  SELECT t.id, NEW.id, 'member' FROM public.tenants t
   WHERE NOT t.is_global AND t.status = 'active' AND t.deleted_at IS NULL
     AND domain = ANY (t.company_email_domains)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS joined = ROW_COUNT;
  -- seed 001: join the global tenant, with a personal project
  SELECT t.id INTO global_tenant FROM public.tenants t WHERE t.is_global AND t.deleted_at IS NULL;
  IF global_tenant IS NOT NULL THEN
    INSERT INTO public.tenant_memberships (tenant_id, user_id, role) VALUES (global_tenant, NEW.id, 'member')
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    joined := joined + n;
    INSERT INTO public.projects (tenant_id, name, description, is_personal, owner_id, created_by)
    VALUES (global_tenant, NEW.email || '''s Personal Project', 'Personal project space', true, NEW.id, NEW.id)
    ON CONFLICT DO NOTHING;
  END IF;
  IF joined > 0 AND NEW.status IN ('waitlist', 'invited') THEN
    UPDATE public.users SET status = 'active' WHERE id = NEW.id;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_on_created ON public.users;
--> statement-breakpoint
CREATE TRIGGER users_on_created AFTER INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION app.on_user_created();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.activate_member() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  UPDATE public.users SET status = 'active' WHERE id = NEW.user_id AND status IN ('waitlist', 'invited');
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS tenant_memberships_activate_member ON public.tenant_memberships;
--> statement-breakpoint
CREATE TRIGGER tenant_memberships_activate_member AFTER INSERT ON public.tenant_memberships FOR EACH ROW EXECUTE FUNCTION app.activate_member();
--> statement-breakpoint
DROP TRIGGER IF EXISTS project_members_activate_member ON public.project_members;
--> statement-breakpoint
CREATE TRIGGER project_members_activate_member AFTER INSERT ON public.project_members FOR EACH ROW EXECUTE FUNCTION app.activate_member();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.archive_personal_projects() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
    UPDATE public.projects
       SET status = 'archived', deleted_at = now(),
           settings = settings || jsonb_build_object('archived_reason', 'user_deleted')
     WHERE is_personal AND owner_id = NEW.id AND deleted_at IS NULL;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_archive_personal_projects ON public.users;
--> statement-breakpoint
CREATE TRIGGER users_archive_personal_projects AFTER UPDATE OF deleted_at ON public.users FOR EACH ROW EXECUTE FUNCTION app.archive_personal_projects();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.ensure_global_tenant(p_token_limit bigint DEFAULT 1000000) RETURNS uuid
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  gid uuid;
BEGIN
  SELECT id INTO gid FROM public.tenants WHERE is_global;
  IF gid IS NULL THEN
    INSERT INTO public.tenants (name, slug, description, company_name, is_global, settings)
    VALUES ('Global Workspace', 'global', 'Default global workspace for all users', 'System', true,
            jsonb_build_object('managed_by_super_user', true))
    ON CONFLICT DO NOTHING
    RETURNING id INTO gid;
    IF gid IS NULL THEN
      SELECT id INTO gid FROM public.tenants WHERE is_global;
    END IF;
    INSERT INTO public.subscriptions (tenant_id, plan_type, base_token_limit, status)
    VALUES (gid, 'free', p_token_limit, 'active') ON CONFLICT DO NOTHING;
  END IF;
  RETURN gid;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.encryption_key() RETURNS text
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  k text := nullif(current_setting('app.encryption_key', true), '');
BEGIN
  IF k IS NULL OR length(k) < 16 THEN
    RAISE EXCEPTION 'app.encryption_key is not set for this transaction (16+ characters)' USING ERRCODE = '28000';
  END IF;
  RETURN k;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.encrypt_secret(plain text) RETURNS bytea
  LANGUAGE sql VOLATILE SET search_path = public, extensions, pg_catalog, pg_temp
AS $fn$
  SELECT pgp_sym_encrypt(plain, app.encryption_key(), 'cipher-algo=aes256')
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.decrypt_secret(cipher bytea) RETURNS text
  LANGUAGE sql STABLE SET search_path = public, extensions, pg_catalog, pg_temp
AS $fn$
  SELECT pgp_sym_decrypt(cipher, app.encryption_key())
$fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.consume_credits(uuid, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.consume_credits(uuid, uuid, integer) TO "authenticated", "service_role";
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.touch_project(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.touch_project(uuid, uuid) TO "authenticated", "service_role";
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.ensure_global_tenant(bigint) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.ensure_global_tenant(bigint) TO "service_role";
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.decrypt_secret(bytea) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.decrypt_secret(bytea) TO "service_role";
--> statement-breakpoint
SELECT app.ensure_partitions(4, (date_trunc('month', now()) - interval '1 month')::date);
