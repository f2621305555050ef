/**
 * The database as the security boundary: rules that hold whoever sends the SQL — an end user
 * through Supabase's Data API as `authenticated`, a buggy service, or the typed operations.
 * Derived from the table declarations (`TABLE_ACCESS`: stamped authorship, counters) where a
 * rule is per table; the rest are the workflow rules of single tables.
 */
import { TABLE_ACCESS } from '../rls/policies.js';
import { DEFAULT_ROLES } from '../rls/roles.js';
import { DEFINER, trig } from './functions.js';
import { SQLSTATE } from './errors.js';

/** The API key scopes the database accepts: `<resource>:read|write`, and `*` (tenant admins only). */
export const API_KEY_RESOURCES = [
  'documents',
  'tasks',
  'reviews',
  'search',
  'conversations',
  'usage',
  'files',
  'agents',
  'projects',
  'evaluations',
] as const;
export const API_KEY_SCOPES: readonly string[] = [
  '*',
  ...API_KEY_RESOURCES.flatMap((r) => [r, `${r}:read`, `${r}:write`]),
];

/** Audit rows younger than this are kept whatever a tenant's `retention_days` says. */
export const AUDIT_RETENTION_FLOOR_DAYS = 365;

const app = DEFAULT_ROLES.app;

export function boundaryStatements(): string[] {
  const s: string[] = [];

  // ------------------------------------------------------------ authorship stamped from the actor
  // BEFORE INSERT: the acting user, not the client, is the author. Without an actor (service
  // jobs, migrations) the given value stands.
  s.push(`CREATE OR REPLACE FUNCTION app.stamp_actor() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  actor uuid := app.current_user_id();
  patch jsonb := '{}'::jsonb;
  col text;
BEGIN
  IF actor IS NULL THEN
    RETURN NEW;
  END IF;
  FOREACH col IN ARRAY TG_ARGV LOOP
    patch := patch || jsonb_build_object(col, actor);
  END LOOP;
  NEW := jsonb_populate_record(NEW, patch);
  RETURN NEW;
END
$fn$`);
  // BEFORE UPDATE: an acting user may not rewrite authorship (the package's own tables refuse
  // it by column grants; a service's tables, whose grants are per table, by this trigger).
  s.push(`CREATE OR REPLACE FUNCTION app.keep_authorship() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  col text;
BEGIN
  IF app.current_user_id() IS NULL THEN
    RETURN NEW;
  END IF;
  FOREACH col IN ARRAY TG_ARGV LOOP
    IF to_jsonb(NEW) -> col IS DISTINCT FROM to_jsonb(OLD) -> col THEN
      RAISE EXCEPTION 'column % records who wrote the row: it cannot be changed', col
        USING ERRCODE = '${SQLSTATE.forbidden}', TABLE = TG_TABLE_NAME, COLUMN = col;
    END IF;
  END LOOP;
  RETURN NEW;
END
$fn$`);
  for (const a of TABLE_ACCESS) {
    if (!a.stampColumns.length) continue;
    s.push(
      ...trig(
        `${a.table}_stamp_actor`,
        a.table,
        'BEFORE INSERT',
        `app.stamp_actor(${a.stampColumns.map((c) => `'${c}'`).join(', ')})`,
      ),
    );
  }

  // ------------------------------------------------------------ counters start at zero
  // Counters move only through their triggers (app.guard_counter on UPDATE); a client may not
  // preset one at INSERT either (current_rev = 41 made the first revision 42).
  s.push(`CREATE OR REPLACE FUNCTION app.counter_starts_at_zero() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  col text;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    IF coalesce((to_jsonb(NEW) ->> col)::bigint, 0) <> 0 AND pg_trigger_depth() < 2 THEN
      RAISE EXCEPTION '%.% is assigned by the database: a new row starts at 0', TG_TABLE_NAME, col
        USING ERRCODE = '${SQLSTATE.counterGuard}', TABLE = TG_TABLE_NAME, COLUMN = col;
    END IF;
  END LOOP;
  RETURN NEW;
END
$fn$`);
  for (const a of TABLE_ACCESS) {
    if (!a.counterColumns.length) continue;
    s.push(
      ...trig(
        `${a.table}_counters_start_at_zero`,
        a.table,
        'BEFORE INSERT',
        `app.counter_starts_at_zero(${a.counterColumns.map((c) => `'${c}'`).join(', ')})`,
      ),
    );
  }

  // ------------------------------------------------------------ tasks
  // Completion from review needs an approving review of the latest version (a raw UPDATE
  // awaiting_review -> completed is refused); the deliverable is fixed once work started.
  s.push(`CREATE OR REPLACE FUNCTION app.task_rules() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  workflow public.task_workflow;
  actor uuid := app.current_user_id();
  approvals bigint;
  d_needed integer;
  p_needed integer;
  d_workflow public.task_workflow;
  p_workflow public.task_workflow;
BEGIN
  -- single-table lookups (a join of projects and deliverables inside a shard's trigger is one
  -- Citus cannot plan)
  IF NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed' THEN
    SELECT count(DISTINCT r.reviewer_id) INTO approvals FROM public.reviews r
     WHERE r.tenant_id = NEW.tenant_id AND r.task_id = NEW.id AND r.version = NEW.current_version
       AND r.decision = 'approve';
    SELECT p.required_approvals, p.task_workflow INTO p_needed, p_workflow FROM public.projects p
     WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.project_id;
    IF NEW.deliverable_id IS NOT NULL THEN
      SELECT d.required_approvals, d.task_workflow INTO d_needed, d_workflow FROM public.deliverables d
       WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.deliverable_id;
    END IF;
  END IF;
  IF NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed' AND approvals < coalesce(d_needed, p_needed, 1) THEN
    -- without the approvals required: only in a direct workflow, by the assignee or a project lead
    workflow := coalesce(d_workflow, p_workflow);
    IF workflow IS DISTINCT FROM 'direct' THEN
      RAISE EXCEPTION 'task % can be completed only by the approving reviews its latest version requires', NEW.id
        USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = 'tasks', COLUMN = 'status';
    END IF;
    IF actor IS NOT NULL AND actor IS DISTINCT FROM NEW.assignee_id AND NOT app.has_tenant_role('admin')
       AND NOT EXISTS (SELECT 1 FROM public.project_members pm
                        WHERE pm.tenant_id = NEW.tenant_id AND pm.project_id = NEW.project_id
                          AND pm.user_id = actor AND pm.role <= 'lead') THEN
      RAISE EXCEPTION 'only the assignee or a project lead completes task %', NEW.id
        USING ERRCODE = '${SQLSTATE.forbidden}', TABLE = 'tasks', COLUMN = 'status';
    END IF;
  END IF;
  IF NEW.deliverable_id IS DISTINCT FROM OLD.deliverable_id AND OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'the deliverable of task % is fixed once work has started', NEW.id
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = 'tasks', COLUMN = 'deliverable_id';
  END IF;
  RETURN NEW;
END
$fn$`);
  s.push(...trig('tasks_rules', 'tasks', 'BEFORE UPDATE', 'app.task_rules()'));
  // The review queue's order: when the task entered awaiting_review, stamped here (a client's
  // value is ignored), cleared when it leaves.
  s.push(`CREATE OR REPLACE FUNCTION app.stamp_review_request() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM 'awaiting_review' THEN
    NEW.review_requested_at := NULL;
  ELSIF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'awaiting_review' THEN
    NEW.review_requested_at := clock_timestamp();
  ELSE
    NEW.review_requested_at := OLD.review_requested_at;
  END IF;
  RETURN NEW;
END
$fn$`);
  s.push(...trig('tasks_stamp_review_request', 'tasks', 'BEFORE INSERT OR UPDATE', 'app.stamp_review_request()'));

  // ------------------------------------------------------------ deletion requests
  // Filed by tenant admins: progress, report, status and result are the purge job's; erasing
  // the whole tenant, or a tenant owner, is for an owner only.
  // Invoker rights: it asks who is inserting (current_user), which a definer would hide.
  s.push(`CREATE OR REPLACE FUNCTION app.deletion_request_rules() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF current_user::text <> '${app}' THEN
    RETURN NEW;
  END IF;
  IF NEW.status <> 'pending' OR NEW.progress IS DISTINCT FROM '{}'::jsonb OR NEW.report IS NOT NULL
     OR NEW.error IS NOT NULL OR NEW.completed_at IS NOT NULL THEN
    RAISE EXCEPTION 'a deletion request starts pending with no progress: the purge job moves it on'
      USING ERRCODE = '${SQLSTATE.forbidden}', TABLE = 'deletion_requests';
  END IF;
  IF (NEW.scope = 'tenant' OR EXISTS (
        SELECT 1 FROM public.tenant_memberships m
         WHERE m.tenant_id = NEW.tenant_id AND m.user_id = NEW.user_id AND m.role = 'owner'))
     AND NOT app.has_tenant_role('owner') THEN
    RAISE EXCEPTION 'only a tenant owner may request erasure of the tenant or of an owner'
      USING ERRCODE = '${SQLSTATE.forbidden}', TABLE = 'deletion_requests';
  END IF;
  RETURN NEW;
END
$fn$`);
  s.push(...trig('deletion_requests_rules', 'deletion_requests', 'BEFORE INSERT', 'app.deletion_request_rules()'));

  // ------------------------------------------------------------ API key scopes
  s.push(`CREATE OR REPLACE FUNCTION app.api_key_scope_rules() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  bad text;
BEGIN
  SELECT x INTO bad FROM unnest(NEW.scopes) x
   WHERE x <> ALL (ARRAY[${API_KEY_SCOPES.map((x) => `'${x}'`).join(', ')}]::text[]) LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'unknown API key scope %', bad USING ERRCODE = '22023', TABLE = 'api_keys', COLUMN = 'scopes';
  END IF;
  IF '*' = ANY (NEW.scopes) AND current_user::text = '${app}' AND NOT app.has_tenant_role('admin') THEN
    RAISE EXCEPTION 'only tenant admins may issue a key with every scope (*)'
      USING ERRCODE = '${SQLSTATE.forbidden}', TABLE = 'api_keys', COLUMN = 'scopes';
  END IF;
  RETURN NEW;
END
$fn$`);
  s.push(...trig('api_keys_scope_rules', 'api_keys', 'BEFORE INSERT', 'app.api_key_scope_rules()'));

  // ------------------------------------------------------------ project ownership (seeds 001, 003)
  // The creator of a project (and its owner, when another) is its owner member, in the same
  // statement: a member who creates a project can work in it at once, personal projects too.
  s.push(`CREATE OR REPLACE FUNCTION app.project_owner_member() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
BEGIN
  INSERT INTO public.project_members (tenant_id, project_id, user_id, role)
  SELECT NEW.tenant_id, NEW.id, u, 'owner'
    FROM (SELECT DISTINCT u FROM unnest(ARRAY[NEW.owner_id, NEW.created_by]) u WHERE u IS NOT NULL) x
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$`);
  s.push(...trig('projects_owner_member', 'projects', 'AFTER INSERT', 'app.project_owner_member()'));

  // ------------------------------------------------------------ immutable system admins (seed 004)
  // An immutable system admin is neither removed nor made mutable, except by the erasure path.
  s.push(`CREATE OR REPLACE FUNCTION app.system_admin_immutable() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF OLD.immutable AND coalesce(current_setting('app.history_purge', true), 'off') <> 'on' THEN
    RAISE EXCEPTION 'system admin % is immutable (% refused)', OLD.user_id, TG_OP
      USING ERRCODE = '${SQLSTATE.appendOnly}', TABLE = 'system_admins';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$fn$`);
  s.push(...trig('system_admins_immutable', 'system_admins', 'BEFORE UPDATE OR DELETE', 'app.system_admin_immutable()'));

  // ------------------------------------------------------------ agent task clean-up (seed 002)
  // Deleting an agent task deletes its append-only logs with it, through this one path: the
  // task's owner or a tenant admin, never a raw DELETE of history.
  s.push(`CREATE OR REPLACE FUNCTION app.delete_agent_tasks(p_tenant uuid, p_ids uuid[]) RETURNS integer
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  n integer;
  mine uuid[];
BEGIN
  IF app.current_tenant_id() IS DISTINCT FROM p_tenant THEN
    RAISE EXCEPTION 'not a member of tenant %', p_tenant USING ERRCODE = '${SQLSTATE.forbidden}';
  END IF;
  SELECT coalesce(array_agg(t.id), '{}') INTO mine FROM public.agent_tasks t
   WHERE t.tenant_id = p_tenant AND t.id = ANY (p_ids)
     AND (t.user_id = app.current_user_id() OR app.has_tenant_role('admin'));
  PERFORM set_config('app.history_purge', 'on', true);
  DELETE FROM public.agent_task_logs l WHERE l.tenant_id = p_tenant AND l.task_id = ANY (mine);
  DELETE FROM public.agent_tasks t WHERE t.tenant_id = p_tenant AND t.id = ANY (mine);
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('app.history_purge', 'off', true);
  RETURN n;
END
$fn$`);
  s.push(`REVOKE ALL ON FUNCTION app.delete_agent_tasks(uuid, uuid[]) FROM PUBLIC`);
  s.push(`GRANT EXECUTE ON FUNCTION app.delete_agent_tasks(uuid, uuid[]) TO "${app}", "${DEFAULT_ROLES.service}"`);

  // ------------------------------------------------------------ member PII
  // phone and stripe_customer_id are not granted to the application role; the user and the
  // admins of their (current) tenant read them here.
  s.push(`CREATE OR REPLACE FUNCTION app.user_private(p_user uuid)
  RETURNS TABLE (phone text, stripe_customer_id text)
  LANGUAGE sql STABLE ${DEFINER}
AS $fn$
  SELECT u.phone, u.stripe_customer_id FROM public.users u
   WHERE u.id = p_user
     AND (p_user = app.current_user_id()
       OR (app.has_tenant_role('admin') AND EXISTS (
             SELECT 1 FROM public.tenant_memberships m
              WHERE m.tenant_id = app.current_tenant_id() AND m.user_id = p_user)))
$fn$`);
  s.push(`REVOKE ALL ON FUNCTION app.user_private(uuid) FROM PUBLIC`);
  s.push(`GRANT EXECUTE ON FUNCTION app.user_private(uuid) TO "${app}", "${DEFAULT_ROLES.service}"`);
  // ------------------------------------------------------------ default partitions
  // A row dated where no monthly partition exists yet (2031, 1999) lands in the parent's
  // DEFAULT partition instead of being refused; app.ensure_partitions moves such rows into
  // their month's partition when it creates it.
  for (const parent of ['chat_messages', 'usage_events', 'audit_logs']) {
    const d = `${parent}_default`;
    s.push(`CREATE TABLE IF NOT EXISTS public.${d} PARTITION OF public.${parent} DEFAULT`);
    s.push(`ALTER TABLE public.${d} ENABLE ROW LEVEL SECURITY`);
    s.push(`ALTER TABLE public.${d} FORCE ROW LEVEL SECURITY`);
    s.push(`REVOKE ALL ON public.${d} FROM PUBLIC, "${DEFAULT_ROLES.anon}", "${app}", "${DEFAULT_ROLES.service}"`);
    s.push(...trig(`${d}_append_only_truncate`, d, 'BEFORE TRUNCATE', 'app.forbid_history_change()', 'STATEMENT'));
  }

  // partitions that exist already (created under the schema's default privileges)
  s.push(`DO $partitions$
DECLARE
  part record;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent IN ('public.chat_messages'::regclass, 'public.usage_events'::regclass, 'public.audit_logs'::regclass)
  LOOP
    EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, "${DEFAULT_ROLES.anon}", "${app}", "${DEFAULT_ROLES.service}"', part.relname);
  END LOOP;
END
$partitions$`);
  return s;
}
