/**
 * RLS beyond the matrix: catalog invariants, no drift between the database and the
 * declarations, Supabase emulation, the cost of the policies (EXPLAIN), and attacks.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import type { Db } from '../src/db.js';
import { ConstraintError, ForbiddenError } from '../src/queries/errors.js';
import { emitRlsSql, rlsStatements } from '../src/rls/emit.js';
import { TABLE_ACCESS } from '../src/rls/policies.js';
import * as s from '../src/schema/index.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, unitVector, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const q = async <T>(db: Db | Parameters<Parameters<Db['transaction']>[0]>[0], query: ReturnType<typeof sql>) =>
  rowsOf<T>(await db.execute(query));

describeBackends('RLS catalog invariants', (t) => {
  it('has RLS enabled and forced on every table, partitions included', async () => {
    const rows = await q<{ relname: string; enabled: boolean; forced: boolean }>(
      t().db,
      sql`select c.relname, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')`,
    );
    expect(rows.length).toBeGreaterThan(TABLE_ACCESS.length);
    expect(rows.filter((r) => !r.enabled || !r.forced).map((r) => r.relname)).toEqual([]);
  });

  it('gives every table a policy or an explicit service-only (deny-all) declaration', async () => {
    const rows = await q<{ relname: string; policies: number; partition: boolean }>(
      t().db,
      sql`select c.relname, c.relispartition as partition,
                 (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')`,
    );
    const declared = new Map(TABLE_ACCESS.map((a) => [a.table, a]));
    for (const r of rows) {
      if (r.partition) {
        // reached only through the parent: no policy, no grant to the app role
        expect(r.policies, r.relname).toBe(0);
        continue;
      }
      const access = declared.get(r.relname);
      expect(access, `table ${r.relname} has no access declaration`).toBeDefined();
      if (access!.archetype === 'service_only') expect(r.policies, r.relname).toBe(0);
      else expect(r.policies, r.relname).toBeGreaterThan(0);
    }
  });

  it('keeps application roles unprivileged: no superuser, no BYPASSRLS, no table ownership', async () => {
    const roles = await q<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owns: number }>(
      t().db,
      sql`select r.rolname, r.rolsuper, r.rolbypassrls,
                 (select count(*)::int from pg_class c where c.relowner = r.oid) as owns
          from pg_roles r where r.rolname in ('authenticated', 'anon', 'service_role') order by 1`,
    );
    expect(roles.map((r) => r.rolname)).toEqual(['anon', 'authenticated', 'service_role']);
    for (const r of roles) {
      expect(r.rolsuper, r.rolname).toBe(false);
      expect(r.owns, r.rolname).toBe(0);
      expect(r.rolbypassrls, r.rolname).toBe(r.rolname === 'service_role');
    }
  });

  it('pins search_path on every SECURITY DEFINER function', async () => {
    const fns = await q<{ name: string; config: string[] | null }>(
      t().db,
      sql`select p.oid::regprocedure::text as name, p.proconfig as config
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where p.prosecdef and n.nspname in ('app', 'public')`,
    );
    expect(fns.length).toBeGreaterThan(10);
    const unpinned = fns.filter((f) => !(f.config ?? []).some((c) => c.startsWith('search_path=')));
    expect(unpinned.map((f) => f.name)).toEqual([]);
  });

  it('never grants UPDATE or DELETE on append-only tables, nor SELECT on secret columns', async () => {
    const appendOnly = TABLE_ACCESS.filter((a) => a.appendOnly).map((a) => a.table);
    const grants = await q<{ table_name: string; grantee: string; privilege_type: string }>(
      t().db,
      sql`select table_name, grantee, privilege_type from information_schema.role_table_grants
          where table_schema = 'public' and grantee in ('authenticated', 'anon', 'service_role')
            and privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE')`,
    );
    expect(grants.filter((g) => appendOnly.includes(g.table_name))).toEqual([]);
    const secret = TABLE_ACCESS.flatMap((a) => a.hiddenColumns.map((c) => [a.table, c] as const));
    expect(secret.length).toBeGreaterThan(0);
    for (const [table, column] of secret) {
      const [row] = await q<{ ok: boolean }>(
        t().db,
        sql`select has_column_privilege('authenticated', ${`public.${table}`}, ${column}, 'SELECT') as ok`,
      );
      expect(row!.ok, `${table}.${column}`).toBe(false);
    }
  });
});

describeBackends('RLS drift: the database equals the declarations', (t) => {
  type PolicyRow = {
    tablename: string;
    policyname: string;
    cmd: string;
    roles: string;
    qual: string | null;
    with_check: string | null;
  };
  const snapshot = async (db: Db | Parameters<Parameters<Db['transaction']>[0]>[0]) =>
    q<PolicyRow>(
      db,
      sql`select tablename, policyname, cmd, roles::text as roles, qual, with_check
          from pg_policies where schemaname = 'public' order by tablename, policyname`,
    );
  const grantsSnapshot = async (db: Db | Parameters<Parameters<Db['transaction']>[0]>[0]) =>
    q<{ g: string }>(
      db,
      sql`select table_name || ':' || grantee || ':' || privilege_type as g from information_schema.role_table_grants
          where table_schema = 'public' and grantee in ('authenticated', 'anon', 'service_role')
          union all
          select table_name || '.' || column_name || ':' || grantee || ':' || privilege_type from information_schema.column_privileges
          where table_schema = 'public' and grantee in ('authenticated', 'anon')
          order by 1`,
    );

  it('has exactly the declared policies, with the declared bodies (re-applying them changes nothing)', async () => {
    const { db } = t();
    const before = await snapshot(db);
    const declaredNames = TABLE_ACCESS.flatMap((a) => a.policies.map((p) => p.name)).sort();
    expect(before.map((p) => p.policyname).sort()).toEqual(declaredNames);
    // Re-create every policy from the declarations inside a transaction, compare, roll back.
    class Undo extends Error {}
    let after: PolicyRow[] = [];
    await db
      .transaction(async (tx) => {
        for (const stmt of rlsStatements({ sections: ['policies'] })) await tx.execute(sql.raw(stmt));
        after = await snapshot(tx);
        throw new Undo();
      })
      .catch((e) => {
        if (!(e instanceof Undo)) throw e;
      });
    expect(after).toEqual(before);
    for (const p of before) {
      expect(p.roles).toBe('{public}');
      const decl = TABLE_ACCESS.flatMap((a) => a.policies).find((d) => d.name === p.policyname)!;
      expect(p.cmd.toLowerCase()).toBe(decl.command);
      expect(p.qual === null).toBe(decl.using === undefined);
      expect(p.with_check === null).toBe(decl.withCheck === undefined);
    }
  });

  it('has exactly the declared grants and helper functions', async () => {
    const { db } = t();
    const before = await grantsSnapshot(db);
    const fnsBefore = await q<{ src: string }>(
      db,
      sql`select p.proname || ':' || p.prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'app' order by 1`,
    );
    class Undo extends Error {}
    let after: { g: string }[] = [];
    let fnsAfter: { src: string }[] = [];
    await db
      .transaction(async (tx) => {
        for (const stmt of rlsStatements({ sections: ['helpers', 'grants'] })) await tx.execute(sql.raw(stmt));
        after = await grantsSnapshot(tx);
        fnsAfter = await q(
          tx,
          sql`select p.proname || ':' || p.prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where n.nspname = 'app' order by 1`,
        );
        throw new Undo();
      })
      .catch((e) => {
        if (!(e instanceof Undo)) throw e;
      });
    expect(after).toEqual(before);
    expect(fnsAfter).toEqual(fnsBefore);
  });
});

describeBackends('RLS behind Supabase (emulated)', (t) => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('works with the statements Supabase runs per request, and with auth.uid()', async () => {
    const { db } = t();
    await db.execute(sql.raw(`create schema if not exists auth`));
    await db.execute(sql.raw(`grant usage on schema auth to authenticated, anon`));
    // supabase/auth's definition of auth.uid()
    await db.execute(
      sql.raw(`create or replace function auth.uid() returns uuid language sql stable as $$
        select nullif(coalesce(current_setting('request.jwt.claim.sub', true),
          (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')), '')::uuid $$`),
    );
    const jwt = JSON.stringify({
      sub: w.users.member,
      role: 'authenticated',
      tenant_id: w.tenantA,
      aud: 'authenticated',
    });
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`set local role authenticated`);
      await tx.execute(sql`select set_config('request.jwt.claims', ${jwt}, true)`);
      const [who] = await q<{ uid: string; ours: string }>(
        tx,
        sql`select auth.uid()::text as uid, app.current_user_id()::text as ours`,
      );
      expect(who).toEqual({ uid: w.users.member, ours: w.users.member });
      return q<{ id: string }>(tx, sql`select id from projects`);
    });
    expect(rows.map((r) => r.id)).toEqual([w.projectA]);
    // the legacy per-claim setting Supabase also sets
    const legacy = await db.transaction(async (tx) => {
      await tx.execute(sql`set local role authenticated`);
      await tx.execute(sql`select set_config('request.jwt.claim.sub', ${w.users.outsider}, true)`);
      await tx.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify({ tenant_id: w.tenantB })}, true)`);
      return q<{ id: string }>(tx, sql`select id from projects`);
    });
    expect(legacy.map((r) => r.id)).toEqual([w.projectB]);
    // anon sees no tenant data
    const anon = await db.transaction(async (tx) => {
      await tx.execute(sql`set local role anon`);
      return q<{ n: number }>(tx, sql`select count(*)::int as n from llm_providers`);
    });
    expect(anon[0]!.n).toBeGreaterThanOrEqual(0);
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`set local role anon`);
        await tx.execute(sql`select count(*) from projects`);
      }),
    ).rejects.toThrow();
  });

  it('renders the same policies for other role names', () => {
    const out = emitRlsSql({ roles: { app: 'app_user', service: 'app_service', anon: 'app_anon' } });
    expect(out).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON "documents" TO "app_user"');
    expect(out).toContain('CREATE ROLE "app_service" NOLOGIN NOINHERIT BYPASSRLS');
    expect(out).not.toContain('"authenticated"');
    expect(() => emitRlsSql({ roles: { app: 'x; drop table users' } })).toThrow(TypeError);
  });
});

describeBackends('RLS cost: helpers evaluated once per statement, index scans', (t) => {
  let w: World;
  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    // other tenants' rows, so the tenant predicate is selective
    for (let i = 0; i < 30; i++) {
      const [tenant] = await db
        .insert(s.tenants)
        .values({ name: `bulk ${i}`, slug: `bulk-${i}-${w.tenantA.slice(0, 8)}` })
        .returning();
      const [project] = await db.insert(s.projects).values({ tenantId: tenant!.id, name: 'p' }).returning();
      await db
        .insert(s.dataSources)
        .values(Array.from({ length: 40 }, (_, j) => ({ tenantId: tenant!.id, name: `s${j}`, type: 'text' as const })));
      await db.insert(s.documents).values(
        Array.from({ length: 40 }, (_, j) => ({
          tenantId: tenant!.id,
          projectId: project!.id,
          kind: 'prd' as const,
          title: `d${j}`,
        })),
      );
      await db.insert(s.workspaceFiles).values(
        Array.from({ length: 40 }, (_, j) => ({
          tenantId: tenant!.id,
          userId: w.users.stranger,
          path: `f${i}/${j}`,
          name: 'f',
        })),
      );
    }
    await db.insert(s.dataSources).values({ tenantId: w.tenantA, name: 'mine', type: 'text' });
    await db.execute(sql`analyze`);
  });

  const queries: Record<string, string> = {
    tenant: `select * from data_sources where name = 'mine'`,
    project: `select id, title from documents where kind = 'prd'`,
    owner: `select id, path from workspace_files`,
    custom: `select id from tasks`,
  };
  for (const [archetype, query] of Object.entries(queries)) {
    it(`${archetype} archetype: InitPlan for the helpers, index scan, no per-row function`, async () => {
      const plan = await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const rows = await q<{ 'QUERY PLAN': string }>(tx, sql.raw(`explain ${query}`));
        return rows.map((r) => r['QUERY PLAN']);
      });
      const text = plan.join('\n');
      expect(text).toMatch(/InitPlan/);
      expect(text).toMatch(/Index Scan|Index Only Scan|Bitmap Index Scan/);
      // predicates compare columns with InitPlan results; the helpers never appear per row
      const perRow = plan.filter((l) => /(Filter|Index Cond|Recheck Cond):/.test(l) && /app\.\w+\(/.test(l));
      expect(perRow).toEqual([]);
    });
  }
});

describeBackends('RLS attacks are refused', (t) => {
  let w: World;
  let docB: string;
  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    const [d] = await db
      .insert(s.documents)
      .values({ tenantId: w.tenantB, projectId: w.projectB, kind: 'prd', title: 'secret plan' })
      .returning();
    docB = d!.id;
    await db.insert(s.documents).values({ tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'our plan' });
  });
  const asMember = <T>(fn: Parameters<typeof withActor<T>>[2]) =>
    withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, fn);

  it('refuses inserting a row for another tenant', async () => {
    await rejectsWith(
      asMember((tx) => tx.insert(s.dataSources).values({ tenantId: w.tenantB, name: 'x', type: 'text' })),
      ForbiddenError,
    );
  });

  it("refuses pointing a foreign key at another tenant's row", async () => {
    // a member: RLS refuses first (B's project is not one of theirs)
    await rejectsWith(
      asMember((tx) =>
        tx.insert(s.documents).values({ tenantId: w.tenantA, projectId: w.projectB, kind: 'prd', title: 'x' }),
      ),
      ForbiddenError,
    );
    // an admin of A passes RLS for tenant A, and the key (tenant_id, project_id) has no such parent
    const err = await rejectsWith(
      withActor(t().db, { userId: w.users.admin, tenantId: w.tenantA }, (tx) =>
        tx.insert(s.documents).values({ tenantId: w.tenantA, projectId: w.projectB, kind: 'prd', title: 'x' }),
      ),
      ConstraintError,
    );
    expect(err.constraint).toBe('documents_project_id_fk');
    // even the migration owner cannot
    await rejectsWith(
      t().db.insert(s.documents).values({ tenantId: w.tenantA, projectId: w.projectB, kind: 'prd', title: 'x' }),
      ConstraintError,
    );
  });

  it('refuses a member granting themselves admin, and an admin granting themselves owner', async () => {
    const changed = await asMember((tx) =>
      tx.execute(sql`update tenant_memberships set role = 'admin' where user_id = ${w.users.member} returning 1`),
    );
    expect(rowsOf(changed)).toEqual([]);
    await rejectsWith(
      asMember((tx) =>
        tx.insert(s.tenantMemberships).values({ tenantId: w.tenantB, userId: w.users.member, role: 'admin' }),
      ),
      ForbiddenError,
    );
    await rejectsWith(
      withActor(t().db, { userId: w.users.admin, tenantId: w.tenantA }, (tx) =>
        tx.execute(sql`update tenant_memberships set role = 'owner' where user_id = ${w.users.admin}`),
      ),
      ForbiddenError,
    );
    const roles = rowsOf<{ user_id: string; role: string }>(
      await t().db.execute(
        sql`select user_id, role::text from tenant_memberships where tenant_id = ${w.tenantA} order by role`,
      ),
    );
    expect(roles.find((r) => r.user_id === w.users.member)?.role).toBe('member');
    expect(roles.find((r) => r.user_id === w.users.admin)?.role).toBe('admin');
  });

  it("never reads another tenant's rows through a join", async () => {
    const rows = await asMember((tx) =>
      q<{ title: string }>(
        tx,
        sql`select d.title from documents d join projects p on p.tenant_id = d.tenant_id and p.id = d.project_id
            union all select title from documents where id = ${docB}`,
      ),
    );
    expect(rows.map((r) => r.title)).toEqual(['our plan']);
  });

  it("never returns another tenant's chunk from a vector search", async () => {
    const { db } = t();
    for (const [tenantId, projectId, axis] of [
      [w.tenantA, w.projectA, 5],
      [w.tenantB, w.projectB, 1],
    ] as const) {
      const [m] = await db.insert(s.embeddingModels).values({ tenantId, name: 'e', dimensions: 8 }).returning();
      await db.insert(s.chunks).values({
        tenantId,
        projectId,
        sourceType: 'manual',
        sourceId: projectId,
        chunkIndex: 0,
        content: `chunk of ${tenantId}`,
        contentHash: 'e'.repeat(64),
        modelId: m!.id,
        dims: 8,
        embedding: unitVector(8, axis),
      });
    }
    const query = `[${unitVector(8, 1).join(',')}]`; // nearest to B's chunk
    const rows = await asMember((tx) =>
      q<{ tenant_id: string }>(tx, sql`select tenant_id from chunks order by embedding <=> ${query}::vector limit 5`),
    );
    expect(rows.length).toBe(1);
    expect(rows[0]!.tenant_id).toBe(w.tenantA);
  });
});

describe('emitRlsSql', () => {
  it('emits roles, helpers, ENABLE/FORCE, policies and grants for every table', () => {
    const out = emitRlsSql();
    for (const a of TABLE_ACCESS) {
      expect(out).toContain(`ALTER TABLE "${a.table}" FORCE ROW LEVEL SECURITY`);
      for (const p of a.policies) expect(out).toContain(`CREATE POLICY "${p.name}" ON "${a.table}"`);
    }
    expect(out).toContain('CREATE OR REPLACE FUNCTION app.current_tenant_id()');
    expect(out.indexOf('CREATE ROLE')).toBeLessThan(out.indexOf('CREATE OR REPLACE FUNCTION'));
    const names = TABLE_ACCESS.flatMap((a) => a.policies.map((p) => p.name));
    expect(new Set(names).size).toBe(names.length);
  });
});
