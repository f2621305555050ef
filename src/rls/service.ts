/**
 * Row-level security for a service's own tables, with the package's archetypes.
 *
 *   const notesAccess = projectScoped('project_notes', { read: 'viewer', write: 'contributor' });
 *   export const projectNotes = pgTable('project_notes', { ... }, (t) => [..., ...rlsPolicies(notesAccess)]);
 *
 * `rlsPolicies` gives the declaration's policies as Drizzle `pgPolicy` objects with their full
 * expressions, so `drizzle-kit generate` writes them (and ENABLE ROW LEVEL SECURITY) into the
 * service's migrations. What drizzle-kit never writes — FORCE ROW LEVEL SECURITY and the
 * grants — `serviceTableStatements` derives from the schema as drizzle-kit exports it:
 * every command a policy covers is granted to the roles the policy names, nothing else; the
 * authorship columns are stamped on INSERT and kept on UPDATE
 * (`ai-platform-db service-sql` prints it for a custom migration; `ai-platform-db push`
 * applies it). Grants follow policies, so a table cannot be granted what no policy allows.
 */
import { sql } from 'drizzle-orm';
import { pgPolicy, type PgPolicy } from 'drizzle-orm/pg-core';
import type { Command, TableAccess } from './archetypes.js';
import { STAMPED_COLUMN_NAMES, TABLE_ACCESS } from './policies.js';
import { quoteIdent, resolveRoles, type RoleNames } from './roles.js';
import { PARTITIONED_TABLES } from '../schema/partitioned.js';

/** A service table's declaration as Drizzle policies (for the table's extra config). */
export function rlsPolicies(access: TableAccess, roles: Partial<RoleNames> = {}): PgPolicy[] {
  const r = resolveRoles(roles);
  if (PACKAGE_TABLES.has(access.table)) {
    throw new TypeError(`${access.table} is a table of the package: its policies come with the package`);
  }
  if (access.hiddenColumns.length > 0 || access.updateColumns) {
    throw new TypeError(
      `${access.table}: column-level grants (hiddenColumns, updateColumns) are not derived for service tables; keep secrets in a service-only table`,
    );
  }
  return access.policies.map((p) =>
    pgPolicy(p.name, {
      as: 'permissive',
      for: p.command,
      // the anonymous role only where the declaration grants it; otherwise the app role
      to: access.anonGrants.includes(p.command) ? 'public' : r.app,
      ...(p.using !== undefined ? { using: sql.raw(p.using) } : {}),
      ...(p.withCheck !== undefined ? { withCheck: sql.raw(p.withCheck) } : {}),
    }),
  );
}

/** Tables of the package (a service's statements never touch them). */
export const PACKAGE_TABLES: ReadonlySet<string> = new Set([
  ...TABLE_ACCESS.map((a) => a.table),
  ...PARTITIONED_TABLES.map((p) => p.table),
]);

export interface ExportedPolicy {
  name: string;
  table: string;
  command: Command | 'all';
  roles: string[];
  /** The statement as drizzle-kit wrote it (full expressions). */
  statement: string;
}

export interface ExportedSchema {
  /** Tables created in `public` (service tables and, when re-exported, the package's). */
  tables: string[];
  /** Column names of each table. */
  columns: Record<string, string[]>;
  /** Tables with ENABLE ROW LEVEL SECURITY. */
  rlsTables: string[];
  /** Enum types created in `public`. */
  enums: string[];
  policies: ExportedPolicy[];
}

const IDENT = '"((?:[^"]|"")+)"';
const unq = (s: string) => s.replace(/""/g, '"');
const q = quoteIdent;

/** Reads what `drizzle-kit export` printed: tables, RLS switches and policies (schema `public`). */
export function parseExport(text: string): ExportedSchema {
  const statements = text
    .split(/;\s*(?:\r?\n|$)/)
    .map((s) => s.replace(/^(\s*-->[^\n]*\n)+/, '').trim())
    .filter(Boolean);
  const table = `(?:"public"\\.)?${IDENT}`;
  const out: ExportedSchema = { tables: [], columns: {}, rlsTables: [], enums: [], policies: [] };
  for (const s of statements) {
    let m = new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?${table}`).exec(s);
    if (m) {
      const name = unq(m[1]!);
      out.tables.push(name);
      out.columns[name] = [...s.matchAll(/^\s*"((?:[^"]|"")+)"\s+\S/gm)].map((c) => unq(c[1]!));
      continue;
    }
    m = new RegExp(`^CREATE TYPE ${table} AS ENUM`).exec(s);
    if (m) {
      out.enums.push(unq(m[1]!));
      continue;
    }
    m = new RegExp(`^ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY$`).exec(s);
    if (m) {
      out.rlsTables.push(unq(m[1]!));
      continue;
    }
    m = new RegExp(`^CREATE POLICY ${IDENT} ON ${table} AS (?:PERMISSIVE|RESTRICTIVE) FOR (ALL|SELECT|INSERT|UPDATE|DELETE) TO (.+?)(?: USING \\(| WITH CHECK \\(|$)`, 's').exec(
      s,
    );
    if (m) {
      out.policies.push({
        name: unq(m[1]!),
        table: unq(m[2]!),
        command: m[3]!.toLowerCase() as ExportedPolicy['command'],
        roles: m[4]!.split(',').map((x) => unq(x.trim().replace(/^"|"$/g, ''))),
        statement: s,
      });
    }
  }
  return out;
}

const ALL: Command[] = ['select', 'insert', 'update', 'delete'];

/**
 * The statements a service's tables need besides what drizzle-kit writes (and, for push, the
 * policies again in full: drizzle-kit 0.31's push drops their expressions). Only tables that
 * are not the package's and have RLS enabled; every statement is idempotent.
 */
export function serviceTableStatements(
  exported: ExportedSchema,
  options: { roles?: Partial<RoleNames>; policies?: boolean } = {},
): string[] {
  const r = resolveRoles(options.roles);
  const out: string[] = [];
  const own = exported.tables.filter((t) => !PACKAGE_TABLES.has(t));
  const unprotected = own.filter((t) => !exported.rlsTables.includes(t));
  if (unprotected.length > 0) {
    throw new TypeError(
      `service tables without row-level security: ${unprotected.join(', ')} (give each rlsPolicies(...) or serviceOnly(...) policies, or keep it out of public)`,
    );
  }
  for (const t of own) {
    const policies = exported.policies.filter((p) => p.table === t);
    out.push(`ALTER TABLE ${q(t)} ENABLE ROW LEVEL SECURITY`, `ALTER TABLE ${q(t)} FORCE ROW LEVEL SECURITY`);
    if (options.policies) {
      for (const p of policies) out.push(`DROP POLICY IF EXISTS ${q(p.name)} ON ${q(t)}`, p.statement);
    }
    out.push(`REVOKE ALL ON ${q(t)} FROM ${q(r.app)}, ${q(r.anon)}, ${q(r.service)}`);
    const grants = new Map<string, Set<Command>>();
    for (const p of policies) {
      const to = p.roles.flatMap((role) => (role === 'public' ? [r.app, r.anon] : [role]));
      for (const role of to) {
        if (role !== r.app && role !== r.anon) continue;
        const set = grants.get(role) ?? new Set<Command>();
        for (const c of p.command === 'all' ? ALL : [p.command]) set.add(c);
        grants.set(role, set);
      }
    }
    for (const [role, commands] of grants) {
      out.push(`GRANT ${ALL.filter((c) => commands.has(c)).map((c) => c.toUpperCase()).join(', ')} ON ${q(t)} TO ${q(role)}`);
    }
    out.push(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${q(t)} TO ${q(r.service)}`);
    // authorship: the acting user, never the client, as the package's tables do
    const stamped = (exported.columns[t] ?? []).filter((c) => (STAMPED_COLUMN_NAMES as readonly string[]).includes(c));
    if (stamped.length > 0) {
      out.push(
        `DROP TRIGGER IF EXISTS ${q(`${t}_stamp_actor`)} ON ${q(t)}`,
        `CREATE TRIGGER ${q(`${t}_stamp_actor`)} BEFORE INSERT ON ${q(t)} FOR EACH ROW EXECUTE FUNCTION app.stamp_actor(${stamped.map((c) => `'${c}'`).join(', ')})`,
        `DROP TRIGGER IF EXISTS ${q(`${t}_keep_authorship`)} ON ${q(t)}`,
        `CREATE TRIGGER ${q(`${t}_keep_authorship`)} BEFORE UPDATE ON ${q(t)} FOR EACH ROW EXECUTE FUNCTION app.keep_authorship(${stamped.map((c) => `'${c}'`).join(', ')})`,
      );
    }
  }
  return out;
}
