/**
 * Functions and triggers of the schema (custom migration `functions_triggers`): updated_at,
 * append-only history, gapless counters, state machines, review rules, audit, the seeds'
 * functions rewritten (credits, message save, new-user defaults, global tenant, personal
 * projects), secret encryption. One statement per array entry.
 */
import { getTableConfig } from 'drizzle-orm/pg-core';
import { tablesByName } from '../rls/drizzle.js';
import { SECRET_COLUMNS, TABLE_ACCESS } from '../rls/policies.js';
import { PARTITIONED_TABLES } from '../schema/partitioned.js';
import { DEFAULT_ROLES } from '../rls/roles.js';
import { SQLSTATE } from './errors.js';
import { DOCUMENT_TRANSITIONS, TASK_TRANSITIONS, transitionsSql } from './transitions.js';

/** SECURITY DEFINER with a pinned search_path, as every definer function of the package. */
export const DEFINER = `SECURITY DEFINER SET search_path = pg_catalog, pg_temp`;
const partitioned = new Set<string>(PARTITIONED_TABLES.map((p) => p.table));

/** Tables whose rows are history: no UPDATE, DELETE or TRUNCATE outside the purge path. */
export const APPEND_ONLY_TABLES = TABLE_ACCESS.filter((a) => a.appendOnly).map((a) => a.table);

/** Tables whose changes are written to the audit log by trigger (declared in `TABLE_ACCESS`). */
export const AUDITED_TABLES = TABLE_ACCESS.filter((a) => a.audited).map((a) => a.table);

/** Tables with an `updated_at` column (kept by trigger). */
export function tablesWithUpdatedAt(): string[] {
  return [...tablesByName.entries()]
    .filter(([name, t]) => !partitioned.has(name) && getTableConfig(t).columns.some((c) => c.name === 'updated_at'))
    .map(([name]) => name)
    .sort();
}

/** Drop-and-create of a trigger (idempotent). */
export const trig = (name: string, table: string, when: string, fn: string, each = 'ROW') => [
  `DROP TRIGGER IF EXISTS ${name} ON public.${table}`,
  `CREATE TRIGGER ${name} ${when} ON public.${table} FOR EACH ${each} EXECUTE FUNCTION ${fn}`,
];

export function functionStatements(): string[] {
  const s: string[] = [];

  // ------------------------------------------------------------ updated_at
  s.push(`CREATE OR REPLACE FUNCTION app.touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$fn$`);
  for (const t of tablesWithUpdatedAt())
    s.push(...trig(`${t}_touch_updated_at`, t, 'BEFORE UPDATE', 'app.touch_updated_at()'));

  // ------------------------------------------------------------ append-only history
  // Allowed only inside the privileged purge path: the purge functions run as the table
  // owner (SECURITY DEFINER) and set app.history_purge = on for their transaction. The
  // application and service roles are never the owner, so setting the flag gives them nothing.
  s.push(`CREATE OR REPLACE FUNCTION app.history_purge_allowed(rel oid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT coalesce(current_setting('app.history_purge', true), '') = 'on'
     AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = rel AND pg_has_role(current_user, c.relowner, 'USAGE'))
$fn$`);
  s.push(`CREATE OR REPLACE FUNCTION app.forbid_history_change() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF app.history_purge_allowed(TG_RELID) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = '${SQLSTATE.appendOnly}', TABLE = TG_TABLE_NAME;
END
$fn$`);
  for (const t of APPEND_ONLY_TABLES) {
    s.push(...trig(`${t}_append_only`, t, 'BEFORE UPDATE OR DELETE', 'app.forbid_history_change()'));
    if (!partitioned.has(t)) {
      // partitions get their own TRUNCATE trigger from app.ensure_partitions()
      s.push(...trig(`${t}_append_only_truncate`, t, 'BEFORE TRUNCATE', 'app.forbid_history_change()', 'STATEMENT'));
    }
  }

  // ------------------------------------------------------------ gapless counters
  // The number of a new revision / version / log entry is assigned here, under the parent
  // row's lock (UPDATE ... RETURNING), whatever the client sent: 1..N, no gaps, no
  // duplicates, for any number of concurrent writers. Definer rights: bumping the counter
  // needs no UPDATE right on the parent; RLS still checks the inserted row itself.
  const counter = (fn: string, parent: string, key: string, col: string, target: string, extra = '', guard = '') => `
CREATE OR REPLACE FUNCTION app.${fn}() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
BEGIN
  UPDATE public.${parent} p
     SET ${col} = p.${col} + 1${extra}
   WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.${key}${guard}
  RETURNING p.${col} INTO NEW.${target};
  IF NOT FOUND THEN
    RAISE EXCEPTION '${parent} row % not found${guard ? ' or locked' : ''}', NEW.${key}
      USING ERRCODE = '${guard ? SQLSTATE.locked : SQLSTATE.notFound}', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$fn$`;
  s.push(
    counter(
      'assign_document_rev',
      'documents',
      'document_id',
      'current_rev',
      'rev',
      ', current_content_hash = NEW.content_hash',
      ' AND NOT p.is_locked',
    ),
  );
  s.push(...trig('document_revisions_assign_rev', 'document_revisions', 'BEFORE INSERT', 'app.assign_document_rev()'));
  s.push(counter('assign_task_version', 'tasks', 'task_id', 'current_version', 'version'));
  s.push(...trig('task_versions_assign_version', 'task_versions', 'BEFORE INSERT', 'app.assign_task_version()'));
  s.push(counter('assign_project_version', 'projects', 'project_id', 'current_version', 'version'));
  s.push(
    ...trig('project_versions_assign_version', 'project_versions', 'BEFORE INSERT', 'app.assign_project_version()'),
  );
  s.push(counter('assign_agent_log_seq', 'agent_tasks', 'task_id', 'log_count', 'seq'));
  s.push(...trig('agent_task_logs_assign_seq', 'agent_task_logs', 'BEFORE INSERT', 'app.assign_agent_log_seq()'));
  // Messages: sequence 0 means "the next one"; any other value must be exactly the next.
  s.push(`CREATE OR REPLACE FUNCTION app.assign_message_sequence() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
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
    RAISE EXCEPTION 'chat session % not found', NEW.session_id USING ERRCODE = '${SQLSTATE.notFound}', TABLE = TG_TABLE_NAME;
  END IF;
  IF NEW.sequence IS NOT NULL AND NEW.sequence <> 0 AND NEW.sequence <> v THEN
    RAISE EXCEPTION 'message sequence % would leave a gap or duplicate (next is %)', NEW.sequence, v
      USING ERRCODE = '${SQLSTATE.sequenceGap}', TABLE = TG_TABLE_NAME;
  END IF;
  NEW.sequence := v;
  RETURN NEW;
END
$fn$`);
  s.push(...trig('chat_messages_assign_sequence', 'chat_messages', 'BEFORE INSERT', 'app.assign_message_sequence()'));
  // Counters move only through the triggers above (which run at trigger depth >= 1).
  s.push(`CREATE OR REPLACE FUNCTION app.guard_counter() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  col text := TG_ARGV[0];
BEGIN
  IF to_jsonb(NEW) -> col IS DISTINCT FROM to_jsonb(OLD) -> col AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION '%.% is assigned by the database', TG_TABLE_NAME, col
      USING ERRCODE = '${SQLSTATE.counterGuard}', TABLE = TG_TABLE_NAME, COLUMN = col;
  END IF;
  RETURN NEW;
END
$fn$`);
  for (const { table, counterColumns } of TABLE_ACCESS) {
    for (const col of counterColumns)
      s.push(...trig(`${table}_guard_${col}`, table, 'BEFORE UPDATE', `app.guard_counter('${col}')`));
  }

  // ------------------------------------------------------------ state machines
  const machine = (fn: string, table: string, m: Record<string, readonly string[]>) => [
    `CREATE OR REPLACE FUNCTION app.${fn}() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT ${transitionsSql(m)} THEN
    RAISE EXCEPTION 'illegal ${table} status transition % -> %', OLD.status, NEW.status
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$`,
    ...trig(`${table}_status_guard`, table, 'BEFORE UPDATE OF status', `app.${fn}()`),
  ];
  s.push(...machine('task_status_guard', 'tasks', TASK_TRANSITIONS));
  s.push(...machine('document_status_guard', 'documents', DOCUMENT_TRANSITIONS));
  // New tasks start pending; new documents start as drafts.
  s.push(`CREATE OR REPLACE FUNCTION app.initial_status_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.status::text <> TG_ARGV[0] THEN
    RAISE EXCEPTION 'a new % row starts as %, not %', TG_TABLE_NAME, TG_ARGV[0], NEW.status
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$`);
  s.push(...trig('tasks_initial_status', 'tasks', 'AFTER INSERT', `app.initial_status_guard('pending')`));
  s.push(...trig('documents_initial_status', 'documents', 'AFTER INSERT', `app.initial_status_guard('draft')`));

  // ------------------------------------------------------------ review rules
  // AFTER INSERT, so RLS has already accepted the row. Locks the task: two reviewers racing
  // on one version are serialised, and the second sees the task has moved on.
  s.push(`CREATE OR REPLACE FUNCTION app.review_guard() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  t record;
  author uuid;
  actor uuid := app.current_user_id();
  needed integer;
  approvals integer;
  k_project uuid;
  k_deliverable uuid;
BEGIN
  SELECT status, current_version, project_id INTO t FROM public.tasks
   WHERE tenant_id = NEW.tenant_id AND id = NEW.task_id FOR UPDATE;
  IF t.status IS DISTINCT FROM 'awaiting_review' THEN
    RAISE EXCEPTION 'task % is not awaiting review (status %)', NEW.task_id, t.status
      USING ERRCODE = '${SQLSTATE.reviewRule}', TABLE = 'reviews';
  END IF;
  IF NEW.version <> t.current_version THEN
    RAISE EXCEPTION 'only the latest version (%) of task % can be reviewed, not %', t.current_version, NEW.task_id, NEW.version
      USING ERRCODE = '${SQLSTATE.reviewRule}', TABLE = 'reviews';
  END IF;
  IF EXISTS (SELECT 1 FROM public.reviews r
              WHERE r.tenant_id = NEW.tenant_id AND r.task_id = NEW.task_id AND r.version = NEW.version
                AND r.reviewer_id IS NOT DISTINCT FROM NEW.reviewer_id AND r.id <> NEW.id) THEN
    RAISE EXCEPTION 'version % of task % has this reviewer''s decision already', NEW.version, NEW.task_id
      USING ERRCODE = '${SQLSTATE.reviewRule}', TABLE = 'reviews';
  END IF;
  IF NEW.reviewer_id IS NULL THEN
    RAISE EXCEPTION 'a review needs a reviewer' USING ERRCODE = '${SQLSTATE.reviewRule}', TABLE = 'reviews';
  END IF;
  IF actor IS NOT NULL AND NEW.reviewer_id <> actor THEN
    RAISE EXCEPTION 'a review is recorded in the name of the acting user'
      USING ERRCODE = '${SQLSTATE.reviewRule}', TABLE = 'reviews';
  END IF;
  SELECT created_by INTO author FROM public.task_versions
   WHERE tenant_id = NEW.tenant_id AND task_id = NEW.task_id AND version = NEW.version;
  IF author = NEW.reviewer_id THEN
    RAISE EXCEPTION 'the author of a version cannot review it'
      USING ERRCODE = '${SQLSTATE.reviewRule}', TABLE = 'reviews';
  END IF;
  IF NOT EXISTS (
       SELECT 1 FROM public.tenant_memberships m
        WHERE m.tenant_id = NEW.tenant_id AND m.user_id = NEW.reviewer_id AND m.role <= 'admin')
     AND NOT EXISTS (
       SELECT 1 FROM public.project_members pm
        WHERE pm.tenant_id = NEW.tenant_id AND pm.project_id = t.project_id
          AND pm.user_id = NEW.reviewer_id AND pm.role <= 'reviewer') THEN
    RAISE EXCEPTION 'user % may not review in this project', NEW.reviewer_id
      USING ERRCODE = '${SQLSTATE.forbidden}', TABLE = 'reviews';
  END IF;
  -- the decision moves the task, whoever inserted the review: a rejection or a request for
  -- changes at once; approval when the version has the approvals the project (or the task's
  -- deliverable) requires. The task row is locked above, so racing reviewers count in turn,
  -- and a decision after the task moved on finds it no longer awaiting review.
  IF NEW.decision = 'approve' THEN
    -- single-table lookups (Citus plans no join of them inside a shard's trigger)
    SELECT k.project_id, k.deliverable_id INTO k_project, k_deliverable FROM public.tasks k
     WHERE k.tenant_id = NEW.tenant_id AND k.id = NEW.task_id;
    IF k_deliverable IS NOT NULL THEN
      SELECT d.required_approvals INTO needed FROM public.deliverables d WHERE d.tenant_id = NEW.tenant_id AND d.id = k_deliverable;
    END IF;
    IF needed IS NULL THEN
      SELECT p.required_approvals INTO needed FROM public.projects p WHERE p.tenant_id = NEW.tenant_id AND p.id = k_project;
    END IF;
    SELECT count(DISTINCT r.reviewer_id) INTO approvals FROM public.reviews r
     WHERE r.tenant_id = NEW.tenant_id AND r.task_id = NEW.task_id AND r.version = NEW.version AND r.decision = 'approve';
    IF approvals >= coalesce(needed, 1) THEN
      UPDATE public.tasks SET status = 'completed' WHERE tenant_id = NEW.tenant_id AND id = NEW.task_id;
    END IF;
  ELSE
    -- a searched CASE: Citus deparses a simple CASE over an enum wrongly (decision = boolean)
    UPDATE public.tasks SET status = CASE WHEN NEW.decision = 'reject'
        THEN 'rejected'::public.task_status
        ELSE 'awaiting_clarification'::public.task_status END
     WHERE tenant_id = NEW.tenant_id AND id = NEW.task_id;
  END IF;
  RETURN NULL;
END
$fn$`);
  s.push(...trig('reviews_guard', 'reviews', 'AFTER INSERT', 'app.review_guard()'));

  // ------------------------------------------------------------ task events
  // Every creation, assignment, transition, submission and review of a task is recorded by
  // the database itself, so a raw UPDATE cannot move a task without leaving a trace. The
  // reason ("why") comes from the transaction-local setting app.task_note when the caller
  // gives one.
  s.push(`CREATE OR REPLACE FUNCTION app.record_task_event() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  note text := nullif(current_setting('app.task_note', true), '');
  actor uuid := app.current_user_id();
  -- the table, from the trigger: TG_TABLE_NAME is a partition's or (on Citus) a shard's name
  tbl text := coalesce(TG_ARGV[0], TG_TABLE_NAME);
BEGIN
  IF tbl = 'tasks' AND TG_OP = 'INSERT' THEN
    INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, to_status, note, created_at)
    VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'created', actor, NEW.status, note, clock_timestamp());
    IF NEW.assignee_id IS NOT NULL THEN
      INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, note, created_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'assigned', actor, 'assignee ' || NEW.assignee_id, clock_timestamp());
    END IF;
  ELSIF tbl = 'tasks' THEN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
      INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, from_status, to_status, version, note, created_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'status_changed', actor, OLD.status, NEW.status, NEW.current_version, note, clock_timestamp());
    END IF;
    IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id THEN
      INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, note, created_at)
      VALUES (NEW.tenant_id, NEW.id, NEW.project_id, 'assigned', actor, coalesce('assignee ' || NEW.assignee_id, 'unassigned'), clock_timestamp());
    END IF;
  ELSIF tbl = 'task_versions' THEN
    INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, version, note, created_at)
    VALUES (NEW.tenant_id, NEW.task_id, NEW.project_id, 'submitted', actor, NEW.version, note, clock_timestamp());
  ELSIF tbl = 'reviews' THEN
    INSERT INTO public.task_events (tenant_id, task_id, project_id, kind, actor_id, version, note, created_at)
    VALUES (NEW.tenant_id, NEW.task_id, NEW.project_id, 'reviewed', NEW.reviewer_id, NEW.version,
            NEW.decision || coalesce(': ' || NEW.comments, ''), clock_timestamp());
  END IF;
  RETURN NULL;
END
$fn$`);
  s.push(...trig('tasks_record_created', 'tasks', 'AFTER INSERT', "app.record_task_event('tasks')"));
  s.push(...trig('tasks_record_changes', 'tasks', 'AFTER UPDATE OF status, assignee_id', "app.record_task_event('tasks')"));
  s.push(...trig('task_versions_record_submitted', 'task_versions', 'AFTER INSERT', "app.record_task_event('task_versions')"));
  s.push(...trig('reviews_record_decision', 'reviews', 'AFTER INSERT', "app.record_task_event('reviews')"));

  // ------------------------------------------------------------ audit
  s.push(`CREATE OR REPLACE FUNCTION app.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  r jsonb := coalesce(new_row, old_row);
  secret text[] := ARRAY[${SECRET_COLUMNS.map((c) => `'${c}'`).join(', ')}];
  -- the table, from the trigger: TG_TABLE_NAME is a partition's or (on Citus) a shard's name
  tbl text := coalesce(TG_ARGV[0], TG_TABLE_NAME);
BEGIN
  INSERT INTO public.audit_logs (tenant_id, project_id, actor_id, action, table_name, record_id, old_data, new_data, ip_address, user_agent)
  VALUES (
    CASE WHEN tbl = 'tenants' THEN (r ->> 'id')::uuid ELSE (r ->> 'tenant_id')::uuid END,
    (r ->> 'project_id')::uuid,
    app.current_user_id(),
    TG_OP,
    tbl,
    coalesce(r ->> 'id', r ->> 'user_id', r ->> 'tenant_id'),
    old_row - secret,
    new_row - secret,
    CASE WHEN app.claim('ip') ~ '^[0-9a-fA-F:.]+$' THEN app.claim('ip')::inet END,
    app.claim('user_agent')
  );
  RETURN NULL;
END
$fn$`);
  for (const t of AUDITED_TABLES)
    s.push(...trig(`${t}_audit`, t, 'AFTER INSERT OR UPDATE OR DELETE', `app.audit_row_change('${t}')`));

  // ------------------------------------------------------------ credits (seed 003, fixed)
  // One conditional UPDATE: exact under any concurrency at READ COMMITTED (a waiting
  // updater re-checks the row it locked), never negative, "unlimited" is a flag.
  s.push(`CREATE OR REPLACE FUNCTION app.consume_credits(p_tenant uuid, p_user uuid, p_amount integer DEFAULT 1)
  RETURNS integer
  LANGUAGE plpgsql ${DEFINER}
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
    RAISE EXCEPTION 'a user may only consume their own credits' USING ERRCODE = '${SQLSTATE.forbidden}';
  END IF;
  UPDATE public.credit_balances b
     SET remaining = CASE WHEN b.unlimited THEN b.remaining ELSE b.remaining - p_amount END,
         consumed = b.consumed + p_amount,
         updated_at = now()
   WHERE b.tenant_id = p_tenant AND b.user_id = p_user AND (b.unlimited OR b.remaining >= p_amount)
  RETURNING b.remaining, b.unlimited INTO v_remaining, v_unlimited;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'insufficient credits' USING ERRCODE = '${SQLSTATE.insufficientCredits}';
  END IF;
  -- NULL = unlimited
  RETURN CASE WHEN v_unlimited THEN NULL ELSE v_remaining END;
END
$fn$`);

  // Idempotent consumption: the key is inserted first (a concurrent retry waits on it), the
  // balance consumed, the result stored; a retry after success returns the stored result.
  s.push(`CREATE OR REPLACE FUNCTION app.consume_credits(p_tenant uuid, p_user uuid, p_amount integer, p_key text)
  RETURNS integer
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  v_prev public.credit_consumptions;
  v_remaining integer;
BEGIN
  IF p_key IS NULL THEN
    RETURN app.consume_credits(p_tenant, p_user, p_amount);
  END IF;
  INSERT INTO public.credit_consumptions (tenant_id, idempotency_key, user_id, amount)
  VALUES (p_tenant, p_key, p_user, p_amount)
  ON CONFLICT (tenant_id, idempotency_key) DO NOTHING;
  IF NOT FOUND THEN
    SELECT * INTO v_prev FROM public.credit_consumptions c
     WHERE c.tenant_id = p_tenant AND c.idempotency_key = p_key;
    IF v_prev.user_id <> p_user OR v_prev.amount <> p_amount THEN
      RAISE EXCEPTION 'idempotency key % was used for another consumption', p_key USING ERRCODE = '${SQLSTATE.conflict}';
    END IF;
    -- the actor check of the first call applies to its replay too
    PERFORM 1 WHERE app.current_user_id() IS NULL
       OR (app.current_user_id() = p_user AND app.current_tenant_id() IS NOT DISTINCT FROM p_tenant);
    IF NOT FOUND THEN
      RAISE EXCEPTION 'a user may only consume their own credits' USING ERRCODE = '${SQLSTATE.forbidden}';
    END IF;
    RETURN v_prev.remaining;
  END IF;
  v_remaining := app.consume_credits(p_tenant, p_user, p_amount);
  UPDATE public.credit_consumptions c SET remaining = v_remaining
   WHERE c.tenant_id = p_tenant AND c.idempotency_key = p_key;
  RETURN v_remaining;
END
$fn$`);

  // ------------------------------------------------------------ message save (seed 002, fixed)
  // Appends message p_sequence of a session: idempotent for a retried sequence (returns the
  // stored message), refuses gaps, bumps the session counters and touches the project, all
  // in the caller's transaction. Invoker rights: RLS decides who may write to the session.
  s.push(`CREATE OR REPLACE FUNCTION app.save_message(
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
    RAISE EXCEPTION 'chat session % not found', p_session USING ERRCODE = '${SQLSTATE.notFound}';
  END IF;
  IF p_sequence IS NOT NULL AND p_sequence <= s.last_sequence THEN
    -- a retry: the stored message must be the same message
    SELECT m.id, m.sequence, m.created_at, m.role, m.content INTO prev FROM public.chat_messages m
     WHERE m.tenant_id = p_tenant AND m.session_id = p_session AND m.sequence = p_sequence;
    IF FOUND AND (prev.role <> p_role OR prev.content <> p_content) THEN
      RAISE EXCEPTION 'message % of session % exists with other content', p_sequence, p_session
        USING ERRCODE = '${SQLSTATE.conflict}';
    END IF;
    IF FOUND THEN
      RETURN QUERY SELECT prev.id, prev.sequence, prev.created_at, false;
    END IF;
    RETURN;
  END IF;
  next_seq := s.last_sequence + 1;
  IF p_sequence IS NOT NULL AND p_sequence <> next_seq THEN
    RAISE EXCEPTION 'message sequence % would leave a gap (next is %)', p_sequence, next_seq
      USING ERRCODE = '${SQLSTATE.sequenceGap}';
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
$fn$`);
  // An actor touches (and locks) only a project of the tenant it acts for.
  s.push(`CREATE OR REPLACE FUNCTION app.touch_project(p_tenant uuid, p_project uuid) RETURNS void
  LANGUAGE sql ${DEFINER}
AS $fn$
  UPDATE public.projects SET updated_at = now() WHERE tenant_id = p_tenant AND id = p_project
     AND (app.current_user_id() IS NULL OR p_tenant = app.current_tenant_id())
$fn$`);

  // ------------------------------------------------------------ new users (seeds 001, 002)
  s.push(`CREATE OR REPLACE FUNCTION app.on_user_created() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
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
    VALUES (global_tenant, coalesce(NEW.email || '''s Personal Project', 'Personal project'), 'Personal project space', true, NEW.id, NEW.id)
    ON CONFLICT DO NOTHING;
  END IF;
  IF joined > 0 AND NEW.status IN ('waitlist', 'invited') THEN
    UPDATE public.users SET status = 'active' WHERE id = NEW.id;
  END IF;
  RETURN NULL;
END
$fn$`);
  s.push(...trig('users_on_created', 'users', 'AFTER INSERT', 'app.on_user_created()'));
  // seed 001 update_user_status: joining a tenant or project activates a waiting user
  s.push(`CREATE OR REPLACE FUNCTION app.activate_member() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
BEGIN
  UPDATE public.users SET status = 'active' WHERE id = NEW.user_id AND status IN ('waitlist', 'invited');
  RETURN NULL;
END
$fn$`);
  s.push(...trig('tenant_memberships_activate_member', 'tenant_memberships', 'AFTER INSERT', 'app.activate_member()'));
  s.push(...trig('project_members_activate_member', 'project_members', 'AFTER INSERT', 'app.activate_member()'));
  // seed 001 archive_personal_project: a deleted (soft) user's personal projects are archived
  s.push(`CREATE OR REPLACE FUNCTION app.archive_personal_projects() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
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
$fn$`);
  s.push(
    ...trig(
      'users_archive_personal_projects',
      'users',
      'AFTER UPDATE OF deleted_at',
      'app.archive_personal_projects()',
    ),
  );
  // seed 001 create_default_global_workspace, idempotent; returns the global tenant
  s.push(`CREATE OR REPLACE FUNCTION app.ensure_global_tenant(p_token_limit bigint DEFAULT 1000000) RETURNS uuid
  LANGUAGE plpgsql ${DEFINER}
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
$fn$`);

  // ------------------------------------------------------------ secrets (pgcrypto)
  // The key is supplied per transaction (SET LOCAL app.encryption_key = ...) and never stored.
  s.push(`CREATE OR REPLACE FUNCTION app.encryption_key() RETURNS text
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
$fn$`);
  // pgcrypto lives in public here, in "extensions" on Supabase: both are on the path.
  s.push(`CREATE OR REPLACE FUNCTION app.encrypt_secret(plain text) RETURNS bytea
  LANGUAGE sql VOLATILE SET search_path = public, extensions, pg_catalog, pg_temp
AS $fn$
  SELECT pgp_sym_encrypt(plain, app.encryption_key(), 'cipher-algo=aes256')
$fn$`);
  s.push(`CREATE OR REPLACE FUNCTION app.decrypt_secret(cipher bytea) RETURNS text
  LANGUAGE sql STABLE SET search_path = public, extensions, pg_catalog, pg_temp
AS $fn$
  SELECT pgp_sym_decrypt(cipher, app.encryption_key())
$fn$`);

  // ------------------------------------------------------------ privileges on functions
  // Definer functions are not for everyone: revoke the default EXECUTE from PUBLIC, grant
  // to the roles that need each.
  const { app, service } = DEFAULT_ROLES;
  const grants: [string, string[]][] = [
    ['app.consume_credits(uuid, uuid, integer)', [app, service]],
    ['app.consume_credits(uuid, uuid, integer, text)', [app, service]],
    ['app.touch_project(uuid, uuid)', [app, service]],
    ['app.ensure_global_tenant(bigint)', [service]],
    ['app.decrypt_secret(bytea)', [service]],
  ];
  for (const [fn, roles] of grants) {
    s.push(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    s.push(`GRANT EXECUTE ON FUNCTION ${fn} TO ${roles.map((r) => `"${r}"`).join(', ')}`);
  }
  return s;
}
