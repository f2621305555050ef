/**
 * Per-tenant vector indexes (bench P9, docs/benchmarks.md): the shared HNSW index of a
 * dimension serves every tenant at once, and a walk through it misses whole neighbourhoods of
 * a large tenant with tight clusters or near-duplicates (recall 0.6–0.95 measured). A tenant
 * whose scope is too large for an exact search gets an IVFFlat index of its own, partial on
 * (tenant, model): its lists follow the tenant's own clusters, so a query probing the nearest
 * few lists finds its neighbourhood (recall 1.000 on clusters and near-duplicates at 100k
 * rows, measured), with pgvector's iterative scan widening the probe for selective filters.
 *
 * `maintainSearchIndexes` creates, rebuilds (when the tenant's rows doubled since the build:
 * the lists were computed on the rows present then) and drops (when the tenant shrank below
 * half the threshold, or its model is gone) these indexes. Run it from a scheduled job, like
 * `ensurePartitions`; `searchSimilar` uses an index as soon as it is valid.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../db.js';
import { withService } from '../actor.js';
import { LimitError, mapErrors } from '../queries/errors.js';
import { parse, rows, sha256 } from '../queries/util.js';
import { settingsOf } from '../settings.js';

/** pgvector's IVFFlat indexes `vector` of at most 2,000 dimensions. */
export const IVF_MAX_DIMENSIONS = 2000;

/** The deterministic name of the (tenant, model) index. */
export const tenantIndexName = (tenantId: string, modelId: string) =>
  `chunks_ivf_${sha256(`${tenantId}:${modelId}`).slice(0, 20)}`;

/**
 * The expression the per-tenant index orders by: the unit vector of the embedding, by L2
 * distance — the same order as cosine distance (‖a/|a| − b/|b|‖² = 2 · cosine distance), and an
 * expression no other index has, so a query written with it can only be served by this index.
 */
export const unitExpr = (dims: number) => `(l2_normalize(embedding::vector(${dims}))::vector(${dims}))`;

/** The rows at which a scope leaves the exact plan (scaled by 384 / dims, as the search does). */
export const scaledRows = (rows384: number, dims: number) => Math.max(1, Math.floor((rows384 * 384) / dims));

/**
 * Rows per list. pgvector suggests rows / 1000 lists; measured here (bench P9), scanning a list
 * costs ~3.5 µs a row, so shorter lists (~300 rows) keep three probes within a few
 * milliseconds, and tight clusters (~100 rows) still fall within the first few lists.
 */
export const ROWS_PER_LIST = 300;

/** Lists of an IVFFlat index over n rows (at most 4,000: the k-means build grows with lists × rows). */
export const listsFor = (n: number) => Math.max(10, Math.min(4000, Math.round(n / ROWS_PER_LIST)));

export const maintainSearchIndexesParams = z.strictObject({
  /** Rows (at 384 dimensions) from which a tenant's model gets its own index; defaults to the handle's search.exactMaxRows. */
  minRows: z.number().int().min(100).max(100_000_000).optional(),
  /** CREATE / DROP INDEX CONCURRENTLY (writers are not blocked); default on a server, off on PGlite. */
  concurrently: z.boolean().optional(),
  /** Report what would change without changing it. */
  dryRun: z.boolean().default(false),
  /**
   * The k-means of a large index needs more than PostgreSQL's default maintenance_work_mem
   * (64 MB; 672 MB for 500k rows × 384-d, measured): a build refused for memory is retried in
   * a session with what pgvector asked for, up to this many MB.
   */
  maxMemoryMb: z.number().int().min(64).max(65_536).default(4_096),
});

/**
 * Runs an index build; when pgvector refuses it for maintenance_work_mem, once more in a
 * session of its own with the memory it asked for (set on that connection for the build only).
 */
async function buildIndex(db: Db, statement: string, cleanup: string, maxMemoryMb: number): Promise<void> {
  try {
    await db.exec(statement);
    return;
  } catch (err) {
    const m = /memory required is (\d+) MB/.exec(String((err as Error).message));
    if (!m) throw err;
    const need = Number(m[1]) + 64;
    if (need > maxMemoryMb) {
      await db.exec(cleanup);
      throw new LimitError(
        `building a per-tenant search index needs ${m[1]} MB of maintenance_work_mem, over maxMemoryMb (${maxMemoryMb})`,
        'maxMemoryMb',
        need,
      );
    }
    // a refused CONCURRENTLY build leaves an invalid index behind
    await db.exec(cleanup);
    await db.exec(statement, { maintenance_work_mem: `${need}MB` });
  }
}



export interface SearchIndexAction {
  action: 'create' | 'rebuild' | 'drop';
  index: string;
  tenantId: string;
  modelId: string;
  dims: number;
  rows: number;
  lists?: number;
}

interface Existing {
  index: string;
  tenantId: string;
  modelId: string;
  dims: number;
  valid: boolean;
  builtRows: number;
}

/** The per-tenant indexes present, with the row count each was built on (in its comment). */
export async function listSearchIndexes(db: Db): Promise<Existing[]> {
  return mapErrors(() => withService(db, readIndexes));
}

async function readIndexes(db: DbOrTx): Promise<Existing[]> {
  const list = await rows<{ index: string; valid: boolean; note: string | null }>(
    db,
    sql`select c.relname as index, i.indisvalid and i.indisready as valid, obj_description(c.oid, 'pg_class') as note
        from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = 'chunks'::regclass and c.relname like 'chunks\_ivf\_%'
        order by c.relname`,
  );
  return list.map((r) => {
    let meta: { tenantId?: string; modelId?: string; dims?: number; rows?: number } = {};
    try {
      meta = JSON.parse(r.note ?? '{}');
    } catch {
      /* an index without our comment: treated as stale below */
    }
    return {
      index: r.index,
      tenantId: meta.tenantId ?? '',
      modelId: meta.modelId ?? '',
      dims: Number(meta.dims ?? 0),
      valid: r.valid,
      builtRows: Number(meta.rows ?? 0),
    };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates, rebuilds and drops the per-tenant IVFFlat indexes (see the module comment).
 * Each step is idempotent (a run stopped half-way is completed by the next); run it from one
 * scheduler, not from every process. Returns what it did (or, with `dryRun`, would do).
 */
export async function maintainSearchIndexes(
  db: Db,
  params: z.input<typeof maintainSearchIndexesParams> = {},
): Promise<SearchIndexAction[]> {
  const p = parse(maintainSearchIndexesParams, params, 'search index maintenance');
  const minRows = p.minRows ?? settingsOf(db).search.exactMaxRows;
  return mapErrors(async () => {
    const scopes = await withService(db, (tx) =>
      rows<{ tenant_id: string; model_id: string; dims: number; n: number }>(
        tx,
        sql`select c.tenant_id, c.model_id, c.dims, count(*)::int as n
            from chunks c join embedding_models m on m.tenant_id = c.tenant_id and m.id = c.model_id
            where c.dims <= ${IVF_MAX_DIMENSIONS}
            group by 1, 2, 3`,
      ),
    );
    const existing = await withService(db, readIndexes);
    const byName = new Map(existing.map((e) => [e.index, e]));
    const actions: SearchIndexAction[] = [];
    const wanted = new Set<string>();
    for (const s of scopes) {
      const threshold = scaledRows(minRows, s.dims);
      const name = tenantIndexName(s.tenant_id, s.model_id);
      const have = byName.get(name);
      const keep = have && have.valid && have.dims === s.dims && s.n >= Math.floor(threshold / 2);
      if (keep) wanted.add(name);
      if (s.n < threshold) continue;
      wanted.add(name);
      const base = { index: name, tenantId: s.tenant_id, modelId: s.model_id, dims: s.dims, rows: s.n };
      if (!have) actions.push({ action: 'create', ...base, lists: listsFor(s.n) });
      else if (!keep || s.n > 2 * Math.max(1, have.builtRows)) actions.push({ action: 'rebuild', ...base, lists: listsFor(s.n) });
    }
    for (const e of existing)
      if (!wanted.has(e.index))
        actions.push({ action: 'drop', index: e.index, tenantId: e.tenantId, modelId: e.modelId, dims: e.dims, rows: 0 });
    if (p.dryRun || actions.length === 0) return actions;

    // CONCURRENTLY (no lock on writers) runs outside a transaction: one statement at a time,
    // each idempotent, so a run that stops half-way is completed by the next one
    const cc = (p.concurrently ?? db.kind === 'server') ? ' concurrently' : '';
    for (const a of actions) {
      if (a.action === 'drop') {
        await db.exec(`drop index${cc} if exists ${a.index}`);
        continue;
      }
      if (!UUID.test(a.tenantId) || !UUID.test(a.modelId) || !Number.isInteger(a.dims)) continue;
      // a rebuild builds the new index under a temporary name, then swaps: searches keep an index
      const target = a.action === 'rebuild' ? `${a.index}_new` : a.index;
      await db.exec(`drop index${cc} if exists ${target}`);
      await buildIndex(
        db,
        `create index${cc} ${target} on chunks using ivfflat ((${unitExpr(a.dims)}) vector_l2_ops) with (lists = ${a.lists})
         where tenant_id = '${a.tenantId}'::uuid and model_id = '${a.modelId}'::uuid and dims = ${a.dims}`,
        `drop index${cc} if exists ${target}`,
        p.maxMemoryMb,
      );
      const note = JSON.stringify({ tenantId: a.tenantId, modelId: a.modelId, dims: a.dims, rows: a.rows, lists: a.lists });
      await db.exec(`comment on index ${target} is '${note}'`);
      if (a.action === 'rebuild') {
        await db.exec(`drop index${cc} if exists ${a.index}`);
        await db.exec(`alter index ${target} rename to ${a.index}`);
      }
    }
    settingsOf(db).caches.tenantIndexes.clear();
    return actions;
  });
}
