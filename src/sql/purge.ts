/**
 * GDPR erasure and retention: the one privileged path that may delete append-only history.
 *
 * A purge is a list of steps, each one statement over one table, run in batches by
 * `app.gdpr_purge_step` (SECURITY DEFINER, the table owner, `app.history_purge` on for its
 * transaction only); `app.gdpr_dry_run` counts what each step would touch with the same
 * conditions. Progress (step reached, rows per step) is stored on the request in the same
 * transaction as each batch, so a purge interrupted anywhere resumes where it stopped.
 *
 * What "a user's data" means (scope `user`, within one tenant):
 * - deleted: what is the user's own — their chat sessions (with every message and
 *   participant), the messages they wrote elsewhere, their uploads and workspace files with
 *   the chunks embedded from them, their agent tasks and logs, fragments and their
 *   executions, usage events, API keys, integrations, credit balance, project and tenant
 *   memberships, and every audit row that names them;
 * - de-identified: the tenant's shared work that the user touched (documents, revisions,
 *   tasks, task versions, reviews, task events, projects, artifacts, connections…) stays,
 *   with every reference to the user set to NULL (and the user's id removed from task event
 *   notes). Deleting a co-author's revisions would destroy other people's work.
 * The request row itself keeps the erased id (the record that erasure happened), and the
 * global identity (`users`, on Supabase `auth.users`) belongs to the identity provider.
 *
 * Scope `tenant` deletes every row of the tenant in every tenant table, children before
 * parents, then marks the tenant row deleted (it anchors the deletion request and tombstone).
 */
import { getTableConfig } from 'drizzle-orm/pg-core';
import { tablesByName } from '../rls/drizzle.js';
import { DEFAULT_ROLES } from '../rls/roles.js';
import { GLOBAL_TABLES } from '../schema/index.js';
import { PARTITIONED_TABLES } from '../schema/partitioned.js';
import { SQLSTATE } from './errors.js';
import { AUDIT_RETENTION_FLOOR_DAYS } from './boundary.js';
import { DEFINER } from './functions.js';

const GLOBAL: readonly string[] = GLOBAL_TABLES;

export interface PurgeStep {
  /** Report key: the table for a delete, `table.column` for a de-identification. */
  key: string;
  table: string;
  action: 'delete' | 'null' | 'redact';
  /** For `null`: the column set to NULL. */
  column?: string;
  /** The rows this step touches (SQL over p_tenant, p_user). */
  where: string;
  /** A delete of only some of the user's rows of its table (the rest are de-identified). */
  partial?: boolean;
}

const U = 'p_user';
const T = 'p_tenant';
const sessionsOfUser = `(SELECT s.id FROM public.chat_sessions s WHERE s.tenant_id = ${T} AND s.user_id = ${U})`;

const del = (table: string, where: string, partial = false): PurgeStep => ({
  key: table,
  table,
  action: 'delete',
  where: `tenant_id = ${T} AND (${where})`,
  ...(partial ? { partial } : {}),
});

/** The user-scope steps that delete rows, in order (children before their parents). */
const USER_DELETES: PurgeStep[] = [
  // the user's personal projects (seed 001's global workspace), with everything in them
  // through their cascades: a personal project is its owner's alone and cannot outlive them
  del('projects', `is_personal AND owner_id = ${U}`, true),
  del('chat_messages', `created_by = ${U} OR session_id IN ${sessionsOfUser}`),
  del('chat_participants', `user_id = ${U} OR session_id IN ${sessionsOfUser}`),
  del('chat_sessions', `user_id = ${U}`),
  del(
    'chunks',
    `(source_type = 'upload' AND source_id IN (SELECT f.id FROM public.file_uploads f WHERE f.tenant_id = ${T} AND f.user_id = ${U}))
      OR (source_type = 'code_file' AND source_id IN (SELECT f.id FROM public.workspace_files f WHERE f.tenant_id = ${T} AND f.user_id = ${U}))`,
  ),
  del('file_uploads', `user_id = ${U}`),
  del('workspace_files', `user_id = ${U}`),
  del('agent_task_logs', `user_id = ${U}`),
  del('agent_tasks', `user_id = ${U}`),
  del(
    'fragment_executions',
    `user_id = ${U} OR fragment_id IN (SELECT f.id FROM public.fragments f WHERE f.tenant_id = ${T} AND f.user_id = ${U})`,
  ),
  del('fragments', `user_id = ${U}`),
  del('usage_events', `user_id = ${U}`),
  del('api_keys', `user_id = ${U}`),
  del('user_integrations', `user_id = ${U}`),
  del('credit_consumptions', `user_id = ${U}`),
  del('credit_balances', `user_id = ${U}`),
  del('project_members', `user_id = ${U}`),
  del('tenant_memberships', `user_id = ${U}`),
];

/** Columns that hold a user id but have no foreign key (partitioned tables, composite keys). */
const USER_COLUMNS_WITHOUT_FK: [string, string][] = [
  ['chat_messages', 'created_by'],
  ['usage_events', 'user_id'],
  ['agent_task_logs', 'user_id'],
  ['audit_logs', 'actor_id'],
  ['deletion_requests', 'user_id'],
];

/** Every (table, column) of a tenant table that references a user. */
export function userReferenceColumns(): [string, string][] {
  const out: [string, string][] = [...USER_COLUMNS_WITHOUT_FK];
  for (const [name, table] of tablesByName) {
    if (GLOBAL.includes(name)) continue;
    for (const fk of getTableConfig(table).foreignKeys) {
      const ref = fk.reference();
      if (getTableConfig(ref.foreignTable).name !== 'users') continue;
      for (const c of ref.columns) if (!out.some(([t, col]) => t === name && col === c.name)) out.push([name, c.name]);
    }
  }
  return out.sort((a, b) => (`${a[0]}.${a[1]}` < `${b[0]}.${b[1]}` ? -1 : 1));
}

/** Kept on purpose: the deletion request is the record that the erasure happened. */
export const KEPT_USER_REFERENCES: readonly string[] = ['deletion_requests.user_id'];

/** The user-scope purge, in execution order. */
export function userPurgeSteps(): PurgeStep[] {
  // tables whose every row of the user is deleted need no NULL step; after a partial delete
  // (personal projects) the user's references in the remaining rows are NULLed
  const deleted = new Set(USER_DELETES.filter((s) => !s.partial).map((s) => s.table));
  const nulls: PurgeStep[] = userReferenceColumns()
    .filter(([t, c]) => !deleted.has(t) && t !== 'audit_logs' && !KEPT_USER_REFERENCES.includes(`${t}.${c}`))
    .map(([table, column]) => ({
      key: `${table}.${column}`,
      table,
      action: 'null' as const,
      column,
      where: `tenant_id = ${T} AND ${column} = ${U}`,
    }));
  return [
    ...USER_DELETES,
    ...nulls,
    {
      key: 'task_events.note',
      table: 'task_events',
      action: 'redact',
      column: 'note',
      where: `tenant_id = ${T} AND strpos(note, ${U}::text) > 0`,
    },
    // last: the steps above write audit rows of their own (memberships, keys… are audited)
    del(
      'audit_logs',
      `actor_id = ${U} OR record_id = ${U}::text
        OR strpos(coalesce(old_data::text, '') || coalesce(new_data::text, ''), ${U}::text) > 0`,
    ),
  ];
}

/** Foreign-key edges child -> parent between tenant tables (plus the partitioned tables'). */
function tenantTableOrder(): string[] {
  const tables = [...tablesByName.keys()].filter((t) => !GLOBAL.includes(t)).sort();
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const name of tables) {
    for (const fk of getTableConfig(tablesByName.get(name)!).foreignKeys) {
      const parent = getTableConfig(fk.reference().foreignTable).name;
      if (parent !== name && parents.has(parent)) parents.get(name)!.add(parent);
    }
  }
  parents.get('chat_messages')!.add('chat_sessions'); // declared in the partition DDL
  // children first: a table comes after every table that references it
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (t: string, path: Set<string>) => {
    if (done.has(t)) return;
    if (path.has(t)) throw new Error(`foreign-key cycle through ${t}`);
    path.add(t);
    for (const child of tables) if (parents.get(child)!.has(t)) visit(child, path);
    path.delete(t);
    done.add(t);
    out.push(t);
  };
  for (const t of [...tables].sort()) visit(t, new Set());
  return out;
}

/** The tenant-scope purge: every tenant table, children first; the audit log last. */
export function tenantPurgeSteps(): PurgeStep[] {
  const keep = new Set(['deletion_requests', 'audit_logs']);
  return [
    ...tenantTableOrder()
      .filter((t) => !keep.has(t))
      .map((t) => del(t, 'true')),
    del('audit_logs', 'true'),
  ];
}

/**
 * The same step on Citus, where gdpr_purge_step runs on the node of its tenant: over that
 * node's shards of the table (app.citus_sql), the variables bound as parameters. A DELETE
 * with a LIMIT-ed subquery on a distributed table is one Citus does not plan.
 */
function citusStepSql(s: PurgeStep, limit: string): string {
  const plain = stepSql(s, '$3').replace(/public\.(\w+)/g, '{$1}').replace(/\bp_tenant\b/g, '$1').replace(/\bp_user\b/g, '$2');
  return `EXECUTE app.citus_sql($step$${plain}$step$, p_tenant) USING p_tenant, p_user, ${limit}`;
}

function stepSql(s: PurgeStep, limit: string): string {
  const victims = `SELECT tableoid, ctid FROM public.${s.table} WHERE ${s.where} LIMIT ${limit}`;
  const target = `(tableoid, ctid) IN (${victims})`;
  if (s.action === 'delete') return `DELETE FROM public.${s.table} WHERE ${target}`;
  if (s.action === 'null') return `UPDATE public.${s.table} SET ${s.column} = NULL WHERE ${target}`;
  return `UPDATE public.${s.table} SET ${s.column} = replace(${s.column}, ${U}::text, '(erased user)') WHERE ${target}`;
}

function countSql(s: PurgeStep): string {
  return `SELECT count(*) FROM public.${s.table} WHERE ${s.where}`;
}

function branches(steps: PurgeStep[], body: (s: PurgeStep) => string): string {
  return steps.map((s, i) => `      WHEN ${i} THEN k := '${s.key}'; ${body(s)}`).join('\n');
}

/** Locks the deletion request (one purge at a time per request) or raises not-found. */
const LOCK_REQUEST = `  SELECT * INTO r FROM public.deletion_requests d WHERE d.tenant_id = p_tenant AND d.id = p_request FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'deletion request % not found', p_request USING ERRCODE = '${SQLSTATE.notFound}';
  END IF;`;

/** app.gdpr_purge_step, with each step's statement made by `step` (this node's or Citus'). */
export function purgeStepFunction(step: (s: PurgeStep, limit: string) => string = stepSql): string {
  const user = userPurgeSteps();
  const tenant = tenantPurgeSteps();
  return `CREATE OR REPLACE FUNCTION app.gdpr_purge_step(p_tenant uuid, p_request uuid, p_limit integer) RETURNS jsonb
  LANGUAGE plpgsql ${DEFINER}
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
  -- a value, not now() inside CASE / coalesce (which Citus refuses in a distributed UPDATE)
  v_now timestamptz := now();
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
    RAISE EXCEPTION 'batch size must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
${LOCK_REQUEST}
  IF r.status = 'completed' THEN
    RETURN jsonb_build_object('done', true, 'step', null, 'key', null, 'rows', 0);
  END IF;
  IF r.status NOT IN ('dry_run', 'running') THEN
    RAISE EXCEPTION 'deletion request % is %: run the dry run first', p_request, r.status
      USING ERRCODE = '${SQLSTATE.invalidTransition}';
  END IF;
  -- the only place history may be deleted; off again before returning
  PERFORM set_config('app.history_purge', 'on', true);
  p_user := r.user_id;
  v_step := coalesce((r.progress ->> 'step')::integer, 0);
  steps := CASE WHEN r.scope = 'user' THEN ${user.length} ELSE ${tenant.length} END;
  IF r.scope = 'user' THEN
    CASE v_step
${branches(user, (s) => `${step(s, 'p_limit')};`)}
    END CASE;
  ELSE
    CASE v_step
${branches(tenant, (s) => `${step(s, 'p_limit')};`)}
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
         completed_at = CASE WHEN finished THEN v_now END
   WHERE d.tenant_id = p_tenant AND d.id = p_request;
  IF finished THEN
    IF r.scope = 'tenant' THEN
      UPDATE public.tenants t SET status = 'deleted', deleted_at = coalesce(t.deleted_at, v_now) WHERE t.id = p_tenant;
    END IF;
    -- the tombstone: what was erased, never who
    INSERT INTO public.audit_logs (tenant_id, actor_id, action, table_name, record_id, new_data)
    VALUES (p_tenant, app.current_user_id(), 'gdpr.purge', 'deletion_requests', p_request::text,
            jsonb_build_object('scope', r.scope, 'rows', v_progress -> 'rows', 'batches', v_progress -> 'batches'));
  END IF;
  PERFORM set_config('app.history_purge', 'off', true);
  RETURN jsonb_build_object('done', finished, 'step', v_step - CASE WHEN n < p_limit THEN 1 ELSE 0 END, 'key', k, 'rows', n);
END
$fn$`;
}

/** gdpr_purge_step as it runs on Citus (installed by app.distribute()). */
export const citusPurgeStepFunction = () => purgeStepFunction(citusStepSql);

export function purgeStatements(): string[] {
  const user = userPurgeSteps();
  const tenant = tenantPurgeSteps();
  const { service } = DEFAULT_ROLES;
  return [
    // ---------------------------------------------------------------- dry run
    `CREATE OR REPLACE FUNCTION app.gdpr_dry_run(p_tenant uuid, p_request uuid) RETURNS jsonb
  LANGUAGE plpgsql ${DEFINER}
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
${LOCK_REQUEST}
  IF r.status NOT IN ('pending', 'dry_run') THEN
    RAISE EXCEPTION 'deletion request % is %: the dry run comes first', p_request, r.status
      USING ERRCODE = '${SQLSTATE.invalidTransition}';
  END IF;
  p_user := r.user_id;
  steps := CASE WHEN r.scope = 'user' THEN ${user.length} ELSE ${tenant.length} END;
  FOR i IN 0 .. steps - 1 LOOP
    IF r.scope = 'user' THEN
      CASE i
${branches(user, (s) => `n := (${countSql(s)});`)}
      END CASE;
    ELSE
      CASE i
${branches(tenant, (s) => `n := (${countSql(s)});`)}
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
$fn$`,
    // ---------------------------------------------------------------- one batch
    purgeStepFunction(stepSql),
    ...retentionStatements(),
    ...[
      'app.gdpr_dry_run(uuid, uuid)',
      'app.gdpr_purge_step(uuid, uuid, integer)',
      'app.retention_purge_batch(uuid, timestamp with time zone, integer)',
      'app.drop_expired_partitions(timestamp with time zone)',
    ].flatMap((fn) => [`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`, `GRANT EXECUTE ON FUNCTION ${fn} TO "${service}"`]),
  ];
}

/**
 * Retention (`tenants.retention_days`) over the time-partitioned tables: rows older than a
 * tenant's cutoff are deleted in batches, and a whole monthly partition is dropped once it
 * ended before the shortest retention of any tenant and before the cutoff of every tenant
 * that has rows in it (a tenant without retention keeps a partition alive). Only past months are ever dropped, never the window
 * `app.ensure_partitions` guarantees.
 */
/**
 * app.retention_purge_batch; on Citus (`citus`, installed by app.distribute()) each DELETE runs
 * over this node's shards (the function runs on the node of its tenant), as gdpr_purge_step.
 */
export function retentionBatchFunction(citus = false): string {
  const batch = PARTITIONED_TABLES.map((p) => {
    const cutoff =
      p.table === 'audit_logs' ? `least(p_cutoff, now() - make_interval(days => ${AUDIT_RETENTION_FLOOR_DAYS}))` : 'p_cutoff';
    const del = citus
      ? `  EXECUTE app.citus_sql($step$DELETE FROM {${p.table}} WHERE (tableoid, ctid) IN (
    SELECT tableoid, ctid FROM {${p.table}} WHERE tenant_id = $1 AND ${p.column} < $2 LIMIT $3)$step$, p_tenant)
    USING p_tenant, ${cutoff}, p_limit;`
      : `  DELETE FROM public.${p.table} WHERE (tableoid, ctid) IN (
    SELECT tableoid, ctid FROM public.${p.table} WHERE tenant_id = p_tenant AND ${p.column} < ${cutoff} LIMIT p_limit);`;
    return `${del}
  GET DIAGNOSTICS n = ROW_COUNT;
  out := out || jsonb_build_object('${p.table}', n);`;
  });
  return `CREATE OR REPLACE FUNCTION app.retention_purge_batch(p_tenant uuid, p_cutoff timestamptz, p_limit integer) RETURNS jsonb
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  n bigint;
  out jsonb := '{}'::jsonb;
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
    RAISE EXCEPTION 'batch size must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('app.history_purge', 'on', true);
${batch.join('\n')}
  PERFORM set_config('app.history_purge', 'off', true);
  RETURN out;
END
$fn$`;
}

function retentionStatements(): string[] {
  const tables = PARTITIONED_TABLES.map((p) => p.table);
  return [
    retentionBatchFunction(),
    `CREATE OR REPLACE FUNCTION app.drop_expired_partitions(p_now timestamptz DEFAULT now()) RETURNS text[]
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  parent text;
  part record;
  upper_bound timestamptz;
  alive boolean;
  dropped text[] := '{}';
  shortest integer;
  floor_days integer;
BEGIN
  -- the same lock as app.ensure_partitions: maintenance never races itself
  PERFORM pg_advisory_xact_lock(hashtext('app.ensure_partitions'));
  -- nothing expires before the shortest retention of any tenant (none: nothing expires)
  SELECT min(t.retention_days) INTO shortest FROM public.tenants t WHERE t.retention_days IS NOT NULL;
  IF shortest IS NULL THEN
    RETURN dropped;
  END IF;
  FOREACH parent IN ARRAY ARRAY[${tables.map((t) => `'${t}'`).join(', ')}] LOOP
    FOR part IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = ('public.' || parent)::regclass AND c.relname ~ ('^' || parent || '_p[0-9]{6}$')
       ORDER BY c.relname
    LOOP
      upper_bound := (to_date(right(part.relname, 6), 'YYYYMM') + interval '1 month')::timestamp AT TIME ZONE 'UTC';
      -- audit rows are kept for at least ${AUDIT_RETENTION_FLOOR_DAYS} days, whatever a tenant says
      floor_days := CASE WHEN parent = 'audit_logs' THEN ${AUDIT_RETENTION_FLOOR_DAYS} ELSE 0 END;
      CONTINUE WHEN upper_bound > date_trunc('month', p_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                 OR upper_bound > p_now - make_interval(days => greatest(shortest, floor_days))
                 OR upper_bound > now() - make_interval(days => floor_days);
      EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM public.%I p LEFT JOIN public.tenants t ON t.id = p.tenant_id
                         WHERE t.retention_days IS NULL OR $1 > $2 - make_interval(days => greatest(t.retention_days, $3)))',
        part.relname) INTO alive USING upper_bound, p_now, floor_days;
      IF NOT alive THEN
        EXECUTE format('ALTER TABLE public.%I DETACH PARTITION public.%I', parent, part.relname);
        EXECUTE format('DROP TABLE public.%I', part.relname);
        dropped := dropped || part.relname::text;
      END IF;
    END LOOP;
  END LOOP;
  RETURN dropped;
END
$fn$`,
  ];
}
