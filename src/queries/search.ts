/**
 * Vector search: ingestion of chunks with their embeddings, top-k similarity search with
 * filters and a per-query plan, hybrid (full-text + vector) search, source maintenance.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import { chunkSourceType, chunks, embeddingModels, INDEXED_DIMENSIONS } from '../schema/knowledge.js';
import { LimitError, NotFoundError, ValidationError } from './errors.js';
import type { Limits } from '../settings.js';
import { settingsOf } from '../settings.js';
import { IVF_MAX_DIMENSIONS, tenantIndexName, unitExpr } from '../jobs/searchIndexes.js';
import { atomic, id, jsonValue, nonBlank, parse, pgArray, pgText, rows, sha256, single } from './util.js';

const FLOAT32_MAX = 3.4028234663852886e38;
/**
 * An embedding: 1..16000 finite numbers within float32 range (pgvector stores float32), not
 * the zero vector once stored (its cosine distance to anything is undefined: NaN — found by
 * the fuzz suite). Checked in one loop rather than one zod schema per element (ingesting
 * 1,000 × 384-d chunks validates 384k numbers; per-element schemas cost more than the
 * INSERT — bench P6).
 */
export const embeddingSchema = z.custom<number[]>(
  (v) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.length <= 16000 &&
    v.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= FLOAT32_MAX) &&
    v.some((x) => Math.fround(x) !== 0),
  {
    message: 'an embedding is an array of 1..16000 finite float32 numbers, not all zero',
  },
);
const chunkInput = z.strictObject({
  sourceType: z.enum(chunkSourceType.enumValues),
  /** The document (for document revisions), ingested object, upload or file. */
  sourceId: id,
  /** Required for document_revision chunks: the revision they were cut from. */
  documentRev: z.number().int().min(1).optional(),
  objectId: id.optional(),
  projectId: id.optional(),
  chunkIndex: z.number().int().min(0).max(1_000_000),
  heading: pgText(1000).optional(),
  content: nonBlank(100_000),
  url: pgText(4000).optional(),
  metadata: z.record(z.string(), jsonValue).optional(),
  tags: z.array(pgText(200)).max(100).optional(),
  keywords: z.array(pgText(200)).max(200).optional(),
  embedding: embeddingSchema,
});
export type ChunkInput = z.input<typeof chunkInput>;

export const ingestChunksParams = z.strictObject({
  tenantId: id,
  modelId: id,
  /** Default project of the chunks (each chunk may name its own). */
  projectId: id.optional(),
  chunks: z.array(chunkInput).min(1).max(200_000),
  /** Rows per INSERT (one round trip each). */
  batchSize: z.number().int().min(1).max(4000).default(500),
});
export type IngestChunksParams = z.input<typeof ingestChunksParams>;

export interface IngestResult {
  /** Chunks written now. */
  inserted: number;
  /** Chunks already there (same source, index, content and model): skipped. */
  skipped: number;
  batches: number;
}

export interface IngestOptions {
  /** Called after each batch with the chunks processed so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Inserts chunks in multi-row batches, idempotent by (source, chunk index, content hash,
 * model): a retried ingest writes each chunk exactly once. Every embedding's length is
 * checked against the model's registered dimension first: a mismatch is a ValidationError
 * naming the chunk, and nothing is written.
 */
export async function ingestChunks(
  db: DbOrTx,
  params: IngestChunksParams,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const p = parse(ingestChunksParams, params, 'chunks');
  return atomic(db, async (tx) => {
    const [model] = await tx
      .select({ dimensions: embeddingModels.dimensions })
      .from(embeddingModels)
      .where(and(eq(embeddingModels.tenantId, p.tenantId), eq(embeddingModels.id, p.modelId)));
    if (!model) throw new NotFoundError(`embedding model ${p.modelId} not found`);
    const bad = p.chunks.findIndex((c) => c.embedding.length !== model.dimensions);
    if (bad >= 0) {
      throw new ValidationError('invalid chunks', [
        {
          code: 'custom',
          path: ['chunks', bad, 'embedding'],
          message: `embedding has ${p.chunks[bad]!.embedding.length} dimensions, model ${p.modelId} has ${model.dimensions}`,
          input: undefined,
        },
      ]);
    }
    const missingRev = p.chunks.findIndex(
      (c) => (c.sourceType === 'document_revision') !== (c.documentRev !== undefined),
    );
    if (missingRev >= 0) {
      throw new ValidationError('invalid chunks', [
        {
          code: 'custom',
          path: ['chunks', missingRev, 'documentRev'],
          message: 'documentRev is required exactly for document_revision chunks',
          input: undefined,
        },
      ]);
    }
    let inserted = 0;
    let batches = 0;
    for (let i = 0; i < p.chunks.length; i += p.batchSize) {
      const batch = p.chunks.slice(i, i + p.batchSize);
      const out = await tx
        .insert(chunks)
        .values(
          batch.map((c) => ({
            tenantId: p.tenantId,
            projectId: c.projectId ?? p.projectId ?? null,
            sourceType: c.sourceType,
            sourceId: c.sourceId,
            documentRev: c.documentRev ?? null,
            objectId: c.objectId ?? null,
            chunkIndex: c.chunkIndex,
            heading: c.heading ?? null,
            content: c.content,
            contentHash: sha256(c.content),
            url: c.url ?? null,
            metadata: c.metadata ?? {},
            tags: c.tags ?? [],
            keywords: c.keywords ?? [],
            modelId: p.modelId,
            dims: model.dimensions,
            embedding: c.embedding,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: chunks.id });
      inserted += out.length;
      batches++;
      options.onProgress?.(Math.min(i + p.batchSize, p.chunks.length), p.chunks.length);
    }
    if (inserted > 0) settingsOf(tx).caches.scopes.clear();
    return { inserted, skipped: p.chunks.length - inserted, batches };
  });
}

// ====================================================================== search
/**
 * Metadata filters: a small JSON DSL compiled to parameterised SQL only. Paths are arrays of
 * plain keys (letters, digits, `_`, `-`), values are JSON; nothing is ever interpolated.
 */
const pathKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a key of letters, digits, _ or -');
const jsonPath = z.union([pathKey.transform((k) => [k]), z.array(pathKey).min(1).max(8)]);
const scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]);
export type MetadataFilter =
  | { eq: [string | string[], unknown] }
  | { in: [string | string[], unknown[]] }
  | { contains: [string | string[], unknown] }
  | { range: [string | string[], { gt?: number; gte?: number; lt?: number; lte?: number }] }
  | { exists: string | string[] }
  | { and: MetadataFilter[] }
  | { or: MetadataFilter[] }
  | { not: MetadataFilter };
export const metadataFilter: z.ZodType<MetadataFilter> = z.lazy(() =>
  z.union([
    z.strictObject({ eq: z.tuple([jsonPath, jsonValue]) }),
    z.strictObject({ in: z.tuple([jsonPath, z.array(scalar).min(1).max(1000)]) }),
    z.strictObject({ contains: z.tuple([jsonPath, jsonValue]) }),
    z.strictObject({
      range: z.tuple([
        jsonPath,
        z
          .strictObject({
            gt: z.number().finite(),
            gte: z.number().finite(),
            lt: z.number().finite(),
            lte: z.number().finite(),
          })
          .partial()
          .refine((r) => Object.keys(r).length > 0, 'a range needs a bound'),
      ]),
    }),
    z.strictObject({ exists: jsonPath }),
    z.strictObject({ and: z.array(metadataFilter).min(1).max(32) }),
    z.strictObject({ or: z.array(metadataFilter).min(1).max(32) }),
    z.strictObject({ not: metadataFilter }),
  ]),
) as z.ZodType<MetadataFilter>;

const asPath = (p: string | string[]) => (Array.isArray(p) ? p : [p]);

/**
 * Bounds a metadata filter before it is validated or compiled (iteratively: a 5,000-deep
 * filter must not overflow the stack of the validator): depth, nodes and JSON bytes, from the
 * handle's limits. Exceeding one is a LimitError naming it; nothing is sent to the database.
 */
export function checkFilterLimits(filter: unknown, limits: Limits): void {
  if (filter === undefined || filter === null || typeof filter !== 'object') return;
  const stack: [unknown, number][] = [[filter, 1]];
  let nodes = 0;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
    if (depth > limits.filterDepth)
      throw new LimitError(`metadata filter nested deeper than limits.filterDepth (${limits.filterDepth})`, 'limits.filterDepth', depth);
    if (++nodes > limits.filterNodes)
      throw new LimitError(`metadata filter has more than limits.filterNodes (${limits.filterNodes}) conditions`, 'limits.filterNodes', nodes);
    const n = node as Record<string, unknown>;
    for (const key of ['and', 'or'] as const) {
      const list = n[key];
      if (Array.isArray(list)) {
        if (nodes + list.length > limits.filterNodes)
          throw new LimitError(`metadata filter has more than limits.filterNodes (${limits.filterNodes}) conditions`, 'limits.filterNodes', nodes + list.length);
        for (const x of list) stack.push([x, depth + 1]);
      }
    }
    if (n.not !== undefined) stack.push([n.not, depth + 1]);
  }
  let bytes: number;
  try {
    bytes = JSON.stringify(filter).length;
  } catch {
    throw new ValidationError('invalid search: the metadata filter is not JSON');
  }
  if (bytes > limits.filterBytes)
    throw new LimitError(`metadata filter is ${bytes} bytes, over limits.filterBytes (${limits.filterBytes})`, 'limits.filterBytes', bytes);
}

/** Parses search params after bounding their filter by the handle's limits. */
function parseSearch<S extends z.ZodType>(db: DbOrTx, schema: S, params: unknown, what: string): z.output<S> {
  const filters = (params as { filters?: { metadata?: unknown } } | null)?.filters;
  if (filters && typeof filters === 'object') checkFilterLimits(filters.metadata, settingsOf(db).limits);
  return parse(schema, params, what);
}

/** Compiles a validated filter to SQL over `metadata` (every key and value a bound parameter). */
export function compileMetadataFilter(f: MetadataFilter, column = sql.raw('metadata')): SQL {
  const at = (p: string | string[]) => sql`(${column} #> ${pgArray(asPath(p))}::text[])`;
  if ('eq' in f) return sql`${at(f.eq[0])} = ${JSON.stringify(f.eq[1])}::jsonb`;
  if ('in' in f) return sql`${JSON.stringify(f.in[1])}::jsonb @> jsonb_build_array(${at(f.in[0])})`;
  if ('contains' in f) return sql`${at(f.contains[0])} @> ${JSON.stringify(f.contains[1])}::jsonb`;
  if ('exists' in f) return sql`${at(f.exists)} is not null`;
  if ('range' in f) {
    const [p, r] = f.range;
    const num = sql`(case when jsonb_typeof(${at(p)}) = 'number' then (${at(p)})::text::numeric end)`;
    const parts: SQL[] = [];
    if (r.gt !== undefined) parts.push(sql`${num} > ${r.gt}::numeric`);
    if (r.gte !== undefined) parts.push(sql`${num} >= ${r.gte}::numeric`);
    if (r.lt !== undefined) parts.push(sql`${num} < ${r.lt}::numeric`);
    if (r.lte !== undefined) parts.push(sql`${num} <= ${r.lte}::numeric`);
    return sql`(${sql.join(parts, sql` and `)})`;
  }
  if ('and' in f)
    return sql`(${sql.join(
      f.and.map((x) => compileMetadataFilter(x, column)),
      sql` and `,
    )})`;
  if ('or' in f)
    return sql`(${sql.join(
      f.or.map((x) => compileMetadataFilter(x, column)),
      sql` or `,
    )})`;
  return sql`not coalesce(${compileMetadataFilter(f.not, column)}, false)`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges two containment objects; where they disagree the first is kept (still implied). */
function mergeContainment(a: unknown, b: unknown): unknown {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = {};
    // own properties only (a key may be "__proto__" or "toString")
    const put = (k: string, v: unknown) =>
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const [k, v] of Object.entries(a)) put(k, v);
    for (const [k, v] of Object.entries(b)) put(k, Object.hasOwn(out, k) ? mergeContainment(out[k], v) : v);
    return out;
  }
  return a;
}

/**
 * The containment `metadata @> {...}` that a metadata filter implies, or undefined: its
 * equalities, and its containments of objects and arrays, at the top level or under `and`
 * (`or` and `not` imply none). A superset of the filter's rows, which the GIN index finds.
 */
export function impliedContainment(f: MetadataFilter | undefined): Record<string, unknown> | undefined {
  if (!f) return undefined;
  const nest = (path: string | string[], v: unknown) =>
    asPath(path).reduceRight<unknown>((inner, k) => ({ [k]: inner }), v) as Record<string, unknown>;
  if ('eq' in f) return nest(f.eq[0], f.eq[1]);
  if ('contains' in f && typeof f.contains[1] === 'object' && f.contains[1] !== null) return nest(f.contains[0], f.contains[1]);
  if ('and' in f) {
    let out: unknown;
    for (const x of f.and) {
      const c = impliedContainment(x);
      if (c) out = out === undefined ? c : mergeContainment(out, c);
    }
    return out as Record<string, unknown> | undefined;
  }
  return undefined;
}

export const searchFilters = z.strictObject({
  projectIds: z.array(id).min(1).max(1000).optional(),
  sourceTypes: z.array(z.enum(chunkSourceType.enumValues)).min(1).optional(),
  sourceIds: z.array(id).min(1).max(1000).optional(),
  /** Chunks with at least one of these tags. */
  tagsAny: z.array(pgText(200)).min(1).max(100).optional(),
  /** Chunks with all of these tags. */
  tagsAll: z.array(pgText(200)).min(1).max(100).optional(),
  metadata: metadataFilter.optional(),
  createdAfter: z.coerce.date().optional(),
});
export type SearchFilters = z.input<typeof searchFilters>;

export const searchSimilarParams = z.strictObject({
  tenantId: id,
  modelId: id,
  embedding: embeddingSchema,
  k: z.number().int().min(1).max(500).default(10),
  filters: searchFilters.default({}),
  /** Cosine distance cut-off (0..2). */
  maxDistance: z.number().min(0).max(2).optional(),
  /**
   * Plan: `auto` (default) chooses by the size of the scope and whether the tenant has an index
   * of its own; `exact`, `ivf` (the tenant's own index) and `hnsw` (the shared one) force one.
   */
  strategy: z.enum(['auto', 'exact', 'ivf', 'hnsw']).default('auto'),
});
export type SearchSimilarParams = z.input<typeof searchSimilarParams>;

export interface SearchHit {
  id: string;
  projectId: string | null;
  sourceType: (typeof chunkSourceType.enumValues)[number];
  sourceId: string;
  documentRev: number | null;
  chunkIndex: number;
  heading: string | null;
  content: string;
  metadata: unknown;
  tags: string[];
  distance: number;
}

/**
 * Plan choice, measured (docs/benchmarks.md, P3): with a tenant filter, HNSW as usually run
 * returns fewer than k rows and low recall for small tenants, while an exact scan through
 * the tenant's btree index is exact and fast up to a few thousand rows. So: scopes up to
 * EXACT_MAX_ROWS rows are searched exactly (the query orders by `embedding <=> q`, which the
 * per-dimension HNSW indexes cannot serve); larger ones use the HNSW index of the model's
 * dimension with pgvector 0.8 iterative scans (`relaxed_order`, re-sorted) and `ef_search`
 * set per transaction; if that returns fewer than k rows (a very selective filter), the
 * exact plan answers instead.
 */
const fresh = (tx: DbOrTx, at: number) => Date.now() - at < settingsOf(tx).search.scopeTtlSeconds * 1000;

async function modelDims(tx: DbOrTx, tenantId: string, modelId: string): Promise<number> {
  const key = `${tenantId}:${modelId}`;
  const cache = settingsOf(tx).caches.models;
  const hit = cache.get(key);
  if (hit && fresh(tx, hit.at)) return hit.dims;
  const [m] = await tx
    .select({ dimensions: embeddingModels.dimensions })
    .from(embeddingModels)
    .where(and(eq(embeddingModels.tenantId, tenantId), eq(embeddingModels.id, modelId)));
  if (!m) throw new NotFoundError(`embedding model ${modelId} not found`);
  cache.set(key, { dims: m.dimensions, at: Date.now() });
  return m.dimensions;
}

const scaledRows = (rowsAt384: number, dims: number) => Math.max(1, Math.floor((rowsAt384 * 384) / dims));
const exactMaxRows = (tx: DbOrTx, dims: number) => scaledRows(settingsOf(tx).search.exactMaxRows, dims);

/**
 * Rows in the search's filtered scope (every filter but the distance cut-off), counted up to
 * `bound + 1` and cached per (tenant, model, filters) for search.scopeTtlSeconds: the plan
 * considers the filtered scope, not only the tenant's size (a selective filter inside a large
 * tenant is answered exactly: its true neighbours may lie far outside the query's
 * neighbourhood, where an index walk never goes — measured, bench P9).
 */
async function scopeRows(tx: DbOrTx, p: z.output<typeof searchSimilarParams>, bound: number): Promise<number> {
  return cachedCount(
    tx,
    `${p.tenantId}:${p.modelId}:${JSON.stringify(p.filters)}:${bound}`,
    sql`select count(*)::int as n from (select 1 from chunks where ${filterSql({ ...p, maxDistance: undefined }, sql`0`)}
        limit ${bound + 1}) s`,
  );
}

/** A count by `query` (one row, column n), reused under `key` for search.scopeTtlSeconds. */
async function cachedCount(tx: DbOrTx, key: string, query: SQL): Promise<number> {
  const cache = settingsOf(tx).caches.scopes;
  const hit = cache.get(key);
  if (hit && fresh(tx, hit.at)) return hit.rows;
  const [r] = await rows<{ n: number }>(tx, query);
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, { rows: r!.n, at: Date.now() });
  return r!.n;
}

function filterSql(p: z.output<typeof searchSimilarParams>, distance: SQL, literalScope = false): SQL {
  const f = p.filters;
  // literalScope: the tenant and model as literals (validated UUIDs), so that the planner can
  // prove a per-tenant partial index's predicate whatever plan caching does with parameters
  const parts: SQL[] = literalScope
    ? [sql.raw(`tenant_id = '${uuidLiteral(p.tenantId)}'::uuid`), sql.raw(`model_id = '${uuidLiteral(p.modelId)}'::uuid`)]
    : [sql`tenant_id = ${p.tenantId}`, sql`model_id = ${p.modelId}`];
  if (f.projectIds) parts.push(sql`project_id = any (${pgArray(f.projectIds)}::uuid[])`);
  if (f.sourceTypes) parts.push(sql`source_type = any (${pgArray(f.sourceTypes)}::chunk_source_type[])`);
  if (f.sourceIds) parts.push(sql`source_id = any (${pgArray(f.sourceIds)}::uuid[])`);
  if (f.tagsAny) parts.push(sql`tags && ${pgArray(f.tagsAny)}::text[]`);
  if (f.tagsAll) parts.push(sql`tags @> ${pgArray(f.tagsAll)}::text[]`);
  if (f.createdAfter) parts.push(sql`created_at > ${f.createdAfter.toISOString()}::timestamptz`);
  if (f.metadata) parts.push(compileMetadataFilter(f.metadata));
  if (p.maxDistance !== undefined) parts.push(sql`${distance} <= ${p.maxDistance}`);
  return sql.join(parts, sql` and `);
}

const HIT_COLUMNS = sql.raw(
  'id, project_id, source_type, source_id, document_rev, chunk_index, heading, content, metadata, tags',
);
const toHit = (r: Record<string, unknown>): SearchHit => ({
  id: r.id as string,
  projectId: (r.project_id as string | null) ?? null,
  sourceType: r.source_type as SearchHit['sourceType'],
  sourceId: r.source_id as string,
  documentRev: (r.document_rev as number | null) ?? null,
  chunkIndex: r.chunk_index as number,
  heading: (r.heading as string | null) ?? null,
  content: r.content as string,
  metadata: r.metadata,
  tags: (r.tags as string[]) ?? [],
  distance: Number(r.distance),
});

export type SearchPlan = 'exact' | 'ivf' | 'hnsw';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function uuidLiteral(v: string): string {
  if (!UUID_RE.test(v)) throw new ValidationError(`invalid search: ${JSON.stringify(v)} is not a UUID`);
  return v.toLowerCase();
}

function exactQuery(p: z.output<typeof searchSimilarParams>, limit: number, candidates?: SQL): SQL {
  const q = `[${p.embedding.join(',')}]`;
  // `embedding <=> q` (no cast) cannot use the expression HNSW indexes: the tenant's btree
  // index finds the rows (or the primary key the candidates' ids), the distance is computed
  // for each, sorted exactly; every filter is applied again here, under RLS.
  const distance = sql`(embedding <=> ${q}::vector)`;
  const only = candidates ? sql` and id = any (array(select ${candidates}))` : sql``;
  // LIMIT as a literal (a validated integer): with a bound LIMIT, a cached generic plan
  // cannot know how few rows are wanted and may trade the index for a sort (measured)
  return sql`select ${HIT_COLUMNS}, ${distance} as distance from chunks
             where ${filterSql(p, distance)}${only} order by distance, id limit ${sql.raw(String(limit))}`;
}

interface IndexableFilters {
  metadata?: Record<string, unknown>;
  tagsAll?: string[];
  tagsAny?: string[];
}

/** The part of the filters the GIN indexes serve (a superset of the filtered rows), if any. */
function indexableFilters(p: z.output<typeof searchSimilarParams>): IndexableFilters | undefined {
  const metadata = impliedContainment(p.filters.metadata);
  const { tagsAll, tagsAny } = p.filters;
  return metadata || tagsAll || tagsAny ? { metadata, tagsAll, tagsAny } : undefined;
}

/** `app.chunk_candidates(…)`: ids of the visible chunks the indexable filters select, at most `limit`. */
const candidatesCall = (
  p: z.output<typeof searchSimilarParams>,
  ix: IndexableFilters | undefined,
  limit: number,
  { near = false, text }: { near?: boolean; text?: SQL } = {},
) =>
  sql`app.chunk_candidates(${p.tenantId}::uuid, ${p.modelId}::uuid, ${ix?.metadata ? JSON.stringify(ix.metadata) : null}::jsonb,
        ${ix?.tagsAll ? pgArray(ix.tagsAll) : null}::text[], ${ix?.tagsAny ? pgArray(ix.tagsAny) : null}::text[],
        ${text ?? null}::tsquery, ${near ? `[${p.embedding.join(',')}]` : null}::vector, ${limit}::int)`;

/** How many candidates the indexable filters select, counted up to `bound + 1` (cached like scopes). */
async function candidateRows(tx: DbOrTx, p: z.output<typeof searchSimilarParams>, ix: IndexableFilters, bound: number): Promise<number> {
  return cachedCount(
    tx,
    `candidates:${p.tenantId}:${p.modelId}:${JSON.stringify(ix)}:${bound}`,
    sql`select count(*)::int as n from ${candidatesCall(p, ix, bound + 1)}`,
  );
}

/** Candidates an index plan (or the nearest-candidates pass) reads for `limit` results. */
const candidatesFor = (limit: number, overfetch: number) => Math.max(limit * overfetch, 40);

/**
 * An index plan: candidates from an index in its own order, re-ranked by exact cosine distance.
 * - `hnsw`, the shared graph of the dimension: over-fetch, because the true top-k are far more
 *   often within the graph's top 4k than its top k; relaxed_order iterative scans may return
 *   rows slightly out of order, hence the outer sort.
 * - `ivf`, the tenant's own IVFFlat index (maintainSearchIndexes), whose lists follow the
 *   tenant's own clusters: candidates by the unit vectors' L2 distance, an expression only
 *   that index serves (its predicate names the tenant and model as literals: so does the query).
 * LIMITs are literals (validated integers) so a cached plan keeps the index (see exactQuery).
 */
function indexQuery(
  plan: 'hnsw' | 'ivf',
  p: z.output<typeof searchSimilarParams>,
  dims: number,
  limit: number,
  overfetch: number,
): SQL {
  const q = `[${p.embedding.join(',')}]`;
  const cast = sql.raw(`vector(${dims})`);
  const distance = sql`(embedding::${cast} <=> ${q}::${cast})`;
  const order = plan === 'ivf' ? sql`${sql.raw(unitExpr(dims))} <-> (l2_normalize(${q}::${cast})::${cast})` : distance;
  const candidates = candidatesFor(limit, overfetch);
  return sql`select * from (
               select ${HIT_COLUMNS}, ${distance} as distance from chunks
               where dims = ${sql.raw(String(dims))} and ${filterSql(p, distance, plan === 'ivf')}
               order by ${order} limit ${sql.raw(String(candidates))}) s
             order by distance, id limit ${sql.raw(String(limit))}`;
}

/** Whether the (tenant, model) has a valid index of its own (cached like scope sizes). */
async function hasTenantIndex(tx: DbOrTx, tenantId: string, modelId: string): Promise<boolean> {
  const key = `${tenantId}:${modelId}`;
  const cache = settingsOf(tx).caches.tenantIndexes;
  const hit = cache.get(key);
  if (hit && fresh(tx, hit.at)) return hit.present;
  const [r] = await rows<{ ok: boolean }>(
    tx,
    sql`select exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
                       where c.relname = ${tenantIndexName(tenantId, modelId)} and i.indrelid = 'chunks'::regclass
                         and i.indisvalid and i.indisready) as ok`,
  );
  cache.set(key, { present: !!r?.ok, at: Date.now() });
  return !!r?.ok;
}

/**
 * Runs `fn` (a statement on the tenant's IVFFlat index) under the settings it needs, then puts
 * back what the caller's transaction had. enable_sort off: with a filter, the planner's guess
 * of its selectivity (0.5 % for any JSON condition) makes sorting "the few matching rows" look
 * cheaper than the index, and then normalises and sorts every row of the tenant (measured 10x
 * slower); the index scan with pgvector's iterative probing is bounded by ivfMaxProbes. jit
 * off because a disabled node's cost would otherwise trigger JIT compilation (~200 ms, measured).
 */
async function underIvfSettings<T>(tx: DbOrTx, fn: () => Promise<T>): Promise<T> {
  const tuning = settingsOf(tx).search;
  const [prev] = await rows<{ sort: string; jit: string }>(
    tx,
    sql`select current_setting('enable_sort') as sort, current_setting('jit') as jit,
               set_config('ivfflat.iterative_scan', 'relaxed_order', true),
               set_config('enable_sort', 'off', true),
               set_config('jit', 'off', true),
               set_config('ivfflat.probes', ${String(tuning.ivfProbes)}, true),
               set_config('ivfflat.max_probes', ${String(Math.max(tuning.ivfMaxProbes, tuning.ivfProbes))}, true)`,
  );
  const out = await fn();
  await tx.execute(sql`select set_config('enable_sort', ${prev!.sort}, true), set_config('jit', ${prev!.jit}, true)`);
  return out;
}

interface Planned {
  plan: SearchPlan;
  /**
   * For `exact` over the candidates of the indexable filters (app.chunk_candidates): the
   * `near` nearest of them, and all of them (at most the bound) when those are not enough.
   */
  candidates?: { near: (limit: number) => SQL; all: SQL; count: number };
}

/**
 * The plan of a search. A filter the GIN indexes serve is counted through them first: when it
 * selects at most filteredExactMaxRows rows, those rows are searched exactly (an index walk
 * would miss true neighbours that lie far from the query's neighbourhood). Otherwise the
 * filtered scope is counted (bounded): small scopes exactly, larger ones through the tenant's
 * own IVFFlat index or the shared HNSW graph. `strategy: 'exact'` forces the plain exact scan
 * of the scope (no candidates: the reference answer the bench and tests compare with).
 */
async function planFor(tx: DbOrTx, p: z.output<typeof searchSimilarParams>, dims: number): Promise<Planned> {
  if (p.strategy !== 'auto') return { plan: p.strategy };
  const bound = exactMaxRows(tx, dims);
  const filteredBound = Math.max(bound, scaledRows(settingsOf(tx).search.filteredExactMaxRows, dims));
  const ix = indexableFilters(p);
  if (ix) {
    const count = await candidateRows(tx, p, ix, filteredBound);
    if (count <= filteredBound)
      return {
        plan: 'exact',
        candidates: { near: (limit) => candidatesCall(p, ix, limit, { near: true }), all: candidatesCall(p, ix, filteredBound + 1), count },
      };
  }
  const ivf = dims <= IVF_MAX_DIMENSIONS;
  const hnsw = (INDEXED_DIMENSIONS as readonly number[]).includes(dims);
  if (!ivf && !hnsw) return { plan: 'exact' };
  // any filter narrows the scope: up to filteredBound rows it is searched exactly (a project
  // or source filter through its btree index; others by reading the tenant's rows)
  const scopeBound = Object.values(p.filters).some((v) => v !== undefined) ? filteredBound : bound;
  if ((await scopeRows(tx, p, scopeBound)) <= scopeBound) return { plan: 'exact' };
  if (ivf && (await hasTenantIndex(tx, p.tenantId, p.modelId))) return { plan: 'ivf' };
  return { plan: hnsw ? 'hnsw' : 'exact' };
}

async function runSearch(
  tx: DbOrTx,
  p: z.output<typeof searchSimilarParams>,
  limit: number,
): Promise<{ plan: SearchPlan; hits: SearchHit[] }> {
  const dims = await modelDims(tx, p.tenantId, p.modelId);
  if (p.embedding.length !== dims) {
    throw new ValidationError('invalid search', [
      {
        code: 'custom',
        path: ['embedding'],
        message: `embedding has ${p.embedding.length} dimensions, model ${p.modelId} has ${dims}`,
        input: undefined,
      },
    ]);
  }
  const { plan, candidates } = await planFor(tx, p, dims);
  const tuning = settingsOf(tx).search;
  if (candidates) {
    // the nearest candidates first: if at least `limit` of them pass every filter, they are
    // the answer (a passing row outside them is farther than all of them, ties by id);
    // otherwise all the candidates, searched exactly
    const want = candidatesFor(limit, tuning.hnswOverfetch);
    const hits = (await rows<Record<string, unknown>>(tx, exactQuery(p, limit, candidates.near(want)))).map(toHit);
    if (hits.length >= limit || candidates.count <= want) return { plan, hits };
    return { plan, hits: (await rows<Record<string, unknown>>(tx, exactQuery(p, limit, candidates.all))).map(toHit) };
  }
  if (plan === 'ivf') {
    if (dims > IVF_MAX_DIMENSIONS) {
      throw new ValidationError('invalid search', [
        { code: 'custom', path: ['strategy'], message: `no IVFFlat index beyond ${IVF_MAX_DIMENSIONS} dimensions`, input: undefined },
      ]);
    }
    const hits = await underIvfSettings(tx, async () =>
      (await rows<Record<string, unknown>>(tx, indexQuery('ivf', p, dims, limit, tuning.hnswOverfetch))).map(toHit),
    );
    // fewer than k: a filter so selective that the widened probe ran out: answer exactly
    if (hits.length >= limit || p.strategy === 'ivf') return { plan, hits };
  }
  if (plan === 'hnsw') {
    if (!(INDEXED_DIMENSIONS as readonly number[]).includes(dims)) {
      throw new ValidationError('invalid search', [
        { code: 'custom', path: ['strategy'], message: `no HNSW index for ${dims} dimensions`, input: undefined },
      ]);
    }
    await tx.execute(
      sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true),
                 set_config('hnsw.ef_search', ${String(Math.max(tuning.efSearch, limit))}, true),
                 set_config('hnsw.max_scan_tuples', ${String(tuning.maxScanTuples)}, true)`,
    );
    const hits = (await rows<Record<string, unknown>>(tx, indexQuery('hnsw', p, dims, limit, tuning.hnswOverfetch))).map(toHit);
    // a filter so selective that the graph walk ran out: answer exactly instead
    if (hits.length >= limit || p.strategy === 'hnsw') return { plan, hits };
  }
  return { plan: 'exact', hits: (await rows<Record<string, unknown>>(tx, exactQuery(p, limit))).map(toHit) };
}

/**
 * Top-k chunks of the actor's tenant by cosine distance to `embedding`, for one embedding
 * model (vectors of different models or dimensions are never compared), with filters. RLS
 * decides what is visible; the query also names the tenant so its indexes serve it. Returns
 * k rows whenever k visible rows match.
 */
export async function searchSimilar(db: DbOrTx, params: SearchSimilarParams): Promise<SearchHit[]> {
  const p = parseSearch(db, searchSimilarParams, params, 'search');
  return atomic(db, async (tx) => (await runSearch(tx, p, p.k)).hits);
}

/** The plan `searchSimilar` would use, and PostgreSQL's EXPLAIN of it (for tests and tuning). */
export async function explainSearch(
  db: DbOrTx,
  params: SearchSimilarParams,
): Promise<{ plan: SearchPlan; explain: string }> {
  const p = parseSearch(db, searchSimilarParams, params, 'search');
  return atomic(db, async (tx) => {
    const dims = await modelDims(tx, p.tenantId, p.modelId);
    const { plan, candidates } = await planFor(tx, p, dims);
    if (plan === 'hnsw') {
      await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
    }
    const over = settingsOf(tx).search.hnswOverfetch;
    const explain = () =>
      rows<Record<string, string>>(
        tx,
        sql`explain ${plan === 'exact' ? exactQuery(p, p.k, candidates?.near(candidatesFor(p.k, over))) : indexQuery(plan, p, dims, p.k, over)}`,
      );
    const lines = plan === 'ivf' ? await underIvfSettings(tx, explain) : await explain();
    const [iter] = await rows<{ v: string }>(tx, sql`select current_setting('hnsw.iterative_scan') as v`);
    return {
      plan,
      explain: `${lines.map((l) => Object.values(l)[0]).join('\n')}\n-- hnsw.iterative_scan = ${iter!.v}`,
    };
  });
}

export const searchHybridParams = searchSimilarParams.extend({
  /** Full-text query (websearch syntax: quotes, OR, -exclusion). */
  query: nonBlank(2000),
  /** Weights of the two rankings in reciprocal-rank fusion. */
  weights: z
    .strictObject({ vector: z.number().min(0).max(10), text: z.number().min(0).max(10) })
    .default({ vector: 1, text: 1 }),
  /** RRF constant (score = w / (rrfK + rank)). */
  rrfK: z.number().int().min(1).max(1000).default(60),
  /** Each branch fetches k × overfetch candidates before fusion. */
  overfetch: z.number().int().min(1).max(20).default(4),
});
export type SearchHybridParams = z.input<typeof searchHybridParams>;

export interface HybridHit extends SearchHit {
  score: number;
  vectorRank: number | null;
  textRank: number | null;
}

/**
 * Hybrid search: a vector branch (searchSimilar's plan) and a full-text branch
 * (`websearch_to_tsquery` over the chunks' generated tsvector, GIN index), each fetching
 * k × overfetch candidates under the same tenant, model and filters, fused by reciprocal rank.
 */
export async function searchHybrid(db: DbOrTx, params: SearchHybridParams): Promise<HybridHit[]> {
  const p = parseSearch(db, searchHybridParams, params, 'hybrid search');
  const n = p.k * p.overfetch;
  return atomic(db, async (tx) => {
    const vector = (await runSearch(tx, p, n)).hits;
    const tsq = sql`websearch_to_tsquery('english', ${p.query})`;
    // The text branch ranks at most TEXT_CANDIDATES matching rows: a GIN index finds matches
    // but cannot rank them, and ranking every match of a very common term in a large tenant
    // costs more than the whole vector branch (measured, bench P5).
    const cap = Math.max(settingsOf(tx).search.textCandidates, n * 10);
    // the matching rows through the GIN index (app.chunk_candidates: under RLS, `@@` is not
    // leakproof and would be tested on every row of the tenant), at most `cap` of them
    const matching = candidatesCall(p, indexableFilters(p), cap, { text: tsq });
    const text = (
      await rows<Record<string, unknown>>(
        tx,
        // the vector distance only for the n rows kept, not for every ranked candidate
        sql`select c.*, (x.embedding <=> ${`[${p.embedding.join(',')}]`}::vector) as distance from (
              select * from (
                select ${HIT_COLUMNS}, tenant_id, ts_rank(search_vector, ${tsq}) as text_score
                from chunks where search_vector @@ ${tsq} and ${filterSql({ ...p, maxDistance: undefined }, sql`0`)}
                  and id = any (array(select ${matching}))
                limit ${sql.raw(String(cap))}) m
              order by text_score desc, id limit ${sql.raw(String(n))}) c
            join chunks x on x.tenant_id = c.tenant_id and x.id = c.id
            order by c.text_score desc, c.id`,
      )
    ).map(toHit);
    const fused = new Map<string, HybridHit>();
    vector.forEach((h, i) =>
      fused.set(h.id, { ...h, vectorRank: i + 1, textRank: null, score: p.weights.vector / (p.rrfK + i + 1) }),
    );
    text.forEach((h, i) => {
      const prev = fused.get(h.id);
      const add = p.weights.text / (p.rrfK + i + 1);
      if (prev) {
        prev.textRank = i + 1;
        prev.score += add;
      } else fused.set(h.id, { ...h, vectorRank: null, textRank: i + 1, score: add });
    });
    // a branch with weight 0 contributes nothing: its hits alone do not make the result
    return [...fused.values()]
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, p.k);
  });
}

// ---------------------------------------------------------------- source maintenance
export const deleteChunksBySourceParams = z.strictObject({
  tenantId: id,
  sourceType: z.enum(chunkSourceType.enumValues),
  sourceId: id,
  modelId: id.optional(),
});

/** Deletes a source's chunks (of one model, or all); returns how many. */
export async function deleteChunksBySource(
  db: DbOrTx,
  params: z.input<typeof deleteChunksBySourceParams>,
): Promise<number> {
  const p = parse(deleteChunksBySourceParams, params, 'chunk source');
  return single(db, async (tx) => {
    const out = await rows<{ id: string }>(
      tx,
      sql`delete from chunks where tenant_id = ${p.tenantId} and source_type = ${p.sourceType} and source_id = ${p.sourceId}
          ${p.modelId ? sql`and model_id = ${p.modelId}` : sql``} returning id`,
    );
    settingsOf(tx).caches.scopes.clear();
    return out.length;
  });
}

export const replaceSourceChunksParams = ingestChunksParams.extend({
  sourceType: z.enum(chunkSourceType.enumValues),
  sourceId: id,
});

/** Re-embeds a source: its old chunks of that model are replaced by `chunks`, atomically. */
export async function replaceSourceChunks(
  db: DbOrTx,
  params: IngestChunksParams & { sourceType: (typeof chunkSourceType.enumValues)[number]; sourceId: string },
  options: IngestOptions = {},
): Promise<IngestResult & { deleted: number }> {
  const p = parse(replaceSourceChunksParams, params, 'source re-embedding');
  return atomic(db, async (tx) => {
    const deleted = await deleteChunksBySource(tx, {
      tenantId: p.tenantId,
      sourceType: p.sourceType,
      sourceId: p.sourceId,
      modelId: p.modelId,
    });
    const { sourceType: _t, sourceId: _s, ...ingest } = p;
    const res = await ingestChunks(tx, ingest, options);
    return { ...res, deleted };
  });
}
