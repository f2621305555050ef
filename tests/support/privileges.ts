/**
 * The end-user privilege matrix: what the declarations (`TABLE_ACCESS`) allow each API role,
 * to the column, compared with the database's catalog (tests/privileges.test.ts, and the
 * Supabase-shaped database of tests/supabase.test.ts).
 */
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { Db } from '../../src/db.js';
import { rows } from '../../src/queries/util.js';
import { tablesByName } from '../../src/rls/drizzle.js';
import { TABLE_ACCESS } from '../../src/rls/policies.js';
import { DEFAULT_ROLES } from '../../src/rls/roles.js';
import { PARTITIONED_TABLES } from '../../src/schema/partitioned.js';

const { app, anon, service } = DEFAULT_ROLES;
const COLUMN_PRIVS = ['SELECT', 'INSERT', 'UPDATE'] as const;
const TABLE_PRIVS = ['DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES'] as const;

/** What the declarations allow: role → table → privilege → column (or '*') → allowed. */
function declared(role: string, table: string, priv: string, column?: string): boolean {
  const a = TABLE_ACCESS.find((x) => x.table === table)!;
  if (role === service) {
    if (priv === 'SELECT' || priv === 'INSERT') return true;
    if (priv === 'UPDATE' || priv === 'DELETE') return !a.appendOnly;
    return false;
  }
  const grants = role === app ? a.grants : a.anonGrants;
  switch (priv) {
    case 'SELECT':
      return grants.includes('select') && !(role === app && column && a.hiddenColumns.includes(column));
    case 'INSERT':
      return grants.includes('insert');
    case 'UPDATE':
      return grants.includes('update') && !(role === app && column && a.updateColumns && !a.updateColumns.includes(column));
    case 'DELETE':
      return grants.includes('delete');
    default:
      return false; // TRUNCATE, TRIGGER, REFERENCES: never through the API roles
  }
}

/** Every difference between the catalog and the declarations. */
export async function privilegeMismatches(db: Db): Promise<string[]> {
  const out: string[] = [];
  const cells: { role: string; table: string; priv: string; column: string | null }[] = [];
  for (const a of TABLE_ACCESS) {
    const columns = getTableConfig(tablesByName.get(a.table)!).columns.map((c) => c.name);
    for (const role of [app, anon, service]) {
      for (const priv of COLUMN_PRIVS) for (const column of columns) cells.push({ role, table: a.table, priv, column });
      for (const priv of TABLE_PRIVS) cells.push({ role, table: a.table, priv, column: null });
    }
  }
  const actual = await rows<{ i: number; ok: boolean }>(
    db,
    sql`select c.i::int as i,
               case when c.col is null then has_table_privilege(c.role, 'public.' || quote_ident(c.tbl), c.priv)
                    else has_column_privilege(c.role, 'public.' || quote_ident(c.tbl), c.col, c.priv) end as ok
        from jsonb_to_recordset(${JSON.stringify(cells.map((c, i) => ({ i, role: c.role, tbl: c.table, priv: c.priv, col: c.column })))}::jsonb)
             as c(i int, role text, tbl text, priv text, col text)`,
  );
  for (const { i, ok } of actual) {
    const c = cells[i]!;
    const want = declared(c.role, c.table, c.priv, c.column ?? undefined);
    if (ok !== want) out.push(`${c.role} ${c.priv} ${c.table}${c.column ? `.${c.column}` : ''}: catalog ${ok}, declared ${want}`);
  }
  // partitions: nothing for the API roles (the parent, with its policies, is the door)
  const parts = await rows<{ part: string; role: string; priv: string }>(
    db,
    sql`select c.relname as part, r.role, p.priv
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        cross join (values (${app}), (${anon}), (${service})) r(role)
        cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) p(priv)
        where i.inhparent = any (${`{${PARTITIONED_TABLES.map((p) => `public.${p.table}`).join(',')}}`}::regclass[])
          and has_table_privilege(r.role, c.oid, p.priv)`,
  );
  for (const p of parts) out.push(`${p.role} ${p.priv} partition ${p.part}`);
  // no table in public that no declaration names, and no sequence the API roles can use
  const undeclared = await rows<{ t: string }>(
    db,
    sql`select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
          and c.relname <> all (${`{${TABLE_ACCESS.map((a) => a.table).join(',')}}`}::text[])`,
  );
  for (const u of undeclared) out.push(`table ${u.t} has no declaration`);
  const seqs = await rows<{ s: string; role: string }>(
    db,
    sql`select c.relname as s, r.role from pg_class c join pg_namespace n on n.oid = c.relnamespace
        cross join (values (${app}), (${anon})) r(role)
        where n.nspname = 'public' and c.relkind = 'S' and has_sequence_privilege(r.role, c.oid, 'USAGE')`,
  );
  for (const q of seqs) out.push(`${q.role} may use sequence ${q.s}`);
  return out;
}

