/**
 * What an actor can do to one row of a table, observed in the database: the leak matrix a
 * service runs on its own tables. Each command runs as the actor in its own transaction that
 * is rolled back, so probing changes nothing; compare the result with the declaration's
 * `access.expect(profile, command)`.
 *
 *   const seen = await probeTableAccess(db, { table: 'project_notes', row, key: { tenant_id, id }, update: { body: 'x' } }, actor);
 *   for (const c of COMMANDS) expect(seen[c]).toBe(notesAccess.expect(profile, c));
 */
import { sql, type SQL } from 'drizzle-orm';
import { withActor, withService, type Actor } from '../actor.js';
import type { AnyPgDatabase } from '../db.js';
import type { Command } from './archetypes.js';

export interface ProbeTarget {
  table: string;
  /** A full row to insert (column name -> value); the probe inserts it as the owner first. */
  row: Record<string, unknown>;
  /** The row's key (column name -> value). */
  key: Record<string, unknown>;
  /** Columns an UPDATE sets (column name -> value). */
  update: Record<string, unknown>;
}

const id = (name: string) => sql.identifier(name);
const list = (parts: SQL[], sep: string) => sql.join(parts, sql.raw(sep));
const where = (key: Record<string, unknown>) => list(Object.entries(key).map(([c, v]) => sql`${id(c)} = ${v}`), ' and ');
/** Rows a SELECT returned (postgres.js: the result is the array; PGlite: `.rows`). */
const rowsReturned = (r: unknown) => {
  const x = r as { rows?: unknown[] } & unknown[];
  return Array.isArray(x.rows) ? x.rows.length : Array.isArray(x) ? x.length : 0;
};
/** Rows an UPDATE or DELETE changed (postgres.js: `.count`; PGlite: `.affectedRows`). */
const rowCount = (r: unknown) => {
  const x = r as { count?: number; rowCount?: number; affectedRows?: number; length?: number };
  return Number(x.count ?? x.rowCount ?? x.affectedRows ?? x.length ?? 0);
};

class Rollback extends Error {
  constructor(readonly ok: boolean) {
    super('rollback');
  }
}

/**
 * In a service transaction that is always rolled back: `seed` (as the service role), then `fn`
 * as the actor in a nested context. True when the command reached the row; false when it did
 * not or a policy, grant or boundary trigger refused it.
 */
async function attempt(
  db: AnyPgDatabase,
  actor: Actor,
  seed: SQL | null,
  fn: (tx: AnyPgDatabase) => Promise<boolean>,
): Promise<boolean> {
  try {
    await withService(db, async (s) => {
      if (seed) await s.execute(seed);
      let ok: boolean;
      try {
        ok = await withActor(s as unknown as AnyPgDatabase, actor, (tx) => fn(tx as unknown as AnyPgDatabase));
      } catch (err) {
        const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
        // refused by a policy, a grant or a boundary trigger
        if (code === '42501' || code === 'P0001' || code === '23514') ok = false;
        else throw err;
      }
      throw new Rollback(ok);
    });
  } catch (err) {
    if (err instanceof Rollback) return err.ok;
    throw err;
  }
  return false;
}

/** For each command, whether `actor` can do it to the probe row (the row is written by the service role). */
export async function probeTableAccess(
  db: AnyPgDatabase,
  target: ProbeTarget,
  actor: Actor,
): Promise<Record<Command, boolean>> {
  const t = id(target.table);
  const cols = Object.keys(target.row);
  const insert = sql`insert into ${t} (${list(cols.map((c) => sql`${id(c)}`), ', ')}) values (${list(
    cols.map((c) => sql`${target.row[c]}`),
    ', ',
  )})`;
  const exists = async (tx: AnyPgDatabase) =>
    rowsReturned(await tx.execute(sql`select 1 from ${t} where ${where(target.key)}`)) > 0;
  return {
    select: await attempt(db, actor, insert, exists),
    insert: await attempt(db, actor, null, async (tx) => {
      await tx.execute(insert);
      return true;
    }),
    update: await attempt(
      db,
      actor,
      insert,
      async (tx) =>
        rowCount(
          await tx.execute(
            sql`update ${t} set ${list(
              Object.entries(target.update).map(([c, v]) => sql`${id(c)} = ${v}`),
              ', ',
            )} where ${where(target.key)}`,
          ),
        ) > 0,
    ),
    delete: await attempt(db, actor, insert, async (tx) => rowCount(await tx.execute(sql`delete from ${t} where ${where(target.key)}`)) > 0),
  };
}
