/**
 * What the framework adapters share: who acts (fixed, or asked per call), the one embedding
 * model a store searches, and deterministic source ids for documents that have none.
 */
import { createHash } from 'node:crypto';
import { withActor, type Actor } from '../actor.js';
import type { AnyPgDatabase, AppTransaction } from '../db.js';
import { ValidationError } from '../queries/errors.js';
import { listMessages } from '../queries/conversations.js';
import { searchHybrid, searchSimilar, type MetadataFilter, type SearchFilters, type SearchHit } from '../queries/search.js';
import type { ChatMessage } from '../schema/index.js';

/** The acting user and tenant: fixed, or resolved per call (e.g. from the request). */
export type ActorSource = (Actor & { tenantId: string }) | (() => (Actor & { tenantId: string }) | Promise<Actor & { tenantId: string }>);

export interface AdapterBase {
  /** A handle from `createDb` / `createEmbeddedDb` (never a transaction: each call is one). */
  db: AnyPgDatabase;
  actor: ActorSource;
}

/** Runs `fn` in one transaction as the actor; the tenant comes from the actor. */
export async function asActor<T>(base: AdapterBase, fn: (tx: AppTransaction, tenantId: string) => Promise<T>): Promise<T> {
  const actor = typeof base.actor === 'function' ? await base.actor() : base.actor;
  if (!actor || typeof actor.tenantId !== 'string') throw new ValidationError('the adapter has no actor with a tenantId');
  return withActor(base.db, actor, (tx) => fn(tx as unknown as AppTransaction, actor.tenantId));
}

/** Every message of a session, oldest first (pages of 500). */
export async function allMessages(tx: AppTransaction, tenantId: string, sessionId: string): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  for (let after = 0; ; ) {
    const page = await listMessages(tx, { tenantId, sessionId, afterSequence: after, limit: 500 });
    out.push(...page.items);
    if (page.next === undefined) return out;
    after = page.next;
  }
}

/**
 * One search for an adapter: hybrid (vector + the query's full text, score = fused rank, higher
 * is better) when `text` is given, else vector only (score = cosine distance, lower is closer).
 */
export async function searchChunks(
  tx: AppTransaction,
  params: { tenantId: string; modelId: string; embedding: number[]; k: number; filters: SearchFilters; strategy: 'auto' | 'exact' | 'hnsw' },
  text: string | undefined,
): Promise<{ hit: SearchHit; score: number }[]> {
  if (text !== undefined && text.trim() !== '')
    return (await searchHybrid(tx, { ...params, query: text })).map((hit) => ({ hit, score: hit.score }));
  return (await searchSimilar(tx, params)).map((hit) => ({ hit, score: hit.distance }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** A stable uuid (v5 layout) for a string: the same text gives the same source id on a retry. */
export function stableUuid(text: string): string {
  const h = createHash('sha256').update(`ai-platform-db:${text}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Metadata as plain JSON (frameworks put class instances, dates and undefined in it). */
export function jsonMetadata(metadata: unknown): Record<string, unknown> {
  if (metadata === undefined || metadata === null) return {};
  const out = JSON.parse(JSON.stringify(metadata)) as unknown;
  if (typeof out !== 'object' || out === null || Array.isArray(out)) return {};
  return out as Record<string, unknown>;
}

const unsupported = (framework: string, what: string) =>
  new ValidationError(`unsupported ${framework} filter: ${what}`, [
    { code: 'custom', path: ['filter'], message: `unsupported ${framework} filter: ${what}`, input: undefined },
  ]);

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);

/**
 * LangChain's metadata filter (PGVector's dialect): `{ key: value }` is equality; an operator
 * object `{ key: { $eq | $ne | $in | $nin | $gt | $gte | $lt | $lte | $exists } }`; `$and` / `$or`
 * lists. Keys may be dotted paths. Anything else is a ValidationError, never ignored.
 */
export function fromLangChainFilter(filter: Record<string, unknown>): MetadataFilter {
  const parts: MetadataFilter[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw unsupported('LangChain', `${key} needs a list`);
      const list = value.map((v) => fromLangChainFilter(v as Record<string, unknown>));
      parts.push(key === '$and' ? { and: list } : { or: list });
      continue;
    }
    if (key.startsWith('$')) throw unsupported('LangChain', key);
    const path = key.split('.');
    if (isScalar(value) || value === null) {
      parts.push({ eq: [path, value] });
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw unsupported('LangChain', `value of ${key}`);
    for (const [op, arg] of Object.entries(value as Record<string, unknown>)) {
      switch (op) {
        case '$eq':
          parts.push({ eq: [path, arg] });
          break;
        case '$ne':
          parts.push({ not: { eq: [path, arg] } });
          break;
        case '$in':
        case '$nin': {
          if (!Array.isArray(arg) || arg.length === 0) throw unsupported('LangChain', `${op} on ${key} needs a list`);
          const f: MetadataFilter = { in: [path, arg] };
          parts.push(op === '$in' ? f : { not: f });
          break;
        }
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte':
          if (typeof arg !== 'number') throw unsupported('LangChain', `${op} on ${key} needs a number`);
          parts.push({ range: [path, { [op.slice(1)]: arg }] });
          break;
        case '$exists':
          parts.push(arg ? { exists: path } : { not: { exists: path } });
          break;
        default:
          throw unsupported('LangChain', `${op} on ${key}`);
      }
    }
  }
  if (parts.length === 0) throw unsupported('LangChain', 'an empty filter');
  return parts.length === 1 ? parts[0]! : { and: parts };
}

/** LlamaIndex.TS `MetadataFilters` ({ filters: [{ key, value, operator }], condition }). */
export function fromLlamaIndexFilters(filters: {
  filters: { key: string; value?: unknown; operator: string }[];
  condition?: string;
}): MetadataFilter {
  const list = filters.filters.map(({ key, value, operator }): MetadataFilter => {
    const path = key.split('.');
    const arr = () => {
      if (!Array.isArray(value) || value.length === 0) throw unsupported('LlamaIndex', `${operator} on ${key} needs a list`);
      return value as unknown[];
    };
    const num = () => {
      if (typeof value !== 'number') throw unsupported('LlamaIndex', `${operator} on ${key} needs a number`);
      return value;
    };
    switch (operator) {
      case '==':
        return { eq: [path, value] };
      case '!=':
        return { not: { eq: [path, value] } };
      case 'in':
        return { in: [path, arr()] };
      case 'nin':
        return { not: { in: [path, arr()] } };
      case '>':
        return { range: [path, { gt: num() }] };
      case '>=':
        return { range: [path, { gte: num() }] };
      case '<':
        return { range: [path, { lt: num() }] };
      case '<=':
        return { range: [path, { lte: num() }] };
      case 'contains':
        return { contains: [path, value] };
      case 'any':
        return { or: arr().map((v) => ({ contains: [path, v] }) as MetadataFilter) };
      case 'all':
        return { and: arr().map((v) => ({ contains: [path, v] }) as MetadataFilter) };
      case 'is_empty':
        return { not: { exists: path } };
      default:
        throw unsupported('LlamaIndex', `operator ${operator} on ${key}`);
    }
  });
  if (list.length === 0) throw unsupported('LlamaIndex', 'an empty filter list');
  if (list.length === 1) return list[0]!;
  if (filters.condition === 'or') return { or: list };
  if (filters.condition !== undefined && filters.condition !== 'and') throw unsupported('LlamaIndex', `condition ${filters.condition}`);
  return { and: list };
}
