/** Shared plumbing of the operations: validation, transactions, rows of raw SQL. */
import { createHash } from 'node:crypto';
import { getTableColumns, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { AppTransaction, DbOrTx } from '../db.js';
import { mapDbError, ValidationError } from './errors.js';

/** Parses `input` with `schema`, or throws a ValidationError naming the fields. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(`invalid ${what}`, r.error.issues);
  return r.data;
}

/**
 * Runs `fn` atomically: in the caller's transaction when given one (an error aborts it), else
 * in a new transaction. Database errors come out as the package's typed errors.
 */
export async function atomic<T>(db: DbOrTx, fn: (tx: AppTransaction) => Promise<T>): Promise<T> {
  try {
    if (db instanceof PgTransaction) return await fn(db as AppTransaction);
    return await db.transaction(fn);
  } catch (err) {
    throw mapDbError(err);
  }
}

/**
 * Runs `fn` without opening a transaction: for operations that write with one statement
 * (atomic by itself) or only read. Saves two round trips (BEGIN, COMMIT) on the hot paths.
 */
export async function single<T>(db: DbOrTx, fn: (db: DbOrTx) => Promise<T>): Promise<T> {
  try {
    return await fn(db);
  } catch (err) {
    throw mapDbError(err);
  }
}

/** Rows of `db.execute(sql)` on either driver. */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = await db.execute(query);
  return ((res as { rows?: T[] }).rows ?? res) as T[];
}

/**
 * Maps a raw row (SQL column names, driver values) to the table's TypeScript shape, the way
 * drizzle's query builder does, for hot paths written as plain SQL.
 */
export function rowMapper<T extends PgTable>(table: T): (row: Record<string, unknown>) => T['$inferSelect'] {
  const cols = Object.entries(getTableColumns(table));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [key, col] of cols) {
      const v = row[col.name];
      out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return out as T['$inferSelect'];
  };
}

/**
 * A PostgreSQL array literal for one bound parameter (`${pgArray(xs)}::text[]`): drizzle's
 * `sql` expands a JS array into a list of parameters, which is not an array.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** JSON with object keys sorted, so equal content hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// ---------------------------------------------------------------- shared zod pieces
export const id = z.guid();
/** JSON that PostgreSQL's jsonb accepts: no NUL characters in strings, bounded depth. */
export const jsonValue: z.ZodType<unknown> = z
  .unknown()
  .superRefine((v, ctx) => {
    const walk = (x: unknown, depth: number): string | undefined => {
      if (depth > 64) return 'nested deeper than 64 levels';
      if (typeof x === 'string') return x.includes('\u0000') ? 'contains a NUL character' : undefined;
      if (typeof x === 'number') return Number.isFinite(x) ? undefined : 'contains a non-finite number';
      if (x === null || typeof x === 'boolean') return undefined;
      if (Array.isArray(x)) {
        for (const e of x) {
          const p = walk(e, depth + 1);
          if (p) return p;
        }
        return undefined;
      }
      if (typeof x === 'object') {
        for (const [k, e] of Object.entries(x as Record<string, unknown>)) {
          if (k.includes('\u0000')) return 'has a key with a NUL character';
          const p = walk(e, depth + 1);
          if (p) return p;
        }
        return undefined;
      }
      return `is not JSON (${typeof x})`;
    };
    const problem = v === undefined ? 'is required' : walk(v, 0);
    if (problem) ctx.addIssue({ code: 'custom', message: `JSON ${problem}` });
  })
  // plain JSON out, whatever came in (null-prototype objects, class instances with toJSON):
  // drivers and drizzle inspect `constructor` (a null-prototype object crashed them — fuzz)
  .transform((v) => (v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as unknown) : v));
/** Text PostgreSQL can store: no NUL characters. */
export const pgText = (max = 1_000_000) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
export const nonBlank = (max = 10_000) => pgText(max).refine((s) => s.trim().length > 0, 'must not be empty');
export const pageSize = z.number().int().min(1).max(500).default(50);
/**
 * A keyset cursor's timestamp, as the package returns it in `next` (PostgreSQL's text form of
 * a timestamptz, or ISO 8601). Anything else is a ValidationError here, not SQLSTATE 22007
 * from the database.
 */
export const cursorTimestamp = z
  .string()
  .max(64)
  .refine((v) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)?$/.exec(v);
    if (!m) return false;
    const [, , mo, d, h, mi, s] = m.map(Number) as number[];
    return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= 31 && h! <= 23 && mi! <= 59 && s! <= 60;
  }, 'a cursor timestamp as returned in `next`');
