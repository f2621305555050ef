/**
 * Scale-out on Citus (docs/scale-out.md). Nothing here changes a single-node database: the
 * functions exist everywhere, and only a Citus coordinator calls them.
 *
 * - `app.set_context(...)`: how `withActor` sets a context on Citus. Citus sends `SET LOCAL`
 *   commands to the workers it opens in the transaction (with `citus.propagate_set_commands =
 *   'local'`), never `set_config` values — which is how the single-node path sets them (in one
 *   statement, parameters bound). Here each value is quoted by `format(%L)`.
 * - `app.distribute()`: the distribute step. Tables without a tenant, `tenants` and
 *   `tenant_memberships` become reference tables (on every node: the RLS helpers read them
 *   locally, and a distributed table may point at them); every other table with a `tenant_id`
 *   is distributed by it, all colocated (one tenant's rows of every table on one node). Foreign
 *   keys are dropped first and added back after (Citus distributes a table only when its keys
 *   point at tables already distributed); policies lose their `(select app.f())` InitPlan
 *   wrappers (Citus refuses subqueries in policies; single-node keeps them, measured faster).
 *   Idempotent: run it again after every upgrade that adds tables or policies.
 */
import { DEFAULT_ROLES } from '../rls/roles.js';
import { actorSnapshotFunction, citusHelperVariants, citusTriggerVariants } from './citus-variants.js';
import { DEFINER } from './functions.js';
import { citusPurgeStepFunction, retentionBatchFunction } from './purge.js';

/** Tables replicated to every node besides those without a tenant column: the tenant directory. */
export const CITUS_REFERENCE_TABLES = ['tenants', 'tenant_memberships'] as const;

export function citusStatements(): string[] {
  const { app, anon, service } = DEFAULT_ROLES;
  const reference: readonly string[] = CITUS_REFERENCE_TABLES;
  return [
    `CREATE OR REPLACE FUNCTION app.set_context(
  p_search_path text, p_claims text, p_sub text, p_claim_role text, p_statement_timeout text, p_lock_timeout text, p_role text)
  RETURNS void
  LANGUAGE plpgsql
AS $fn$
BEGIN
  SET LOCAL citus.propagate_set_commands = 'local';
  PERFORM set_config('search_path', p_search_path, true);
  EXECUTE format('SET LOCAL request.jwt.claims = %L', p_claims);
  EXECUTE format('SET LOCAL request.jwt.claim.sub = %L', p_sub);
  EXECUTE format('SET LOCAL request.jwt.claim.role = %L', p_claim_role);
  EXECUTE format('SET LOCAL statement_timeout = %L', p_statement_timeout);
  EXECUTE format('SET LOCAL lock_timeout = %L', p_lock_timeout);
  -- the actor's memberships for the helpers, read now (before the role switch: see app.actor_snapshot)
  EXECUTE format('SET LOCAL app.actor = %L', CASE WHEN p_role IN ('${app}', '${anon}') THEN app.actor_snapshot()::text ELSE '' END);
  IF p_role = 'none' THEN
    RESET ROLE;
  ELSE
    EXECUTE format('SET LOCAL ROLE %I', p_role);
  END IF;
END
$fn$`,
    // The shards of \`rel\` placed on this node (only \`tenant\`'s shard, when given): a
    // reference table has one on every node; a node without placements has none.
    `CREATE OR REPLACE FUNCTION app.local_shards(rel regclass, tenant uuid DEFAULT NULL)
  RETURNS SETOF text
  LANGUAGE plpgsql STABLE ${DEFINER}
AS $fn$
BEGIN
  -- PL/pgSQL: created everywhere, it reads Citus' catalogs only when called (on Citus)
  RETURN QUERY
  SELECT format('%I.%I', n.nspname, k.relname || '_' || s.shardid)
    FROM pg_dist_shard s
    JOIN pg_dist_placement p ON p.shardid = s.shardid
    JOIN pg_class k ON k.oid = s.logicalrelid
    JOIN pg_namespace n ON n.oid = k.relnamespace
   WHERE s.logicalrelid = rel
     AND p.groupid = (SELECT groupid FROM pg_dist_local_group)
     AND (tenant IS NULL OR s.shardid = get_shard_id_for_distribution_column(rel, tenant));
END
$fn$`,
    `REVOKE ALL ON FUNCTION app.local_shards(regclass, uuid) FROM PUBLIC`,
    actorSnapshotFunction(),
    `REVOKE ALL ON FUNCTION app.actor_snapshot() FROM PUBLIC`,
    `REVOKE ALL ON FUNCTION app.set_context(text, text, text, text, text, text, text) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION app.set_context(text, text, text, text, text, text, text) TO "${app}", "${service}", "${anon}"`,
    `CREATE OR REPLACE FUNCTION app.distribute()
  RETURNS TABLE (step text, object text, detail text)
  LANGUAGE plpgsql
  SET search_path = public, pg_catalog
AS $distribute$
DECLARE
  r record;
  q text;
  c text;
  initplan constant text := '\\( SELECT (app\\.\\w+\\([^()]*\\)) AS \\w+\\)';
  reference constant text[] := ARRAY[${reference.map((t) => `'${t}'`).join(', ')}];
  variants constant text[] := ARRAY[${[...citusHelperVariants(), ...citusTriggerVariants(), citusPurgeStepFunction(), retentionBatchFunction(true)].map((v, i) => `$v${i}$${v}$v${i}$`).join(',\n    ')}];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RAISE EXCEPTION 'app.distribute() needs a Citus coordinator: the citus extension is not installed here'
      USING ERRCODE = 'feature_not_supported';
  END IF;
  SET LOCAL citus.enable_unsafe_triggers = on;
  SET LOCAL citus.multi_shard_modify_mode = 'sequential';

  -- policies: direct helper calls instead of InitPlan subqueries
  FOR r IN SELECT p.polname, p.polrelid::regclass::text AS tbl,
                  pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS chk
             FROM pg_policy p JOIN pg_class k ON k.oid = p.polrelid JOIN pg_namespace n ON n.oid = k.relnamespace
            WHERE n.nspname = 'public' LOOP
    q := regexp_replace(r.qual, initplan, '\\1', 'g');
    c := regexp_replace(r.chk, initplan, '\\1', 'g');
    IF q IS DISTINCT FROM r.qual OR c IS DISTINCT FROM r.chk THEN
      EXECUTE format('ALTER POLICY %I ON %s', r.polname, r.tbl)
        || CASE WHEN q IS NOT NULL THEN format(' USING (%s)', q) ELSE '' END
        || CASE WHEN c IS NOT NULL THEN format(' WITH CHECK (%s)', c) ELSE '' END;
      step := 'policy'; object := r.tbl || '.' || r.polname; detail := 'helper calls without subqueries'; RETURN NEXT;
    END IF;
  END LOOP;

  -- foreign keys of tables not yet distributed: saved, dropped, added back at the end
  CREATE TEMP TABLE IF NOT EXISTS app_distribute_fks (tbl text, conname text, def text) ON COMMIT DROP;
  FOR r IN SELECT k.conrelid::regclass::text AS tbl, k.conname, pg_get_constraintdef(k.oid) AS def
             FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE k.contype = 'f' AND n.nspname = 'public' AND NOT t.relispartition
              AND (NOT EXISTS (SELECT 1 FROM pg_dist_partition d WHERE d.logicalrelid = k.conrelid)
                OR NOT EXISTS (SELECT 1 FROM pg_dist_partition d WHERE d.logicalrelid = k.confrelid)) LOOP
    INSERT INTO app_distribute_fks VALUES (r.tbl, r.conname, r.def);
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
  END LOOP;

  -- reference tables: no tenant column, or the tenant directory
  FOR r IN SELECT t.oid::regclass::text AS tbl FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND NOT t.relispartition
              AND (t.relname = ANY (reference)
                OR NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
              AND NOT EXISTS (SELECT 1 FROM pg_dist_partition d WHERE d.logicalrelid = t.oid)
            ORDER BY 1 LOOP
    PERFORM create_reference_table(r.tbl);
    step := 'reference'; object := r.tbl; detail := 'on every node'; RETURN NEXT;
  END LOOP;
  -- distributed tables: by tenant_id, colocated
  FOR r IN SELECT t.oid::regclass::text AS tbl FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND NOT t.relispartition
              AND NOT EXISTS (SELECT 1 FROM pg_dist_partition d WHERE d.logicalrelid = t.oid)
            ORDER BY 1 LOOP
    PERFORM create_distributed_table(r.tbl, 'tenant_id');
    step := 'distributed'; object := r.tbl; detail := 'by tenant_id'; RETURN NEXT;
  END LOOP;

  -- foreign keys back; one Citus refuses (ON DELETE SET NULL over the distribution column) is reported
  FOR r IN SELECT * FROM app_distribute_fks ORDER BY tbl, conname LOOP
    BEGIN
      EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
    EXCEPTION WHEN others THEN
      step := 'foreign key not kept'; object := r.tbl || '.' || r.conname; detail := SQLERRM; RETURN NEXT;
    END;
  END LOOP;

  -- functions whose first argument is the tenant run on the node holding that tenant's shards
  -- (a call is sent there whole, even inside a transaction: force_delegation)
  FOR r IN SELECT p.oid::regprocedure::text AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'app' AND p.proargnames[1] = 'p_tenant' AND p.proargtypes[0] = 'uuid'::regtype
              AND p.prokind = 'f' AND p.proname <> 'chunk_candidates'
              AND NOT EXISTS (SELECT 1 FROM pg_dist_object o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid AND o.distribution_argument_index IS NOT NULL)
            ORDER BY 1 LOOP
    PERFORM create_distributed_function(r.fn::regprocedure, 'p_tenant'::text, colocate_with := 'projects'::text, force_delegation := true);
    step := 'function'; object := r.fn; detail := 'runs on the node of its tenant'; RETURN NEXT;
  END LOOP;

  -- trigger functions that write only to this node's shards (src/sql/citus-variants.ts)
  FOREACH q IN ARRAY variants LOOP
    EXECUTE q;
  END LOOP;
  step := 'functions'; object := array_length(variants, 1)::text; detail := 'RLS helpers and trigger functions that read and write this node''s shards'; RETURN NEXT;
  -- RLS helpers and triggers read and write their tenant's colocated shards from inside a shard
  EXECUTE format('ALTER DATABASE %I SET citus.allow_nested_distributed_execution = on', current_database());
  step := 'setting'; object := current_database(); detail := 'citus.allow_nested_distributed_execution = on'; RETURN NEXT;

  -- Citus opens its connections to the workers as the current role
  FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN ('${app}', '${anon}', '${service}') AND NOT rolcanlogin LOOP
    EXECUTE format('ALTER ROLE %I LOGIN', r.rolname);
    step := 'role'; object := r.rolname; detail := 'may log in (workers are contacted as the acting role)'; RETURN NEXT;
  END LOOP;
END
$distribute$`,
    `REVOKE ALL ON FUNCTION app.distribute() FROM PUBLIC`,
  ];
}
