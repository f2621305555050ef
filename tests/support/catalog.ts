/**
 * A normalised dump of what a database's schema is made of — tables (RLS flags), columns,
 * constraints, indexes, policies, functions, triggers, enums, grants, extensions — one
 * sorted line per object, so two databases built two ways can be compared line by line.
 * Monthly partitions are left out (their months depend on the day the database was built)
 * and so is drizzle's own bookkeeping schema.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db.js';
import { DEFAULT_ROLES } from '../../src/rls/roles.js';
import { rowsOf } from './expect.js';

const NOT_PARTITION = `!~ '_p[0-9]{6}$'`;
const ROLES = Object.values(DEFAULT_ROLES)
  .map((r) => `'${r}'`)
  .join(', ');

const QUERIES = [
  `select 'table ' || c.relname || ' kind=' || c.relkind::text || ' rls=' || c.relrowsecurity::text || ' force=' || c.relforcerowsecurity::text
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and c.relname ${NOT_PARTITION}
      and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')`,
  `select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
          || ' notnull=' || a.attnotnull::text || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
          || ' generated=' || a.attgenerated::text
     from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
      and c.relname ${NOT_PARTITION}
      and not exists (select 1 from pg_depend x where x.objid = c.oid and x.deptype = 'e')`,
  `select 'constraint ' || c.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid)
     from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname ${NOT_PARTITION}`,
  `select 'index ' || tablename || '.' || indexname || ' ' || indexdef from pg_indexes
    where schemaname = 'public' and tablename ${NOT_PARTITION}`,
  `select 'policy ' || tablename || '.' || policyname || ' ' || permissive || ' ' || roles::text || ' ' || cmd
          || ' using=' || coalesce(qual, '') || ' check=' || coalesce(with_check, '')
     from pg_policies where schemaname = 'public'`,
  `select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
          || md5(pg_get_functiondef(p.oid)) || ' definer=' || p.prosecdef::text || ' acl=' || coalesce(p.proacl::text, '')
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'app') and p.prokind in ('f', 'p')
      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
  `select 'trigger ' || c.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
     from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and not t.tgisinternal and c.relname ${NOT_PARTITION}`,
  `select 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder)
     from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'public' group by t.typname`,
  `select 'grant ' || table_name || ' ' || grantee || ' ' || privilege_type from information_schema.role_table_grants
    where table_schema = 'public' and grantee in (${ROLES}) and table_name ${NOT_PARTITION}`,
  `select 'column grant ' || table_name || '.' || column_name || ' ' || grantee || ' ' || privilege_type
     from information_schema.column_privileges
    where table_schema = 'public' and grantee in (${ROLES}) and table_name ${NOT_PARTITION}`,
  `select 'extension ' || extname from pg_extension`,
  `select 'role ' || rolname || ' bypassrls=' || rolbypassrls::text || ' login=' || rolcanlogin::text from pg_roles where rolname in (${ROLES})`,
];

export async function catalogLines(db: Db): Promise<string[]> {
  const out: string[] = [];
  for (const q of QUERIES) {
    for (const row of rowsOf<Record<string, string>>(await db.execute(sql.raw(q)))) out.push(Object.values(row)[0]!);
  }
  return out.sort();
}
