/**
 * Trigger functions as they must run on Citus, installed by app.distribute() (src/sql/citus.ts)
 * over the single-node ones of src/sql/functions.ts, whose behaviour they keep.
 *
 * A trigger on a reference table fires on every node's copy of it, and a write from inside a
 * shard to a distributed or reference table opens new connections outside the transaction.
 * So these write to the *local* shards only (app.local_shards): each copy of a reference table
 * updates its own node's copies (every node makes the same write), and a write to one
 * tenant's rows happens on the one node holding that tenant's shards (audit rows exactly once).
 * Timestamps are passed explicitly, so the copies of a reference table stay equal.
 */
import { SECRET_COLUMNS } from '../rls/policies.js';
import { DEFINER } from './functions.js';
import { ACTOR_DECLARE, head } from '../rls/helpers.js';

export function citusTriggerVariants(): string[] {
  const secret = `ARRAY[${SECRET_COLUMNS.map((c) => `'${c}'`).join(', ')}]`;
  return [
    `CREATE OR REPLACE FUNCTION app.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  r jsonb := coalesce(new_row, old_row);
  secret text[] := ${secret};
  tbl text := coalesce(TG_ARGV[0], TG_TABLE_NAME);
  tenant uuid := CASE WHEN coalesce(TG_ARGV[0], TG_TABLE_NAME) = 'tenants' THEN (r ->> 'id')::uuid ELSE (r ->> 'tenant_id')::uuid END;
  shard text;
BEGIN
  FOR shard IN SELECT app.local_shards('public.audit_logs'::regclass, tenant) LOOP
    EXECUTE format('INSERT INTO %s (tenant_id, project_id, actor_id, action, table_name, record_id, old_data, new_data, ip_address, user_agent, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', shard)
      USING tenant, (r ->> 'project_id')::uuid, app.current_user_id(), TG_OP, tbl,
            coalesce(r ->> 'id', r ->> 'user_id', r ->> 'tenant_id'), old_row - secret, new_row - secret,
            CASE WHEN app.claim('ip') ~ '^[0-9a-fA-F:.]+$' THEN app.claim('ip')::inet END, app.claim('user_agent'),
            transaction_timestamp();
  END LOOP;
  RETURN NULL;
END
$fn$`,
    `CREATE OR REPLACE FUNCTION app.on_user_created() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  domain text := lower(split_part(NEW.email, '@', 2));
  global_tenant uuid;
  joined integer := 0;
  n integer;
  shard text;
  tenants_here text := (SELECT app.local_shards('public.tenants'::regclass) LIMIT 1);
  at timestamptz := NEW.created_at;
BEGIN
  -- seed 002: profile defaults; seed 001: join the tenants that verified this e-mail domain
  FOR shard IN SELECT app.local_shards('public.user_profiles'::regclass) LOOP
    EXECUTE format('INSERT INTO %s (user_id, created_at, updated_at) VALUES ($1, $2, $2) ON CONFLICT DO NOTHING', shard) USING NEW.id, at;
  END LOOP;
  FOR shard IN SELECT app.local_shards('public.tenant_memberships'::regclass) LOOP
    EXECUTE format('INSERT INTO %s (tenant_id, user_id, role, created_at, updated_at)
                    SELECT t.id, $1, ''member'', $3, $3 FROM %s t
                     WHERE NOT t.is_global AND t.status = ''active'' AND t.deleted_at IS NULL AND $2 = ANY (t.company_email_domains)
                    ON CONFLICT DO NOTHING', shard, tenants_here) USING NEW.id, domain, at;
    GET DIAGNOSTICS joined = ROW_COUNT;
  END LOOP;
  -- seed 001: the global tenant, with a personal project (on the node holding its shards)
  IF tenants_here IS NOT NULL THEN
    EXECUTE format('SELECT t.id FROM %s t WHERE t.is_global AND t.deleted_at IS NULL', tenants_here) INTO global_tenant;
  END IF;
  IF global_tenant IS NOT NULL THEN
    FOR shard IN SELECT app.local_shards('public.tenant_memberships'::regclass) LOOP
      EXECUTE format('INSERT INTO %s (tenant_id, user_id, role, created_at, updated_at) VALUES ($1, $2, ''member'', $3, $3) ON CONFLICT DO NOTHING', shard)
        USING global_tenant, NEW.id, at;
      GET DIAGNOSTICS n = ROW_COUNT;
      joined := joined + n;
    END LOOP;
    FOR shard IN SELECT app.local_shards('public.projects'::regclass, global_tenant) LOOP
      EXECUTE format('INSERT INTO %s (tenant_id, name, description, is_personal, owner_id, created_by)
                      VALUES ($1, $2, ''Personal project space'', true, $3, $3) ON CONFLICT DO NOTHING', shard)
        USING global_tenant, coalesce(NEW.email || '''s Personal Project', 'Personal project'), NEW.id;
    END LOOP;
  END IF;
  IF joined > 0 AND NEW.status IN ('waitlist', 'invited') THEN
    FOR shard IN SELECT app.local_shards('public.users'::regclass) LOOP
      EXECUTE format('UPDATE %s SET status = ''active'' WHERE id = $1', shard) USING NEW.id;
    END LOOP;
  END IF;
  RETURN NULL;
END
$fn$`,
    `CREATE OR REPLACE FUNCTION app.activate_member() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  shard text;
BEGIN
  -- this node's copy of users (a reference table's trigger runs on every node)
  FOR shard IN SELECT app.local_shards('public.users'::regclass) LOOP
    EXECUTE format('UPDATE %s SET status = ''active'' WHERE id = $1 AND status IN (''waitlist'', ''invited'')', shard) USING NEW.user_id;
  END LOOP;
  RETURN NULL;
END
$fn$`,
    `CREATE OR REPLACE FUNCTION app.archive_personal_projects() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  shard text;
BEGIN
  IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
    -- every node archives the personal projects in the shards it holds
    FOR shard IN SELECT app.local_shards('public.projects'::regclass) LOOP
      EXECUTE format('UPDATE %s SET status = ''archived'', deleted_at = $2,
                        settings = settings || jsonb_build_object(''archived_reason'', ''user_deleted'')
                      WHERE is_personal AND owner_id = $1 AND deleted_at IS NULL', shard) USING NEW.id, NEW.deleted_at;
    END LOOP;
  END IF;
  RETURN NULL;
END
$fn$`,
  ];
}

/**
 * The actor's memberships, computed once per context on the coordinator (app.set_context,
 * before it switches to the acting role) and sent to the workers with the claims as the
 * transaction-local setting `app.actor`: on Citus a policy on a shard may not read other
 * distributed tables (nested distributed execution), and on the coordinator a definer helper
 * may not read placements the acting role has written in the transaction. The helpers below
 * answer from it. It is as trusted as the claims it is derived from (both are settings only
 * the connection that opened the transaction sets), and as fresh as the context: a membership
 * granted later in the same transaction counts from the next one.
 */
export function actorSnapshotFunction(): string {
  const member = `FROM public.tenant_memberships m
      JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
     WHERE m.tenant_id = t AND m.user_id = u`;
  return `${head('actor_snapshot()', 'jsonb')}
${ACTOR_DECLARE}
  tid uuid;
  trole text;
BEGIN
  IF u IS NULL THEN RETURN jsonb_build_object('user', NULL); END IF;
  IF t IS NOT NULL THEN
    SELECT m.tenant_id, m.role::text INTO tid, trole ${member};
  END IF;
  RETURN jsonb_build_object(
    'user', u,
    'tenant', tid,
    'tenant_role', trole,
    'tenants', coalesce((SELECT jsonb_agg(m.tenant_id) FROM public.tenant_memberships m WHERE m.user_id = u), '[]'),
    'system_admin', EXISTS (SELECT 1 FROM public.system_admins a WHERE a.user_id = u),
    'members', CASE WHEN tid IS NULL THEN '[]' ELSE coalesce((SELECT jsonb_agg(o.user_id) FROM public.tenant_memberships o WHERE o.tenant_id = tid), '[]') END,
    'projects', CASE WHEN tid IS NULL THEN '{}' ELSE coalesce((SELECT jsonb_object_agg(pm.project_id, pm.role::text) FROM public.project_members pm
                     WHERE pm.tenant_id = tid AND pm.user_id = u), '{}') END,
    'foreign_personal_projects', CASE WHEN tid IS NULL THEN '[]' ELSE coalesce((SELECT jsonb_agg(p.id) FROM public.projects p
                     WHERE p.tenant_id = tid AND p.is_personal AND p.owner_id IS DISTINCT FROM u), '[]') END,
    'foreign_personal_sessions', CASE WHEN tid IS NULL THEN '[]' ELSE coalesce((SELECT jsonb_agg(cs.id) FROM public.chat_sessions cs
                     JOIN public.projects p ON p.tenant_id = cs.tenant_id AND p.id = cs.project_id
                     WHERE cs.tenant_id = tid AND p.is_personal AND p.owner_id IS DISTINCT FROM u), '[]') END,
    'sessions', CASE WHEN tid IS NULL THEN '[]' ELSE coalesce((SELECT jsonb_agg(DISTINCT s.id) FROM public.chat_sessions s
                     WHERE s.tenant_id = tid AND (s.user_id = u
                       OR EXISTS (SELECT 1 FROM public.chat_participants p WHERE p.tenant_id = tid AND p.session_id = s.id AND p.user_id = u)
                       OR EXISTS (SELECT 1 FROM public.project_members pm WHERE pm.tenant_id = tid AND pm.project_id = s.project_id AND pm.user_id = u))), '[]') END,
    'writable_sessions', CASE WHEN tid IS NULL THEN '[]' ELSE coalesce((SELECT jsonb_agg(DISTINCT s.id) FROM public.chat_sessions s
                     WHERE s.tenant_id = tid AND (s.user_id = u
                       OR EXISTS (SELECT 1 FROM public.chat_participants p WHERE p.tenant_id = tid AND p.session_id = s.id AND p.user_id = u))), '[]') END,
    'assigned_tasks', CASE WHEN tid IS NULL THEN '[]' ELSE coalesce((SELECT jsonb_agg(k.id) FROM public.tasks k
                     WHERE k.tenant_id = tid AND k.assignee_id = u), '[]') END
  );
END
$fn$`;
}

/**
 * A query over `{table}` placeholders rewritten to this node's shards of those tables (the
 * tenant's shard of a distributed table; a reference table's copy), or NULL when a table has
 * none here: on a worker without the tenant's shards no row of the tenant can be either, and
 * the coordinator holds no shards of distributed tables.
 */
export function citusSqlFunction(): string {
  return `CREATE OR REPLACE FUNCTION app.citus_sql(q text, tenant uuid)
  RETURNS text
  LANGUAGE plpgsql STABLE ${DEFINER}
AS $fn$
DECLARE
  out text := q;
  name text;
  shard text;
BEGIN
  FOR name IN SELECT DISTINCT (regexp_matches(q, '\\{(\\w+)\\}', 'g'))[1] LOOP
    shard := (SELECT s FROM app.local_shards(format('public.%I', name)::regclass, tenant) s LIMIT 1);
    IF shard IS NULL THEN RETURN NULL; END IF;
    out := replace(out, '{' || name || '}', shard);
  END LOOP;
  RETURN out;
END
$fn$`;
}

/**
 * The RLS helpers of src/rls/helpers.ts as they run on Citus, with the same answers:
 * - on a worker (where policies are checked), from this node's shards, read live in the
 *   transaction (a session created a statement ago counts, as on one node);
 * - on the coordinator (which evaluates some of them while planning), from the actor snapshot
 *   made when the context began — reading distributed tables there, as the definer, in a
 *   transaction the acting role has written to, is refused by Citus;
 * - on a worker without the tenant's shards: none (no row of the tenant is there to allow).
 * The tenant membership itself is read from the reference tables, local on every node.
 */
export function citusHelperVariants(): string[] {
  const member = `SELECT m.tenant_id FROM {tenant_memberships} m
      JOIN {tenants} tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
     WHERE m.tenant_id = $1 AND m.user_id = $2`;
  const fn = (signature: string, returns: string, empty: string, body: string) => `${head(signature, returns)}
${ACTOR_DECLARE}
  a jsonb := nullif(current_setting('app.actor', true), '')::jsonb;
  coordinator boolean := (SELECT groupid = 0 FROM pg_dist_local_group);
  tid uuid;
  q text;
  r ${returns};
BEGIN
  -- a snapshot speaks only for the user and tenant of the claims it was made from
  IF a IS NULL OR u IS NULL OR (a ->> 'user')::uuid IS DISTINCT FROM u THEN a := '{}'; END IF;
  IF t IS NULL OR (a ->> 'tenant')::uuid IS DISTINCT FROM t THEN a := a - 'tenant'; END IF;
${body.replace(/\$EMPTY/g, empty)}
END
$fn$`;
  const tenantOf = `  IF u IS NULL OR t IS NULL THEN RETURN $EMPTY; END IF;
  q := app.citus_sql($q$${member}$q$, t);
  IF q IS NOT NULL THEN
    EXECUTE q INTO tid USING t, u;
  ELSE
    tid := (a ->> 'tenant')::uuid;
  END IF;
  IF tid IS NULL THEN RETURN $EMPTY; END IF;`;
  /** live from this node's shards; else the snapshot on the coordinator; else none */
  const live = (sqlText: string, using: string, snapshot: string) => `  q := app.citus_sql($q$${sqlText}$q$, tid);
  IF q IS NOT NULL THEN
    EXECUTE q INTO r USING ${using};
    RETURN coalesce(r, $EMPTY);
  END IF;
  IF coordinator THEN
    RETURN coalesce(${snapshot}, $EMPTY);
  END IF;
  RETURN $EMPTY;`;
  const snapIds = (key: string) => `(SELECT array_agg(x::uuid) FROM jsonb_array_elements_text(a -> '${key}') x)`;
  const sessions = (projects: boolean) =>
    live(
      `SELECT array_agg(DISTINCT s.id) FROM {chat_sessions} s
        WHERE s.tenant_id = $1 AND (s.user_id = $2
          OR EXISTS (SELECT 1 FROM {chat_participants} p WHERE p.tenant_id = $1 AND p.session_id = s.id AND p.user_id = $2)${
            projects
              ? `
          OR EXISTS (SELECT 1 FROM {project_members} pm WHERE pm.tenant_id = $1 AND pm.project_id = s.project_id AND pm.user_id = $2)`
              : ''
          })`,
      'tid, u',
      snapIds(projects ? 'sessions' : 'writable_sessions'),
    );
  return [
    citusSqlFunction(),
    fn('current_tenant_id()', 'uuid', 'NULL', `${tenantOf}
  RETURN tid;`),
    fn(
      'current_tenant_role()',
      'text',
      'NULL',
      `${tenantOf}
${live(`SELECT m.role::text FROM {tenant_memberships} m WHERE m.tenant_id = $1 AND m.user_id = $2`, 'tid, u', `a ->> 'tenant_role'`)}`,
    ),
    fn(
      'has_tenant_role(min_role text)',
      'boolean',
      'false',
      `${tenantOf}
${live(
        `SELECT m.role <= $3::public.tenant_role FROM {tenant_memberships} m WHERE m.tenant_id = $1 AND m.user_id = $2`,
        'tid, u, min_role',
        `(a ->> 'tenant_role')::public.tenant_role <= min_role::public.tenant_role`,
      )}`,
    ),
    fn(
      'my_tenant_ids()',
      'uuid[]',
      `'{}'::uuid[]`,
      `  IF u IS NULL THEN RETURN $EMPTY; END IF;
  tid := t;
${live(`SELECT array_agg(m.tenant_id) FROM {tenant_memberships} m WHERE m.user_id = $1`, 'u', snapIds('tenants'))}`,
    ),
    fn(
      'current_tenant_member_ids()',
      'uuid[]',
      `'{}'::uuid[]`,
      `${tenantOf}
${live(`SELECT array_agg(o.user_id) FROM {tenant_memberships} o WHERE o.tenant_id = $1`, 'tid', snapIds('members'))}`,
    ),
    fn(
      'my_project_ids(min_role text)',
      'uuid[]',
      `'{}'::uuid[]`,
      `${tenantOf}
${live(
        `SELECT array_agg(pm.project_id) FROM {project_members} pm WHERE pm.tenant_id = $1 AND pm.user_id = $2 AND pm.role <= $3::public.project_role`,
        'tid, u, min_role',
        `(SELECT array_agg(e.key::uuid) FROM jsonb_each_text(a -> 'projects') e WHERE e.value::public.project_role <= min_role::public.project_role)`,
      )}`,
    ),
    fn(
      'foreign_personal_project_ids()',
      'uuid[]',
      `'{}'::uuid[]`,
      `${tenantOf}
${live(
        `SELECT array_agg(p.id) FROM {projects} p WHERE p.tenant_id = $1 AND p.is_personal AND p.owner_id IS DISTINCT FROM $2`,
        'tid, u',
        snapIds('foreign_personal_projects'),
      )}`,
    ),
    fn(
      'foreign_personal_session_ids()',
      'uuid[]',
      `'{}'::uuid[]`,
      `${tenantOf}
${live(
        `SELECT array_agg(cs.id) FROM {chat_sessions} cs JOIN {projects} p ON p.tenant_id = cs.tenant_id AND p.id = cs.project_id
          WHERE cs.tenant_id = $1 AND p.is_personal AND p.owner_id IS DISTINCT FROM $2`,
        'tid, u',
        snapIds('foreign_personal_sessions'),
      )}`,
    ),
    fn('my_session_ids()', 'uuid[]', `'{}'::uuid[]`, `${tenantOf}
${sessions(true)}`),
    fn('my_writable_session_ids()', 'uuid[]', `'{}'::uuid[]`, `${tenantOf}
${sessions(false)}`),
    fn(
      'my_assigned_task_ids()',
      'uuid[]',
      `'{}'::uuid[]`,
      `${tenantOf}
${live(`SELECT array_agg(k.id) FROM {tasks} k WHERE k.tenant_id = $1 AND k.assignee_id = $2`, 'tid, u', snapIds('assigned_tasks'))}`,
    ),
    fn(
      'is_system_admin()',
      'boolean',
      'false',
      `  IF u IS NULL THEN RETURN false; END IF;
  tid := t;
${live(`SELECT EXISTS (SELECT 1 FROM {system_admins} a WHERE a.user_id = $1)`, 'u', `(a ->> 'system_admin')::boolean`)}`,
    ),
  ];
}
