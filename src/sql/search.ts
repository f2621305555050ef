/**
 * Search support kept by the database.
 *
 * `app.chunk_candidates`: the ids of the chunks that a search's indexable filters select
 * (metadata containment, tags, a full-text query), found through the GIN indexes. Under RLS those indexes are
 * out of reach of the caller's own query: `@>`, `&&` and `@@` are not LEAKPROOF, so PostgreSQL
 * evaluates them only after the policy, row by row — a 1 % metadata filter in a 100k-row tenant
 * read every row of the tenant (85 ms, bench P9), and so did every full-text query of a
 * hybrid search (96 ms for a one-row match). The function runs as its owner so the
 * indexes serve it, and applies the chunks SELECT policy itself, generated from the same
 * declaration as the policy (a test compares its answers with a plain SELECT for every kind of
 * actor): it never returns a row its caller could not read. The search then fetches those
 * ids under RLS, every filter applied again (the primary key serves `id = any(…)`: uuid
 * equality is leakproof).
 */
import { TABLE_ACCESS } from '../rls/policies.js';
import { DEFAULT_ROLES } from '../rls/roles.js';
import { DEFINER } from './functions.js';

/** The chunks SELECT policies' USING expressions, OR-ed: who may read a chunk. */
export function chunkVisibilitySql(): string {
  const access = TABLE_ACCESS.find((t) => t.table === 'chunks');
  const using = access?.policies.filter((p) => p.command === 'select' && p.using).map((p) => `(${p.using})`) ?? [];
  if (using.length === 0) throw new Error('chunks has no SELECT policy to apply in app.chunk_candidates');
  return using.join(' OR ');
}

export function searchStatements(): string[] {
  const { app, anon, service } = DEFAULT_ROLES;
  return [
    // plpgsql with EXECUTE: planned for the actual values each call, with only the conditions
    // given (a generic plan of "p IS NULL OR metadata @> p" cannot use the GIN index).
    // With p_near: the p_limit candidates nearest to it by cosine distance (ties by id), so a
    // search reads the few it needs, not every candidate twice.
    `CREATE OR REPLACE FUNCTION app.chunk_candidates(
  p_tenant uuid, p_model uuid, p_metadata jsonb, p_tags_all text[], p_tags_any text[], p_text tsquery,
  p_near vector, p_limit integer)
  RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE ${DEFINER}
AS $fn$
DECLARE
  q text := 'SELECT c.id FROM public.chunks c WHERE c.tenant_id = $1 AND c.model_id = $2';
  vec_schema name;
BEGIN
  IF p_metadata IS NOT NULL THEN q := q || ' AND c.metadata @> $3'; END IF;
  IF p_tags_all IS NOT NULL THEN q := q || ' AND c.tags @> $4'; END IF;
  IF p_tags_any IS NOT NULL THEN q := q || ' AND c.tags && $5'; END IF;
  IF p_text IS NOT NULL THEN q := q || ' AND c.search_vector @@ $6'; END IF;
  -- end users see what the chunks SELECT policy lets them; other roles are not under RLS
  IF coalesce(current_setting('role', true), 'none') IN ('${app}', '${anon}') THEN
    q := q || ' AND (${chunkVisibilitySql().replace(/'/g, "''")})';
  END IF;
  IF p_near IS NOT NULL THEN
    -- pgvector's schema (public, or extensions on Supabase): this function's search_path has neither
    SELECT n.nspname INTO vec_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'vector';
    q := q || format(' ORDER BY c.embedding OPERATOR(%I.<=>) $7, c.id', vec_schema);
  END IF;
  RETURN QUERY EXECUTE q || ' LIMIT $8'
    USING p_tenant, p_model, p_metadata, p_tags_all, p_tags_any, p_text, p_near, greatest(p_limit, 0);
END
$fn$`,
    `REVOKE ALL ON FUNCTION app.chunk_candidates(uuid, uuid, jsonb, text[], text[], tsquery, vector, integer) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION app.chunk_candidates(uuid, uuid, jsonb, text[], text[], tsquery, vector, integer) TO "${app}", "${service}"`,
  ];
}
