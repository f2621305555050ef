-- Custom migration written by `npm run db:custom` from src/sql and src/rls. Do not edit by hand.
CREATE OR REPLACE FUNCTION app.token_purchase_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.token_amount <> OLD.token_amount OR NEW.price_paid <> OLD.price_paid
     OR NEW.stripe_payment_intent_id <> OLD.stripe_payment_intent_id OR NEW.tenant_id <> OLD.tenant_id THEN
    RAISE EXCEPTION 'a token purchase is immutable except for its status'
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME;
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'token purchase % is % already', OLD.id, OLD.status
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS token_purchases_guard ON public.token_purchases;
--> statement-breakpoint
CREATE TRIGGER token_purchases_guard BEFORE UPDATE ON public.token_purchases FOR EACH ROW EXECUTE FUNCTION app.token_purchase_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.apply_token_purchase() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status = 'completed' AND (TG_OP = 'INSERT' OR OLD.status <> 'completed') THEN
    INSERT INTO public.subscriptions AS s (tenant_id, additional_tokens)
    VALUES (NEW.tenant_id, NEW.token_amount)
    ON CONFLICT (tenant_id) DO UPDATE SET additional_tokens = s.additional_tokens + EXCLUDED.additional_tokens;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS token_purchases_apply ON public.token_purchases;
--> statement-breakpoint
CREATE TRIGGER token_purchases_apply AFTER INSERT OR UPDATE ON public.token_purchases FOR EACH ROW EXECUTE FUNCTION app.apply_token_purchase();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.api_key_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id OR NEW.prefix <> OLD.prefix OR NEW.key_hash <> OLD.key_hash
     OR NEW.scopes IS DISTINCT FROM OLD.scopes OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
     OR NEW.created_at <> OLD.created_at
     OR (NEW.user_id IS DISTINCT FROM OLD.user_id AND NEW.user_id IS NOT NULL) THEN
    RAISE EXCEPTION 'an API key is immutable once issued: revoke it and issue another'
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME;
  END IF;
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'API key % is revoked for good', OLD.id
      USING ERRCODE = 'AP002', TABLE = TG_TABLE_NAME, COLUMN = 'revoked_at';
  END IF;
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS api_keys_guard ON public.api_keys;
--> statement-breakpoint
CREATE TRIGGER api_keys_guard BEFORE UPDATE ON public.api_keys FOR EACH ROW EXECUTE FUNCTION app.api_key_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.quota_usage(p_tenant uuid, p_dimension text)
  RETURNS TABLE (lim bigint, used bigint)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  q public.tenant_quotas;
  day_start timestamptz := date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
BEGIN
  IF current_setting('role', true) IN ('authenticated', 'anon') AND app.current_tenant_id() IS DISTINCT FROM p_tenant THEN
    RAISE EXCEPTION 'not a member acting for tenant %', p_tenant USING ERRCODE = 'AP007';
  END IF;
  SELECT * INTO q FROM public.tenant_quotas t WHERE t.tenant_id = p_tenant;
  CASE p_dimension
    WHEN 'tokens' THEN
      lim := q.max_tokens_per_day;
      SELECT coalesce(sum(e.tokens_in + e.tokens_out), 0) INTO used FROM public.usage_events e
       WHERE e.tenant_id = p_tenant AND e.occurred_at >= day_start;
    WHEN 'ingestions' THEN
      lim := q.max_ingestions_per_day;
      SELECT coalesce(sum(e.requests), 0) INTO used FROM public.usage_events e
       WHERE e.tenant_id = p_tenant AND e.occurred_at >= day_start AND e.kind = 'ingestion';
    WHEN 'requests' THEN
      lim := q.max_requests_per_minute;
      SELECT coalesce(sum(e.requests), 0) INTO used FROM public.usage_events e
       WHERE e.tenant_id = p_tenant AND e.occurred_at >= now() - interval '1 minute';
    WHEN 'storage' THEN
      lim := q.max_storage_bytes;
      used := (SELECT coalesce(sum(f.file_size), 0) FROM public.artifact_files f WHERE f.tenant_id = p_tenant)
            + (SELECT coalesce(sum(f.size_bytes), 0) FROM public.workspace_files f WHERE f.tenant_id = p_tenant)
            + (SELECT coalesce(sum(f.file_size), 0) FROM public.file_uploads f WHERE f.tenant_id = p_tenant);
    ELSE
      RAISE EXCEPTION 'unknown quota dimension %', p_dimension USING ERRCODE = '22023';
  END CASE;
  RETURN NEXT;
END
$fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.quota_usage(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.quota_usage(uuid, text) TO "authenticated", "service_role";
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.gdpr_dry_run(p_tenant uuid, p_request uuid) RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  r record;
  p_user uuid;
  k text;
  n bigint;
  v_report jsonb := '[]'::jsonb;
  v_total bigint := 0;
  steps integer;
BEGIN
  SELECT * INTO r FROM public.deletion_requests d WHERE d.tenant_id = p_tenant AND d.id = p_request FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'deletion request % not found', p_request USING ERRCODE = 'AP008';
  END IF;
  IF r.status NOT IN ('pending', 'dry_run') THEN
    RAISE EXCEPTION 'deletion request % is %: the dry run comes first', p_request, r.status
      USING ERRCODE = 'AP002';
  END IF;
  p_user := r.user_id;
  steps := CASE WHEN r.scope = 'user' THEN 37 ELSE 48 END;
  FOR i IN 0 .. steps - 1 LOOP
    IF r.scope = 'user' THEN
      CASE i
      WHEN 0 THEN k := 'chat_messages'; n := (SELECT count(*) FROM public.chat_messages WHERE tenant_id = p_tenant AND (created_by = p_user OR session_id IN (SELECT s.id FROM public.chat_sessions s WHERE s.tenant_id = p_tenant AND s.user_id = p_user)));
      WHEN 1 THEN k := 'chat_participants'; n := (SELECT count(*) FROM public.chat_participants WHERE tenant_id = p_tenant AND (user_id = p_user OR session_id IN (SELECT s.id FROM public.chat_sessions s WHERE s.tenant_id = p_tenant AND s.user_id = p_user)));
      WHEN 2 THEN k := 'chat_sessions'; n := (SELECT count(*) FROM public.chat_sessions WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 3 THEN k := 'chunks'; n := (SELECT count(*) FROM public.chunks WHERE tenant_id = p_tenant AND ((source_type = 'upload' AND source_id IN (SELECT f.id FROM public.file_uploads f WHERE f.tenant_id = p_tenant AND f.user_id = p_user))
      OR (source_type = 'code_file' AND source_id IN (SELECT f.id FROM public.workspace_files f WHERE f.tenant_id = p_tenant AND f.user_id = p_user))));
      WHEN 4 THEN k := 'file_uploads'; n := (SELECT count(*) FROM public.file_uploads WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 5 THEN k := 'workspace_files'; n := (SELECT count(*) FROM public.workspace_files WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 6 THEN k := 'agent_task_logs'; n := (SELECT count(*) FROM public.agent_task_logs WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 7 THEN k := 'agent_tasks'; n := (SELECT count(*) FROM public.agent_tasks WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 8 THEN k := 'fragment_executions'; n := (SELECT count(*) FROM public.fragment_executions WHERE tenant_id = p_tenant AND (user_id = p_user OR fragment_id IN (SELECT f.id FROM public.fragments f WHERE f.tenant_id = p_tenant AND f.user_id = p_user)));
      WHEN 9 THEN k := 'fragments'; n := (SELECT count(*) FROM public.fragments WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 10 THEN k := 'usage_events'; n := (SELECT count(*) FROM public.usage_events WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 11 THEN k := 'api_keys'; n := (SELECT count(*) FROM public.api_keys WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 12 THEN k := 'user_integrations'; n := (SELECT count(*) FROM public.user_integrations WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 13 THEN k := 'credit_balances'; n := (SELECT count(*) FROM public.credit_balances WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 14 THEN k := 'project_members'; n := (SELECT count(*) FROM public.project_members WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 15 THEN k := 'tenant_memberships'; n := (SELECT count(*) FROM public.tenant_memberships WHERE tenant_id = p_tenant AND (user_id = p_user));
      WHEN 16 THEN k := 'api_connections.created_by'; n := (SELECT count(*) FROM public.api_connections WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 17 THEN k := 'artifact_files.created_by'; n := (SELECT count(*) FROM public.artifact_files WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 18 THEN k := 'artifact_files.updated_by'; n := (SELECT count(*) FROM public.artifact_files WHERE tenant_id = p_tenant AND updated_by = p_user);
      WHEN 19 THEN k := 'artifacts.created_by'; n := (SELECT count(*) FROM public.artifacts WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 20 THEN k := 'deletion_requests.requested_by'; n := (SELECT count(*) FROM public.deletion_requests WHERE tenant_id = p_tenant AND requested_by = p_user);
      WHEN 21 THEN k := 'document_revisions.created_by'; n := (SELECT count(*) FROM public.document_revisions WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 22 THEN k := 'documents.created_by'; n := (SELECT count(*) FROM public.documents WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 23 THEN k := 'documents.updated_by'; n := (SELECT count(*) FROM public.documents WHERE tenant_id = p_tenant AND updated_by = p_user);
      WHEN 24 THEN k := 'fine_tuning_examples.created_by'; n := (SELECT count(*) FROM public.fine_tuning_examples WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 25 THEN k := 'oauth_connections.created_by'; n := (SELECT count(*) FROM public.oauth_connections WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 26 THEN k := 'project_versions.created_by'; n := (SELECT count(*) FROM public.project_versions WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 27 THEN k := 'projects.created_by'; n := (SELECT count(*) FROM public.projects WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 28 THEN k := 'projects.owner_id'; n := (SELECT count(*) FROM public.projects WHERE tenant_id = p_tenant AND owner_id = p_user);
      WHEN 29 THEN k := 'reviews.reviewer_id'; n := (SELECT count(*) FROM public.reviews WHERE tenant_id = p_tenant AND reviewer_id = p_user);
      WHEN 30 THEN k := 'task_events.actor_id'; n := (SELECT count(*) FROM public.task_events WHERE tenant_id = p_tenant AND actor_id = p_user);
      WHEN 31 THEN k := 'task_versions.created_by'; n := (SELECT count(*) FROM public.task_versions WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 32 THEN k := 'tasks.assignee_id'; n := (SELECT count(*) FROM public.tasks WHERE tenant_id = p_tenant AND assignee_id = p_user);
      WHEN 33 THEN k := 'tasks.created_by'; n := (SELECT count(*) FROM public.tasks WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 34 THEN k := 'token_purchases.created_by'; n := (SELECT count(*) FROM public.token_purchases WHERE tenant_id = p_tenant AND created_by = p_user);
      WHEN 35 THEN k := 'task_events.note'; n := (SELECT count(*) FROM public.task_events WHERE tenant_id = p_tenant AND strpos(note, p_user::text) > 0);
      WHEN 36 THEN k := 'audit_logs'; n := (SELECT count(*) FROM public.audit_logs WHERE tenant_id = p_tenant AND (actor_id = p_user OR record_id = p_user::text
        OR strpos(coalesce(old_data::text, '') || coalesce(new_data::text, ''), p_user::text) > 0));
      END CASE;
    ELSE
      CASE i
      WHEN 0 THEN k := 'agent_failures'; n := (SELECT count(*) FROM public.agent_failures WHERE tenant_id = p_tenant AND (true));
      WHEN 1 THEN k := 'agent_runs'; n := (SELECT count(*) FROM public.agent_runs WHERE tenant_id = p_tenant AND (true));
      WHEN 2 THEN k := 'agent_task_logs'; n := (SELECT count(*) FROM public.agent_task_logs WHERE tenant_id = p_tenant AND (true));
      WHEN 3 THEN k := 'agent_tasks'; n := (SELECT count(*) FROM public.agent_tasks WHERE tenant_id = p_tenant AND (true));
      WHEN 4 THEN k := 'api_connections'; n := (SELECT count(*) FROM public.api_connections WHERE tenant_id = p_tenant AND (true));
      WHEN 5 THEN k := 'api_keys'; n := (SELECT count(*) FROM public.api_keys WHERE tenant_id = p_tenant AND (true));
      WHEN 6 THEN k := 'artifact_files'; n := (SELECT count(*) FROM public.artifact_files WHERE tenant_id = p_tenant AND (true));
      WHEN 7 THEN k := 'artifacts'; n := (SELECT count(*) FROM public.artifacts WHERE tenant_id = p_tenant AND (true));
      WHEN 8 THEN k := 'chat_messages'; n := (SELECT count(*) FROM public.chat_messages WHERE tenant_id = p_tenant AND (true));
      WHEN 9 THEN k := 'chat_participants'; n := (SELECT count(*) FROM public.chat_participants WHERE tenant_id = p_tenant AND (true));
      WHEN 10 THEN k := 'rag_metrics'; n := (SELECT count(*) FROM public.rag_metrics WHERE tenant_id = p_tenant AND (true));
      WHEN 11 THEN k := 'rag_reports'; n := (SELECT count(*) FROM public.rag_reports WHERE tenant_id = p_tenant AND (true));
      WHEN 12 THEN k := 'rag_evaluations'; n := (SELECT count(*) FROM public.rag_evaluations WHERE tenant_id = p_tenant AND (true));
      WHEN 13 THEN k := 'chat_sessions'; n := (SELECT count(*) FROM public.chat_sessions WHERE tenant_id = p_tenant AND (true));
      WHEN 14 THEN k := 'chunks'; n := (SELECT count(*) FROM public.chunks WHERE tenant_id = p_tenant AND (true));
      WHEN 15 THEN k := 'credit_balances'; n := (SELECT count(*) FROM public.credit_balances WHERE tenant_id = p_tenant AND (true));
      WHEN 16 THEN k := 'ingested_objects'; n := (SELECT count(*) FROM public.ingested_objects WHERE tenant_id = p_tenant AND (true));
      WHEN 17 THEN k := 'data_sources'; n := (SELECT count(*) FROM public.data_sources WHERE tenant_id = p_tenant AND (true));
      WHEN 18 THEN k := 'task_events'; n := (SELECT count(*) FROM public.task_events WHERE tenant_id = p_tenant AND (true));
      WHEN 19 THEN k := 'reviews'; n := (SELECT count(*) FROM public.reviews WHERE tenant_id = p_tenant AND (true));
      WHEN 20 THEN k := 'task_versions'; n := (SELECT count(*) FROM public.task_versions WHERE tenant_id = p_tenant AND (true));
      WHEN 21 THEN k := 'tasks'; n := (SELECT count(*) FROM public.tasks WHERE tenant_id = p_tenant AND (true));
      WHEN 22 THEN k := 'deliverables'; n := (SELECT count(*) FROM public.deliverables WHERE tenant_id = p_tenant AND (true));
      WHEN 23 THEN k := 'deliverable_schemas'; n := (SELECT count(*) FROM public.deliverable_schemas WHERE tenant_id = p_tenant AND (true));
      WHEN 24 THEN k := 'project_version_documents'; n := (SELECT count(*) FROM public.project_version_documents WHERE tenant_id = p_tenant AND (true));
      WHEN 25 THEN k := 'document_revisions'; n := (SELECT count(*) FROM public.document_revisions WHERE tenant_id = p_tenant AND (true));
      WHEN 26 THEN k := 'documents'; n := (SELECT count(*) FROM public.documents WHERE tenant_id = p_tenant AND (true));
      WHEN 27 THEN k := 'embedding_models'; n := (SELECT count(*) FROM public.embedding_models WHERE tenant_id = p_tenant AND (true));
      WHEN 28 THEN k := 'file_uploads'; n := (SELECT count(*) FROM public.file_uploads WHERE tenant_id = p_tenant AND (true));
      WHEN 29 THEN k := 'fine_tuning_examples'; n := (SELECT count(*) FROM public.fine_tuning_examples WHERE tenant_id = p_tenant AND (true));
      WHEN 30 THEN k := 'fragment_executions'; n := (SELECT count(*) FROM public.fragment_executions WHERE tenant_id = p_tenant AND (true));
      WHEN 31 THEN k := 'fragments'; n := (SELECT count(*) FROM public.fragments WHERE tenant_id = p_tenant AND (true));
      WHEN 32 THEN k := 'oauth_tokens'; n := (SELECT count(*) FROM public.oauth_tokens WHERE tenant_id = p_tenant AND (true));
      WHEN 33 THEN k := 'oauth_connections'; n := (SELECT count(*) FROM public.oauth_connections WHERE tenant_id = p_tenant AND (true));
      WHEN 34 THEN k := 'project_members'; n := (SELECT count(*) FROM public.project_members WHERE tenant_id = p_tenant AND (true));
      WHEN 35 THEN k := 'project_versions'; n := (SELECT count(*) FROM public.project_versions WHERE tenant_id = p_tenant AND (true));
      WHEN 36 THEN k := 'workspace_files'; n := (SELECT count(*) FROM public.workspace_files WHERE tenant_id = p_tenant AND (true));
      WHEN 37 THEN k := 'projects'; n := (SELECT count(*) FROM public.projects WHERE tenant_id = p_tenant AND (true));
      WHEN 38 THEN k := 'retention_jobs'; n := (SELECT count(*) FROM public.retention_jobs WHERE tenant_id = p_tenant AND (true));
      WHEN 39 THEN k := 'subscriptions'; n := (SELECT count(*) FROM public.subscriptions WHERE tenant_id = p_tenant AND (true));
      WHEN 40 THEN k := 'tenant_llm_configs'; n := (SELECT count(*) FROM public.tenant_llm_configs WHERE tenant_id = p_tenant AND (true));
      WHEN 41 THEN k := 'tenant_memberships'; n := (SELECT count(*) FROM public.tenant_memberships WHERE tenant_id = p_tenant AND (true));
      WHEN 42 THEN k := 'tenant_quotas'; n := (SELECT count(*) FROM public.tenant_quotas WHERE tenant_id = p_tenant AND (true));
      WHEN 43 THEN k := 'token_purchases'; n := (SELECT count(*) FROM public.token_purchases WHERE tenant_id = p_tenant AND (true));
      WHEN 44 THEN k := 'usage_daily'; n := (SELECT count(*) FROM public.usage_daily WHERE tenant_id = p_tenant AND (true));
      WHEN 45 THEN k := 'usage_events'; n := (SELECT count(*) FROM public.usage_events WHERE tenant_id = p_tenant AND (true));
      WHEN 46 THEN k := 'user_integrations'; n := (SELECT count(*) FROM public.user_integrations WHERE tenant_id = p_tenant AND (true));
      WHEN 47 THEN k := 'audit_logs'; n := (SELECT count(*) FROM public.audit_logs WHERE tenant_id = p_tenant AND (true));
      END CASE;
    END IF;
    v_report := v_report || jsonb_build_object('step', i, 'key', k, 'rows', n);
    v_total := v_total + n;
  END LOOP;
  UPDATE public.deletion_requests d
     SET status = 'dry_run', report = jsonb_build_object('steps', v_report, 'total', v_total, 'at', now())
   WHERE d.tenant_id = p_tenant AND d.id = p_request;
  RETURN jsonb_build_object('steps', v_report, 'total', v_total);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.gdpr_purge_step(p_tenant uuid, p_request uuid, p_limit integer) RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  r record;
  p_user uuid;
  k text;
  n bigint;
  v_step integer;
  steps integer;
  v_progress jsonb;
  finished boolean := false;
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
    RAISE EXCEPTION 'batch size must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO r FROM public.deletion_requests d WHERE d.tenant_id = p_tenant AND d.id = p_request FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'deletion request % not found', p_request USING ERRCODE = 'AP008';
  END IF;
  IF r.status = 'completed' THEN
    RETURN jsonb_build_object('done', true, 'step', null, 'key', null, 'rows', 0);
  END IF;
  IF r.status NOT IN ('dry_run', 'running') THEN
    RAISE EXCEPTION 'deletion request % is %: run the dry run first', p_request, r.status
      USING ERRCODE = 'AP002';
  END IF;
  -- the only place history may be deleted; off again before returning
  PERFORM set_config('app.history_purge', 'on', true);
  p_user := r.user_id;
  v_step := coalesce((r.progress ->> 'step')::integer, 0);
  steps := CASE WHEN r.scope = 'user' THEN 37 ELSE 48 END;
  IF r.scope = 'user' THEN
    CASE v_step
      WHEN 0 THEN k := 'chat_messages'; DELETE FROM public.chat_messages WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chat_messages WHERE tenant_id = p_tenant AND (created_by = p_user OR session_id IN (SELECT s.id FROM public.chat_sessions s WHERE s.tenant_id = p_tenant AND s.user_id = p_user)) LIMIT p_limit);
      WHEN 1 THEN k := 'chat_participants'; DELETE FROM public.chat_participants WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chat_participants WHERE tenant_id = p_tenant AND (user_id = p_user OR session_id IN (SELECT s.id FROM public.chat_sessions s WHERE s.tenant_id = p_tenant AND s.user_id = p_user)) LIMIT p_limit);
      WHEN 2 THEN k := 'chat_sessions'; DELETE FROM public.chat_sessions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chat_sessions WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 3 THEN k := 'chunks'; DELETE FROM public.chunks WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chunks WHERE tenant_id = p_tenant AND ((source_type = 'upload' AND source_id IN (SELECT f.id FROM public.file_uploads f WHERE f.tenant_id = p_tenant AND f.user_id = p_user))
      OR (source_type = 'code_file' AND source_id IN (SELECT f.id FROM public.workspace_files f WHERE f.tenant_id = p_tenant AND f.user_id = p_user))) LIMIT p_limit);
      WHEN 4 THEN k := 'file_uploads'; DELETE FROM public.file_uploads WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.file_uploads WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 5 THEN k := 'workspace_files'; DELETE FROM public.workspace_files WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.workspace_files WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 6 THEN k := 'agent_task_logs'; DELETE FROM public.agent_task_logs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.agent_task_logs WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 7 THEN k := 'agent_tasks'; DELETE FROM public.agent_tasks WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.agent_tasks WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 8 THEN k := 'fragment_executions'; DELETE FROM public.fragment_executions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.fragment_executions WHERE tenant_id = p_tenant AND (user_id = p_user OR fragment_id IN (SELECT f.id FROM public.fragments f WHERE f.tenant_id = p_tenant AND f.user_id = p_user)) LIMIT p_limit);
      WHEN 9 THEN k := 'fragments'; DELETE FROM public.fragments WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.fragments WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 10 THEN k := 'usage_events'; DELETE FROM public.usage_events WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.usage_events WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 11 THEN k := 'api_keys'; DELETE FROM public.api_keys WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.api_keys WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 12 THEN k := 'user_integrations'; DELETE FROM public.user_integrations WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.user_integrations WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 13 THEN k := 'credit_balances'; DELETE FROM public.credit_balances WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.credit_balances WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 14 THEN k := 'project_members'; DELETE FROM public.project_members WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.project_members WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 15 THEN k := 'tenant_memberships'; DELETE FROM public.tenant_memberships WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tenant_memberships WHERE tenant_id = p_tenant AND (user_id = p_user) LIMIT p_limit);
      WHEN 16 THEN k := 'api_connections.created_by'; UPDATE public.api_connections SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.api_connections WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 17 THEN k := 'artifact_files.created_by'; UPDATE public.artifact_files SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.artifact_files WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 18 THEN k := 'artifact_files.updated_by'; UPDATE public.artifact_files SET updated_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.artifact_files WHERE tenant_id = p_tenant AND updated_by = p_user LIMIT p_limit);
      WHEN 19 THEN k := 'artifacts.created_by'; UPDATE public.artifacts SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.artifacts WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 20 THEN k := 'deletion_requests.requested_by'; UPDATE public.deletion_requests SET requested_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.deletion_requests WHERE tenant_id = p_tenant AND requested_by = p_user LIMIT p_limit);
      WHEN 21 THEN k := 'document_revisions.created_by'; UPDATE public.document_revisions SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.document_revisions WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 22 THEN k := 'documents.created_by'; UPDATE public.documents SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.documents WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 23 THEN k := 'documents.updated_by'; UPDATE public.documents SET updated_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.documents WHERE tenant_id = p_tenant AND updated_by = p_user LIMIT p_limit);
      WHEN 24 THEN k := 'fine_tuning_examples.created_by'; UPDATE public.fine_tuning_examples SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.fine_tuning_examples WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 25 THEN k := 'oauth_connections.created_by'; UPDATE public.oauth_connections SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.oauth_connections WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 26 THEN k := 'project_versions.created_by'; UPDATE public.project_versions SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.project_versions WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 27 THEN k := 'projects.created_by'; UPDATE public.projects SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.projects WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 28 THEN k := 'projects.owner_id'; UPDATE public.projects SET owner_id = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.projects WHERE tenant_id = p_tenant AND owner_id = p_user LIMIT p_limit);
      WHEN 29 THEN k := 'reviews.reviewer_id'; UPDATE public.reviews SET reviewer_id = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.reviews WHERE tenant_id = p_tenant AND reviewer_id = p_user LIMIT p_limit);
      WHEN 30 THEN k := 'task_events.actor_id'; UPDATE public.task_events SET actor_id = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.task_events WHERE tenant_id = p_tenant AND actor_id = p_user LIMIT p_limit);
      WHEN 31 THEN k := 'task_versions.created_by'; UPDATE public.task_versions SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.task_versions WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 32 THEN k := 'tasks.assignee_id'; UPDATE public.tasks SET assignee_id = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tasks WHERE tenant_id = p_tenant AND assignee_id = p_user LIMIT p_limit);
      WHEN 33 THEN k := 'tasks.created_by'; UPDATE public.tasks SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tasks WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 34 THEN k := 'token_purchases.created_by'; UPDATE public.token_purchases SET created_by = NULL WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.token_purchases WHERE tenant_id = p_tenant AND created_by = p_user LIMIT p_limit);
      WHEN 35 THEN k := 'task_events.note'; UPDATE public.task_events SET note = replace(note, p_user::text, '(erased user)') WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.task_events WHERE tenant_id = p_tenant AND strpos(note, p_user::text) > 0 LIMIT p_limit);
      WHEN 36 THEN k := 'audit_logs'; DELETE FROM public.audit_logs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.audit_logs WHERE tenant_id = p_tenant AND (actor_id = p_user OR record_id = p_user::text
        OR strpos(coalesce(old_data::text, '') || coalesce(new_data::text, ''), p_user::text) > 0) LIMIT p_limit);
    END CASE;
  ELSE
    CASE v_step
      WHEN 0 THEN k := 'agent_failures'; DELETE FROM public.agent_failures WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.agent_failures WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 1 THEN k := 'agent_runs'; DELETE FROM public.agent_runs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.agent_runs WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 2 THEN k := 'agent_task_logs'; DELETE FROM public.agent_task_logs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.agent_task_logs WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 3 THEN k := 'agent_tasks'; DELETE FROM public.agent_tasks WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.agent_tasks WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 4 THEN k := 'api_connections'; DELETE FROM public.api_connections WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.api_connections WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 5 THEN k := 'api_keys'; DELETE FROM public.api_keys WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.api_keys WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 6 THEN k := 'artifact_files'; DELETE FROM public.artifact_files WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.artifact_files WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 7 THEN k := 'artifacts'; DELETE FROM public.artifacts WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.artifacts WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 8 THEN k := 'chat_messages'; DELETE FROM public.chat_messages WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chat_messages WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 9 THEN k := 'chat_participants'; DELETE FROM public.chat_participants WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chat_participants WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 10 THEN k := 'rag_metrics'; DELETE FROM public.rag_metrics WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.rag_metrics WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 11 THEN k := 'rag_reports'; DELETE FROM public.rag_reports WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.rag_reports WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 12 THEN k := 'rag_evaluations'; DELETE FROM public.rag_evaluations WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.rag_evaluations WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 13 THEN k := 'chat_sessions'; DELETE FROM public.chat_sessions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chat_sessions WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 14 THEN k := 'chunks'; DELETE FROM public.chunks WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.chunks WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 15 THEN k := 'credit_balances'; DELETE FROM public.credit_balances WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.credit_balances WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 16 THEN k := 'ingested_objects'; DELETE FROM public.ingested_objects WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.ingested_objects WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 17 THEN k := 'data_sources'; DELETE FROM public.data_sources WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.data_sources WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 18 THEN k := 'task_events'; DELETE FROM public.task_events WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.task_events WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 19 THEN k := 'reviews'; DELETE FROM public.reviews WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.reviews WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 20 THEN k := 'task_versions'; DELETE FROM public.task_versions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.task_versions WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 21 THEN k := 'tasks'; DELETE FROM public.tasks WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tasks WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 22 THEN k := 'deliverables'; DELETE FROM public.deliverables WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.deliverables WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 23 THEN k := 'deliverable_schemas'; DELETE FROM public.deliverable_schemas WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.deliverable_schemas WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 24 THEN k := 'project_version_documents'; DELETE FROM public.project_version_documents WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.project_version_documents WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 25 THEN k := 'document_revisions'; DELETE FROM public.document_revisions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.document_revisions WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 26 THEN k := 'documents'; DELETE FROM public.documents WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.documents WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 27 THEN k := 'embedding_models'; DELETE FROM public.embedding_models WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.embedding_models WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 28 THEN k := 'file_uploads'; DELETE FROM public.file_uploads WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.file_uploads WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 29 THEN k := 'fine_tuning_examples'; DELETE FROM public.fine_tuning_examples WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.fine_tuning_examples WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 30 THEN k := 'fragment_executions'; DELETE FROM public.fragment_executions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.fragment_executions WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 31 THEN k := 'fragments'; DELETE FROM public.fragments WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.fragments WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 32 THEN k := 'oauth_tokens'; DELETE FROM public.oauth_tokens WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.oauth_tokens WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 33 THEN k := 'oauth_connections'; DELETE FROM public.oauth_connections WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.oauth_connections WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 34 THEN k := 'project_members'; DELETE FROM public.project_members WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.project_members WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 35 THEN k := 'project_versions'; DELETE FROM public.project_versions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.project_versions WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 36 THEN k := 'workspace_files'; DELETE FROM public.workspace_files WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.workspace_files WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 37 THEN k := 'projects'; DELETE FROM public.projects WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.projects WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 38 THEN k := 'retention_jobs'; DELETE FROM public.retention_jobs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.retention_jobs WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 39 THEN k := 'subscriptions'; DELETE FROM public.subscriptions WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.subscriptions WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 40 THEN k := 'tenant_llm_configs'; DELETE FROM public.tenant_llm_configs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tenant_llm_configs WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 41 THEN k := 'tenant_memberships'; DELETE FROM public.tenant_memberships WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tenant_memberships WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 42 THEN k := 'tenant_quotas'; DELETE FROM public.tenant_quotas WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.tenant_quotas WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 43 THEN k := 'token_purchases'; DELETE FROM public.token_purchases WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.token_purchases WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 44 THEN k := 'usage_daily'; DELETE FROM public.usage_daily WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.usage_daily WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 45 THEN k := 'usage_events'; DELETE FROM public.usage_events WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.usage_events WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 46 THEN k := 'user_integrations'; DELETE FROM public.user_integrations WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.user_integrations WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
      WHEN 47 THEN k := 'audit_logs'; DELETE FROM public.audit_logs WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM public.audit_logs WHERE tenant_id = p_tenant AND (true) LIMIT p_limit);
    END CASE;
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  v_progress := jsonb_set(r.progress, '{rows}',
    coalesce(r.progress -> 'rows', '{}'::jsonb) || jsonb_build_object(k, coalesce((r.progress -> 'rows' ->> k)::bigint, 0) + n));
  IF n < p_limit THEN
    v_step := v_step + 1;
  END IF;
  v_progress := v_progress || jsonb_build_object('step', v_step, 'batches', coalesce((r.progress ->> 'batches')::integer, 0) + 1);
  finished := v_step >= steps;
  UPDATE public.deletion_requests d
     SET status = CASE WHEN finished THEN 'completed'::public.job_status ELSE 'running'::public.job_status END,
         progress = v_progress,
         completed_at = CASE WHEN finished THEN now() END
   WHERE d.tenant_id = p_tenant AND d.id = p_request;
  IF finished THEN
    IF r.scope = 'tenant' THEN
      UPDATE public.tenants t SET status = 'deleted', deleted_at = coalesce(t.deleted_at, now()) WHERE t.id = p_tenant;
    END IF;
    -- the tombstone: what was erased, never who
    INSERT INTO public.audit_logs (tenant_id, actor_id, action, table_name, record_id, new_data)
    VALUES (p_tenant, app.current_user_id(), 'gdpr.purge', 'deletion_requests', p_request::text,
            jsonb_build_object('scope', r.scope, 'rows', v_progress -> 'rows', 'batches', v_progress -> 'batches'));
  END IF;
  PERFORM set_config('app.history_purge', 'off', true);
  RETURN jsonb_build_object('done', finished, 'step', v_step - CASE WHEN n < p_limit THEN 1 ELSE 0 END, 'key', k, 'rows', n);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.retention_purge_batch(p_tenant uuid, p_cutoff timestamptz, p_limit integer) RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  n bigint;
  out jsonb := '{}'::jsonb;
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
    RAISE EXCEPTION 'batch size must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('app.history_purge', 'on', true);
  DELETE FROM public.chat_messages WHERE (tableoid, ctid) IN (
    SELECT tableoid, ctid FROM public.chat_messages WHERE tenant_id = p_tenant AND created_at < p_cutoff LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  out := out || jsonb_build_object('chat_messages', n);
  DELETE FROM public.usage_events WHERE (tableoid, ctid) IN (
    SELECT tableoid, ctid FROM public.usage_events WHERE tenant_id = p_tenant AND occurred_at < p_cutoff LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  out := out || jsonb_build_object('usage_events', n);
  DELETE FROM public.audit_logs WHERE (tableoid, ctid) IN (
    SELECT tableoid, ctid FROM public.audit_logs WHERE tenant_id = p_tenant AND created_at < p_cutoff LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  out := out || jsonb_build_object('audit_logs', n);
  PERFORM set_config('app.history_purge', 'off', true);
  RETURN out;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.drop_expired_partitions(p_now timestamptz DEFAULT now()) RETURNS text[]
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  parent text;
  part record;
  upper_bound timestamptz;
  alive boolean;
  dropped text[] := '{}';
  shortest integer;
BEGIN
  -- the same lock as app.ensure_partitions: maintenance never races itself
  PERFORM pg_advisory_xact_lock(hashtext('app.ensure_partitions'));
  -- nothing expires before the shortest retention of any tenant (none: nothing expires)
  SELECT min(t.retention_days) INTO shortest FROM public.tenants t WHERE t.retention_days IS NOT NULL;
  IF shortest IS NULL THEN
    RETURN dropped;
  END IF;
  FOREACH parent IN ARRAY ARRAY['chat_messages', 'usage_events', 'audit_logs'] LOOP
    FOR part IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = ('public.' || parent)::regclass AND c.relname ~ ('^' || parent || '_p[0-9]{6}$')
       ORDER BY c.relname
    LOOP
      upper_bound := (to_date(right(part.relname, 6), 'YYYYMM') + interval '1 month')::timestamp AT TIME ZONE 'UTC';
      CONTINUE WHEN upper_bound > date_trunc('month', p_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                 OR upper_bound > p_now - make_interval(days => shortest);
      EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM public.%I p LEFT JOIN public.tenants t ON t.id = p.tenant_id
                         WHERE t.retention_days IS NULL OR $1 > $2 - make_interval(days => t.retention_days))',
        part.relname) INTO alive USING upper_bound, p_now;
      IF NOT alive THEN
        EXECUTE format('ALTER TABLE public.%I DETACH PARTITION public.%I', parent, part.relname);
        EXECUTE format('DROP TABLE public.%I', part.relname);
        dropped := dropped || part.relname::text;
      END IF;
    END LOOP;
  END LOOP;
  RETURN dropped;
END
$fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.gdpr_dry_run(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.gdpr_dry_run(uuid, uuid) TO "service_role";
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.gdpr_purge_step(uuid, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.gdpr_purge_step(uuid, uuid, integer) TO "service_role";
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.retention_purge_batch(uuid, timestamp with time zone, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.retention_purge_batch(uuid, timestamp with time zone, integer) TO "service_role";
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.drop_expired_partitions(timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.drop_expired_partitions(timestamp with time zone) TO "service_role";
