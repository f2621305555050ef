/**
 * Emits the complete row-level-security SQL from the declarations: roles, helper functions,
 * ENABLE + FORCE on every table, policies, and least-privilege grants. The committed
 * migrations apply the same SQL (helpers and roles first, policies through drizzle-kit,
 * FORCE and grants last); `tests/rls-drift.test.ts` proves the database equals this output.
 */
import { helperFunctionsSql } from './helpers.js';
import { TABLE_ACCESS } from './policies.js';
import { quoteIdent, resolveRoles, type RoleNames } from './roles.js';
import { visibleColumns } from './tables.js';
import type { PolicyDecl } from './archetypes.js';

export type RlsSection = 'roles' | 'helpers' | 'enable' | 'policies' | 'grants';
export const ALL_SECTIONS: readonly RlsSection[] = ['roles', 'helpers', 'enable', 'policies', 'grants'];

export interface EmitRlsOptions {
  /** Role names; defaults are Supabase's (authenticated, service_role, anon). */
  roles?: Partial<RoleNames>;
  /** Which parts to emit, in this order. Default: all. */
  sections?: readonly RlsSection[];
  /** Only these tables (default: every table). */
  tables?: readonly string[];
}

const q = quoteIdent;

export function policySql(p: PolicyDecl): string {
  let s = `CREATE POLICY ${q(p.name)} ON ${q(p.table)} AS PERMISSIVE FOR ${p.command.toUpperCase()} TO public`;
  if (p.using !== undefined) s += ` USING (${p.using})`;
  if (p.withCheck !== undefined) s += ` WITH CHECK (${p.withCheck})`;
  return s;
}

function rolesSql(r: RoleNames): string[] {
  const create = (name: string, attrs: string) => `
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN
    BEGIN
      CREATE ROLE ${q(name)} ${attrs};
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by another database of this cluster
    END;
  END IF;`;
  return [
    // Roles are per cluster: create them only when missing, tolerating a racing creator.
    `DO $roles$
BEGIN${create(r.app, 'NOLOGIN NOINHERIT')}${create(r.service, 'NOLOGIN NOINHERIT BYPASSRLS')}${create(r.anon, 'NOLOGIN NOINHERIT')}
END
$roles$`,
    `GRANT USAGE ON SCHEMA public TO ${q(r.app)}, ${q(r.service)}, ${q(r.anon)}`,
  ];
}

function grantsSql(r: RoleNames, tables: readonly string[]): string[] {
  const out: string[] = [`GRANT USAGE ON SCHEMA app TO ${q(r.app)}, ${q(r.service)}, ${q(r.anon)}`];
  for (const access of TABLE_ACCESS) {
    if (!tables.includes(access.table)) continue;
    const t = q(access.table);
    out.push(`REVOKE ALL ON ${t} FROM ${q(r.app)}, ${q(r.service)}, ${q(r.anon)}`);
    const appCommands = access.grants.filter(
      (c) => !(access.hiddenColumns.length > 0 && c === 'select') && !(access.updateColumns && c === 'update'),
    );
    if (appCommands.length > 0) {
      out.push(`GRANT ${appCommands.map((c) => c.toUpperCase()).join(', ')} ON ${t} TO ${q(r.app)}`);
    }
    if (access.updateColumns && access.grants.includes('update')) {
      out.push(`GRANT UPDATE (${access.updateColumns.map(q).join(', ')}) ON ${t} TO ${q(r.app)}`);
    }
    if (access.hiddenColumns.length > 0 && access.grants.includes('select')) {
      out.push(`GRANT SELECT (${visibleColumns(access).map(q).join(', ')}) ON ${t} TO ${q(r.app)}`);
    }
    if (access.anonGrants.length > 0) {
      out.push(`GRANT ${access.anonGrants.map((c) => c.toUpperCase()).join(', ')} ON ${t} TO ${q(r.anon)}`);
    }
    // The service role bypasses RLS but still cannot rewrite history.
    out.push(
      `GRANT ${access.appendOnly ? 'SELECT, INSERT' : 'SELECT, INSERT, UPDATE, DELETE'} ON ${t} TO ${q(r.service)}`,
    );
  }
  return out;
}

/** The RLS SQL as a list of single statements (what migrations and PGlite execute). */
export function rlsStatements(options: EmitRlsOptions = {}): string[] {
  const roles = resolveRoles(options.roles);
  const sections = options.sections ?? ALL_SECTIONS;
  const tables = options.tables ?? TABLE_ACCESS.map((a) => a.table);
  const out: string[] = [];
  for (const section of sections) {
    switch (section) {
      case 'roles':
        out.push(...rolesSql(roles));
        break;
      case 'helpers':
        out.push(...helperFunctionsSql());
        break;
      case 'enable':
        for (const t of tables) {
          out.push(`ALTER TABLE ${q(t)} ENABLE ROW LEVEL SECURITY`, `ALTER TABLE ${q(t)} FORCE ROW LEVEL SECURITY`);
        }
        break;
      case 'policies':
        for (const access of TABLE_ACCESS) {
          if (!tables.includes(access.table)) continue;
          for (const p of access.policies) {
            out.push(`DROP POLICY IF EXISTS ${q(p.name)} ON ${q(p.table)}`, policySql(p));
          }
        }
        break;
      case 'grants':
        out.push(...grantsSql(roles, tables));
        break;
    }
  }
  return out;
}

/**
 * The whole RLS setup as one SQL script (roles, helpers, ENABLE/FORCE, policies, grants),
 * idempotent: it can be applied to a database that already has it.
 */
export function emitRlsSql(options: EmitRlsOptions = {}): string {
  return (
    rlsStatements(options)
      .map((s) => `${s};`)
      .join('\n\n') + '\n'
  );
}
