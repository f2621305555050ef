/**
 * A service's own tables with the package's archetypes: the schema goes through the real
 * drizzle-kit (`export`, as `service-sql` and `push` use it), the statements are applied to a
 * migrated database, and the leak matrix a service runs (`probeTableAccess`) agrees with each
 * declaration for every actor of the fixture world. Both backends.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, projectScoped, type ActorProfile, type TableAccess } from '../src/rls/archetypes.js';
import { probeTableAccess, type ProbeTarget } from '../src/rls/probe.js';
import { parseExport, rlsPolicies, serviceTableStatements, type ExportedSchema } from '../src/rls/service.js';
import { withActor } from '../src/actor.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';
import { rowsOf } from './support/expect.js';
import { notesAccess, prefsAccess } from './fixtures/service-schema.js';

const root = join(import.meta.dirname, '..');
let exported: ExportedSchema;
beforeAll(() => {
  const text = execFileSync(
    join(root, 'node_modules', '.bin', 'drizzle-kit'),
    ['export', '--sql', '--dialect', 'postgresql', '--schema', join(root, 'tests', 'fixtures', 'service-schema.ts')],
    { cwd: root, encoding: 'utf8' },
  );
  exported = parseExport(text);
}, 60_000);

describe('service tables: declarations to statements', () => {
  it('reads drizzle-kit export: tables, columns, RLS switches, policies with their roles and expressions', () => {
    expect(exported.tables.sort()).toEqual(['svc_notes', 'svc_prefs', 'svc_regions', 'svc_secrets']);
    expect(exported.columns.svc_notes).toEqual(['tenant_id', 'id', 'project_id', 'body', 'created_by']);
    expect(exported.rlsTables.sort()).toEqual(['svc_notes', 'svc_prefs', 'svc_regions', 'svc_secrets']);
    const sel = exported.policies.find((p) => p.name === 'svc_notes_select_project_viewer')!;
    expect(sel).toMatchObject({ table: 'svc_notes', command: 'select', roles: ['authenticated'] });
    expect(sel.statement).toContain("USING (tenant_id = (select app.current_tenant_id())");
    expect(exported.policies.find((p) => p.table === 'svc_regions')!.roles).toEqual(['public']);
  });

  it('grants follow the policies: each command to the roles its policy names, the anonymous role only on public reads', () => {
    const s = serviceTableStatements(exported);
    expect(s).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON "svc_notes" TO "authenticated"');
    expect(s).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON "svc_prefs" TO "authenticated"');
    expect(s).toContain('GRANT SELECT ON "svc_regions" TO "authenticated"');
    expect(s).toContain('GRANT SELECT ON "svc_regions" TO "anon"');
    expect(s.filter((x) => x.includes('"svc_secrets"') && x.startsWith('GRANT'))).toEqual([
      'GRANT SELECT, INSERT, UPDATE, DELETE ON "svc_secrets" TO "service_role"',
    ]);
    expect(s).toContain('ALTER TABLE "svc_secrets" FORCE ROW LEVEL SECURITY');
    expect(s.find((x) => x.startsWith('CREATE TRIGGER "svc_notes_stamp_actor"'))).toContain("app.stamp_actor('created_by')");
    expect(s.find((x) => x.startsWith('CREATE TRIGGER "svc_notes_keep_authorship"'))).toContain("app.keep_authorship('created_by')");
    expect(s.some((x) => x.startsWith('CREATE POLICY'))).toBe(false);
    expect(serviceTableStatements(exported, { policies: true }).filter((x) => x.startsWith('CREATE POLICY'))).toHaveLength(
      exported.policies.length,
    );
  });

  it('refuses a service table without RLS, a package table, and column rules it cannot derive', () => {
    expect(() =>
      serviceTableStatements({ ...exported, tables: [...exported.tables, 'leaky'], columns: { ...exported.columns, leaky: ['id'] } }),
    ).toThrow(/without row-level security: leaky/);
    expect(() => rlsPolicies(projectScoped('documents', { read: 'viewer', write: 'contributor' }))).toThrow(/table of the package/);
    expect(() => rlsPolicies(projectScoped('svc_x', { read: 'viewer', write: 'lead', hiddenColumns: ['secret'] }))).toThrow(
      /column-level grants/,
    );
  });
});

describeBackends('service tables on a migrated database: the leak matrix a service runs', (t) => {
  let w: World;
  beforeAll(async () => {
    const { db } = t();
    // what `ai-platform-db push` does for a service: create its tables, then the statements
    const ddl = execFileSync(
      join(root, 'node_modules', '.bin', 'drizzle-kit'),
      ['export', '--sql', '--dialect', 'postgresql', '--schema', join(root, 'tests', 'fixtures', 'service-schema.ts')],
      { cwd: root, encoding: 'utf8' },
    );
    for (const stmt of ddl.split(/;\s*\n/).map((x) => x.trim()).filter(Boolean)) await db.execute(sql.raw(stmt));
    for (const stmt of serviceTableStatements(parseExport(ddl))) await db.execute(sql.raw(stmt));
    w = await createWorld(db);
  }, 60_000);

  const profiles = (): Record<string, { actor: { userId: string; tenantId: string }; profile: ActorProfile }> => {
    const p = (userId: string, tenantId: string, tenantRank: number, projectRank: number, isRowOwner: boolean, belongs: boolean) => ({
      actor: { userId, tenantId },
      profile: { authenticated: true, tenantRank, projectRank, isRowOwner, belongsToTenant: belongs },
    });
    return {
      owner: p(w.users.owner, w.tenantA, 4, 6, false, true),
      admin: p(w.users.admin, w.tenantA, 3, 0, false, true),
      member: p(w.users.member, w.tenantA, 2, 2, true, true),
      viewer: p(w.users.viewer, w.tenantA, 1, 1, false, true),
      outsider: p(w.users.outsider, w.tenantB, 0, 0, false, false),
      forged: p(w.users.outsider, w.tenantA, 0, 0, false, false),
    };
  };

  /** The member's own preferences row of tenant A. */
  const prefsTarget = (): ProbeTarget => ({
    table: 'svc_prefs',
    row: { tenant_id: w.tenantA, user_id: w.users.member, theme: 'dark' },
    key: { tenant_id: w.tenantA, user_id: w.users.member },
    update: { theme: 'light' },
  });

  /** What every actor of the world can do to the target row equals what the declaration says. */
  async function expectMatrix(target: ProbeTarget, access: TableAccess) {
    const seen: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const [name, { actor, profile }] of Object.entries(profiles())) {
      seen[name] = await probeTableAccess(t().db, target, actor);
      want[name] = Object.fromEntries(COMMANDS.map((c) => [c, access.expect(profile, c)]));
    }
    expect(seen).toEqual(want);
  }

  it('a project-scoped service table: every actor can do exactly what the declaration says', async () => {
    const id = '00000000-0000-4000-8000-00000000a001';
    const target = {
      table: 'svc_notes',
      row: { tenant_id: w.tenantA, id, project_id: w.projectA, body: 'b' },
      key: { tenant_id: w.tenantA, id },
      update: { body: 'changed' },
    };
    await expectMatrix(target, notesAccess);
    // probing changed nothing
    expect(rowsOf<{ n: number }>(await t().db.execute(sql`select count(*)::int as n from svc_notes`))[0]!.n).toBe(0);
  });

  it('an owner-scoped service table: only the row owner, in their tenant', async () => {
    const target = prefsTarget();
    await expectMatrix(target, prefsAccess);
  });

  it('the probe sees a leak: an extra permissive policy lets another tenant read, and the matrix says so', async () => {
    const target = prefsTarget();
    const outsider = profiles().outsider!.actor;
    expect((await probeTableAccess(t().db, target, outsider)).select).toBe(false);
    await t().db.execute(sql`create policy svc_prefs_leak on svc_prefs for select using (true)`);
    try {
      expect((await probeTableAccess(t().db, target, outsider)).select).toBe(true);
    } finally {
      await t().db.execute(sql`drop policy svc_prefs_leak on svc_prefs`);
    }
  });

  it('authorship on a service table is the acting user, whatever the client sends', async () => {
    const [row] = rowsOf<{ created_by: string }>(
      await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        tx.execute(
          sql`insert into svc_notes (tenant_id, project_id, body, created_by) values (${w.tenantA}, ${w.projectA}, 'x', ${w.users.owner}) returning created_by`,
        ),
      ),
    );
    expect(row!.created_by).toBe(w.users.member);
    // and kept: an UPDATE may not rewrite it (the table's UPDATE grant is per table)
    await expect(
      withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        tx.execute(sql`update svc_notes set created_by = ${w.users.owner} where created_by = ${w.users.member}`),
      ),
    ).rejects.toThrow();
    const body = await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
      tx.execute(sql`update svc_notes set body = 'edited' where created_by = ${w.users.member} returning body`),
    );
    expect(rowsOf<{ body: string }>(body)[0]!.body).toBe('edited');
  });
});
