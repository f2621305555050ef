/**
 * The leak matrix, generated from the declarations: every table x every kind of actor x
 * {select, insert, update, delete}, and the column rules per actor. Used by
 * tests/rls-matrix.test.ts (both backends) and tests/supabase.test.ts (a Supabase-shaped
 * database).
 */
import { sql, type SQL } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { withActor, withAnon } from '../../src/actor.js';
import type { AnyPgDatabase, AppTransaction } from '../../src/db.js';
import { pgError } from '../../src/queries/errors.js';
import { COMMANDS, type ActorProfile, type Command } from '../../src/rls/archetypes.js';
import { tablesByName } from '../../src/rls/drizzle.js';
import { TABLE_ACCESS } from '../../src/rls/policies.js';
import { rowsOf } from './expect.js';
import { seedEveryTable, type World } from './fixtures.js';

/** Columns whose value a BEFORE INSERT trigger assigns (a copy must ask for "the next"). */
const ASSIGNED: Record<string, string> = {
  document_revisions: 'rev',
  task_versions: 'version',
  project_versions: 'version',
  agent_task_logs: 'seq',
  chat_messages: 'sequence',
};

interface ActorCase {
  name: string;
  profile: ActorProfile;
  run: <T>(fn: (tx: AppTransaction) => Promise<T>) => Promise<T>;
}

export function actors(db: AnyPgDatabase, w: World): ActorCase[] {
  const as =
    (userId: string, tenantId: string) =>
    <T>(fn: (tx: AppTransaction) => Promise<T>) =>
      withActor(db, { userId, tenantId }, fn);
  const p = (tenantRank: number, projectRank: number, isRowOwner = false): ActorProfile => ({
    authenticated: true,
    tenantRank,
    projectRank,
    isRowOwner,
    belongsToTenant: tenantRank > 0,
  });
  return [
    { name: 'tenant owner', profile: p(4, 0), run: as(w.users.owner, w.tenantA) },
    { name: 'tenant admin', profile: p(3, 0), run: as(w.users.admin, w.tenantA) },
    { name: 'member (project contributor, row owner)', profile: p(2, 2, true), run: as(w.users.member, w.tenantA) },
    { name: 'viewer (project viewer)', profile: p(1, 1), run: as(w.users.viewer, w.tenantA) },
    { name: 'member of another tenant', profile: p(0, 0), run: as(w.users.outsider, w.tenantB) },
    { name: 'user with no membership', profile: p(0, 0), run: as(w.users.stranger, w.tenantA) },
    {
      name: 'anonymous',
      profile: { authenticated: false, tenantRank: 0, projectRank: 0, isRowOwner: false, belongsToTenant: false },
      run: (fn) => withAnon(db, fn),
    },
    { name: 'forged tenant claim', profile: p(0, 0), run: as(w.users.outsider, w.tenantA) },
  ];
}

const ident = (s: string) => sql.raw(`"${s}"`);
function whereKeys(keys: Record<string, unknown>): SQL {
  return sql.join(
    Object.entries(keys).map(([k, v]) => sql`${ident(k)} = ${v}`),
    sql` and `,
  );
}

class Undo extends Error {
  constructor(readonly rows: unknown[]) {
    super('undo');
  }
}

/** Runs `stmt` in a savepoint that is always rolled back; returns its rows or its SQLSTATE. */
async function attempt(tx: AppTransaction, stmt: SQL): Promise<{ rows: unknown[] } | { code: string; message?: string }> {
  try {
    await tx.transaction(async (sp) => {
      throw new Undo(rowsOf(await sp.execute(stmt)));
    });
  } catch (err) {
    if (err instanceof Undo) return { rows: err.rows };
    return { code: pgError(err)?.code ?? 'unknown', message: pgError(err)?.message };
  }
  throw new Error('unreachable');
}


export interface MatrixFixtures {
  keys: Record<string, Record<string, unknown>>;
  fixtures: Map<string, Record<string, unknown>>;
}

/** One row of tenant A in every table, and each row as JSON (what an INSERT copies). */
export async function matrixFixtures(db: Parameters<typeof seedEveryTable>[0], w: World): Promise<MatrixFixtures> {
  const keys = await seedEveryTable(db, w);
  const fixtures = new Map<string, Record<string, unknown>>();
  for (const access of TABLE_ACCESS) {
    const k = keys[access.table];
    if (!k) continue;
    const [row] = rowsOf<{ j: Record<string, unknown> }>(
      await db.execute(sql`select to_jsonb(x) as j from ${ident(access.table)} x where ${whereKeys(k)}`),
    );
    if (row) fixtures.set(access.table, row.j);
  }
  return { keys, fixtures };
}

/** Every (table, actor, command) whose outcome differs from the declaration; and how many were checked. */
export async function leakMatrix(db: AnyPgDatabase, w: World, { keys, fixtures }: MatrixFixtures): Promise<{ checked: number; mismatches: string[] }> {
    const mismatches: string[] = [];
    let checked = 0;
    for (const actor of actors(db, w)) {
      let where = '';
      await actor
        .run(async (tx) => {
          for (const access of TABLE_ACCESS) {
            const table = access.table;
            const k = keys[table]!;
            const config = getTableConfig(tablesByName.get(table)!);
            const generated = new Set(config.columns.filter((c) => c.generated).map((c) => c.name));
            const insertable = config.columns.map((c) => c.name).filter((c) => !generated.has(c));
            const fixture = { ...fixtures.get(table)! };
            if (ASSIGNED[table]) fixture[ASSIGNED[table]] = 0;
            for (const c of access.counterColumns) fixture[c] = 0; // counters start at 0 (app.counter_starts_at_zero)
            const setCol =
              access.updateColumns?.[0] ??
              config.columns.find(
                (c) => !(c.name in k) && !generated.has(c.name) && !access.hiddenColumns.includes(c.name) && !c.primary,
              )?.name ??
              config.columns[0]!.name;
            const cols = sql.join(insertable.map(ident), sql`, `);
            const statements: Record<Command, SQL> = {
              select: sql`select count(*)::int as n from ${ident(table)} where ${whereKeys(k)}`,
              // VALUES, not INSERT … SELECT: Citus runs the latter through COPY, which RLS refuses
              insert: sql`insert into ${ident(table)} (${cols}) values (${sql.join(
                insertable.map((c) => sql`(jsonb_populate_record(null::${ident(table)}, ${JSON.stringify(fixture)}::jsonb)).${ident(c)}`),
                sql`, `,
              )})`,
              update: sql`update ${ident(table)} set ${ident(setCol)} = ${ident(setCol)} where ${whereKeys(k)} returning 1`,
              delete: sql`delete from ${ident(table)} where ${whereKeys(k)} returning 1`,
            };
            for (const command of COMMANDS) {
              where = `${table} ${command}`;
              const res = await attempt(tx, statements[command]);
              let allowed: boolean;
              if ('code' in res) allowed = res.code !== '42501';
              else if (command === 'select') allowed = (res.rows[0] as { n: number }).n > 0;
              else if (command === 'insert') allowed = true;
              else allowed = res.rows.length > 0;
              const expected = access.expect(actor.profile, command);
              checked++;
              if (allowed !== expected) {
                mismatches.push(
                  `${table} / ${actor.name} / ${command}: expected ${expected ? 'allow' : 'deny'}, got ${allowed ? 'allow' : 'deny'}${'code' in res ? ` (${res.code}${res.code === '0A000' ? `: ${res.message}` : ''})` : ''}`,
                );
              }
            }
          }
        })
        .catch((e) => {
          throw new Error(`${actor.name} at ${where}: ${e.message}`);
        });
    }
    return { checked, mismatches };
}

/** Columns outside a table's updatable set and hidden columns, tried by every actor. */
export async function columnRules(db: AnyPgDatabase, w: World, { keys }: MatrixFixtures): Promise<{ checked: number; mismatches: string[] }> {
    const mismatches: string[] = [];
    let checked = 0;
    for (const actor of actors(db, w)) {
      await actor.run(async (tx) => {
        for (const access of TABLE_ACCESS) {
          const k = keys[access.table]!;
          const columns = getTableConfig(tablesByName.get(access.table)!).columns.map((c) => c.name);
          const locked = access.updateColumns ? columns.filter((c) => !access.updateColumns!.includes(c)) : [];
          for (const col of locked) {
            const res = await attempt(tx, sql`update ${ident(access.table)} set ${ident(col)} = ${ident(col)} where ${whereKeys(k)}`);
            checked++;
            if (!('code' in res) || res.code !== '42501') mismatches.push(`${access.table}.${col} / ${actor.name} / update: not refused`);
          }
          for (const col of access.hiddenColumns) {
            const res = await attempt(tx, sql`select ${ident(col)} from ${ident(access.table)} where ${whereKeys(k)}`);
            checked++;
            if (!('code' in res) || res.code !== '42501') mismatches.push(`${access.table}.${col} / ${actor.name} / select: not refused`);
          }
        }
      });
    }
  return { checked, mismatches };
}
