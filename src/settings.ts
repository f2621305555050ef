/**
 * What a database handle owns: limits on what one call may cost, the timeouts of actor
 * transactions, search tuning and the caches that go with it. Nothing here is process-global:
 * two handles in one process (two services, two tests) never share or change each other's
 * settings. Operations find the settings of the handle a transaction came from.
 */
import type { ValidateFunction } from 'ajv';
import { PgTransaction } from 'drizzle-orm/pg-core';

/** Bounds checked before any work is done (`LimitError` names the one exceeded). */
export interface Limits {
  /** Bytes of JSON (content + markdown) on either side of a revision diff. */
  diffBytes: number;
  /** Milliseconds a large diff may run (off the main thread) before it is abandoned. */
  diffMs: number;
  /** Heap (MB) of the thread a large diff runs in. */
  diffHeapMb: number;
  /** Nesting depth of a metadata filter. */
  filterDepth: number;
  /** Nodes (conditions and groups) of a metadata filter. */
  filterNodes: number;
  /** Bytes of a metadata filter as JSON. */
  filterBytes: number;
  /** Characters of a `pattern` in a user-authored JSON schema. */
  patternLength: number;
  /** Bytes of a user-authored JSON schema. */
  schemaBytes: number;
}

export interface Timeouts {
  /** `statement_timeout` of every statement in an actor (or anon) transaction; 0 = none. */
  statementMs: number;
  /** `lock_timeout` in an actor (or anon) transaction; 0 = none. */
  lockMs: number;
}

/** Plan choice of vector search (measured: docs/benchmarks.md, P3). */
export interface SearchTuning {
  /** At 384 dimensions; scaled by 384 / dims (an exact distance costs in proportion to dims). */
  exactMaxRows: number;
  /**
   * At 384 dimensions, scaled like exactMaxRows: a filtered scope of at most this many rows is
   * searched exactly — over just the rows a GIN-served filter selects (metadata equality /
   * containment, tags: app.chunk_candidates), through the btree of a project or source filter,
   * or by reading the tenant: an index walk misses the true neighbours of a selective filter,
   * which may lie anywhere in the tenant (bench P9).
   */
  filteredExactMaxRows: number;
  efSearch: number;
  /** HNSW candidates fetched per result wanted, re-ranked by exact distance. */
  hnswOverfetch: number;
  maxScanTuples: number;
  /** Matching rows the full-text branch of a hybrid search ranks at most. */
  textCandidates: number;
  /** Seconds a scope-size estimate (and whether a tenant has its own index) is reused. */
  scopeTtlSeconds: number;
  /** Lists a search probes first in a tenant's own IVFFlat index (maintainSearchIndexes). */
  ivfProbes: number;
  /** Lists an iterative IVFFlat scan may probe at most (selective filters widen the probe). */
  ivfMaxProbes: number;
}

export interface HandleSettings {
  /** The database is a Citus coordinator: contexts are set with SET LOCAL (propagated). */
  citus: boolean;
  limits: Limits;
  timeouts: Timeouts;
  search: SearchTuning;
  /** Per-handle caches (model dimensions, scope sizes). */
  caches: {
    models: Map<string, { dims: number; at: number }>;
    scopes: Map<string, { rows: number; at: number }>;
    /** Whether a (tenant, model) has a valid index of its own. */
    tenantIndexes: Map<string, { present: boolean; at: number }>;
    /** Compiled validators of user-authored JSON Schemas, by content (at most 500). */
    validators: Map<string, ValidateFunction>;
  };
}

export interface SettingsInput {
  limits?: Partial<Limits>;
  timeouts?: Partial<Timeouts>;
  search?: Partial<SearchTuning>;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  diffBytes: 2_000_000,
  diffMs: 2_000,
  diffHeapMb: 256,
  filterDepth: 8,
  filterNodes: 256,
  filterBytes: 64_000,
  patternLength: 1_000,
  schemaBytes: 200_000,
});

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({ statementMs: 15_000, lockMs: 5_000 });

export const DEFAULT_SEARCH_TUNING: Readonly<SearchTuning> = Object.freeze({
  exactMaxRows: 4_000,
  filteredExactMaxRows: 20_000,
  efSearch: 200,
  hnswOverfetch: 4,
  maxScanTuples: 40_000,
  textCandidates: 2_000,
  scopeTtlSeconds: 60,
  ivfProbes: 3,
  ivfMaxProbes: 64,
});

const positiveInt = (name: string, v: number, min = 0) => {
  if (!Number.isInteger(v) || v < min) throw new TypeError(`setting ${name} must be an integer >= ${min}, got ${v}`);
};

/** New settings for a handle: the defaults overridden by `input`, validated. */
export function makeSettings(input: SettingsInput = {}): HandleSettings {
  const limits = { ...DEFAULT_LIMITS, ...input.limits };
  const timeouts = { ...DEFAULT_TIMEOUTS, ...input.timeouts };
  const search = { ...DEFAULT_SEARCH_TUNING, ...input.search };
  for (const [k, v] of Object.entries(limits)) positiveInt(`limits.${k}`, v, 1);
  for (const [k, v] of Object.entries(timeouts)) positiveInt(`timeouts.${k}`, v, 0);
  for (const [k, v] of Object.entries(search)) positiveInt(`search.${k}`, v, 1);
  return {
    citus: false,
    limits: Object.freeze(limits),
    timeouts: Object.freeze(timeouts),
    search: Object.freeze(search),
    caches: { models: new Map(), scopes: new Map(), tenantIndexes: new Map(), validators: new Map() },
  };
}

const registry = new WeakMap<object, HandleSettings>();

/** Attaches settings to a handle or a transaction opened from it. */
export function attachSettings(target: object, settings: HandleSettings): void {
  registry.set(target, settings);
}

/**
 * The settings of the handle `db` (a handle, or a transaction the package opened from it).
 * A Drizzle database the package did not create gets the defaults (its own, never shared
 * with a handle).
 */
export function settingsOf(db: object): HandleSettings {
  const own = registry.get(db);
  if (own) return own;
  if (db instanceof PgTransaction) return makeSettings(); // uncached, never shared
  const s = makeSettings();
  registry.set(db, s);
  return s;
}
