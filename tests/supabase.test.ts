/**
 * On a Supabase-shaped database (tests/support/supabase.ts: Supabase's roles, a "postgres"
 * that is not a superuser, default privileges, `auth.users` and `auth.uid()`): `migrate` as
 * that postgres with and without `vector` enabled first, `installSupabase`, then the privilege
 * matrix, the leak matrix and column rules, and a user's life — sign-up through `auth.users`
 * (e-mail, anonymous and phone-only), the access-token hook's tenant claim, requests the way
 * PostgREST makes them (login as `authenticator`, `SET LOCAL ROLE`, claims), the Data API's
 * `select *`, and deleting the auth user, which erases them through the package's purge.
 * Server only.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { createDb, migrate, MigrationError, type Db } from '../src/db.js';
import { appendRevision, createDocument } from '../src/queries/documents.js';
import { createProject } from '../src/queries/projects.js';
import * as s from '../src/schema/index.js';
import { installSupabase, readableViews } from '../src/supabase/index.js';
import { rowsOf } from './support/expect.js';
import { createWorld } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';
import { columnRules, leakMatrix, matrixFixtures } from './support/matrix.js';
import { privilegeMismatches } from './support/privileges.js';
import { AUTH_ADMIN, supabaseDatabase, type SupabaseDb } from './support/supabase.js';

const one = async <T>(db: Db, q: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(q))[0]!;

describeBackends(
  'on a Supabase-shaped database',
  () => {
    const opened: { supa: SupabaseDb; db: Db }[] = [];
    const open = async (tag: string, preEnableVector: boolean) => {
      const supa = await supabaseDatabase(tag, { preEnableVector });
      const db = await createDb(supa.postgresUrl, { max: 3 });
      opened.push({ supa, db });
      return { supa, db };
    };
    afterAll(async () => {
      for (const o of opened) {
        await o.db.close();
        await o.supa.drop();
      }
    });

    it('migrate works as the non-superuser postgres with vector already enabled in extensions', async () => {
      const { db } = await open('pre', true);
      expect(await one<{ s: boolean }>(db, sql`select rolsuper as s from pg_roles where rolname = current_user`)).toEqual({ s: false });
      await migrate(db);
      await installSupabase(db, { authRole: AUTH_ADMIN });
      const ext = rowsOf<{ e: string; n: string }>(
        await db.execute(sql`select e.extname as e, n.nspname as n from pg_extension e join pg_namespace n on n.oid = e.extnamespace
                             where e.extname in ('vector', 'pgcrypto') order by 1`),
      );
      expect(ext).toEqual([
        { e: 'pgcrypto', n: 'extensions' },
        { e: 'vector', n: 'extensions' },
      ]);
      await migrate(db); // and again: nothing to do
    }, 240_000);

    describe('vector not enabled before migrate', () => {
      let supa: SupabaseDb;
      let db: Db;
      beforeAll(async () => {
        ({ supa, db } = await open('fresh', false));
      }, 240_000);

      it('migrate stops with a MigrationError saying how to enable vector, having changed nothing; enabled, it migrates', async () => {
        // pgvector is not a trusted extension: Supabase's allow-list (supautils) lets postgres
        // create it there; this emulation has no supautils, so the dashboard's step is done by hand
        const err = await migrate(db).then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(err).toBeInstanceOf(MigrationError);
        expect(err!.message).toMatch(/Enable vector first.*Database → Extensions → vector, schema "extensions"/);
        expect(
          await one<{ n: number }>(db, sql`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('public', 'app')`),
        ).toEqual({ n: 0 });
        await supa.enableVector();
        await migrate(db);
        await installSupabase(db, { authRole: AUTH_ADMIN });
        await db.execute(sql`select app.ensure_partitions(3)`);
      }, 240_000);

      it('created vector and pgcrypto in extensions; grants are exactly the declarations despite Supabase’s default privileges', async () => {
        expect(
          await one<{ n: string }>(db, sql`select n.nspname as n from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'`),
        ).toEqual({ n: 'extensions' });
        expect(await privilegeMismatches(db)).toEqual([]);
        // the hook is Supabase Auth's alone; the API roles cannot call it (default privileges granted it)
        expect(
          await one<{ app: boolean; anon: boolean; auth: boolean }>(
            db,
            sql`select has_function_privilege('authenticated', 'public.custom_access_token_hook(jsonb)', 'EXECUTE') as app,
                       has_function_privilege('anon', 'public.custom_access_token_hook(jsonb)', 'EXECUTE') as anon,
                       has_function_privilege(${AUTH_ADMIN}, 'public.custom_access_token_hook(jsonb)', 'EXECUTE') as auth`,
          ),
        ).toEqual({ app: false, anon: false, auth: true });
        for (const v of readableViews())
          expect(
            await one<{ anon: boolean; app: boolean }>(
              db,
              sql`select has_table_privilege('anon', ${`public.${v.view}`}, 'SELECT') as anon, has_table_privilege('authenticated', ${`public.${v.view}`}, 'INSERT') as app`,
            ),
          ).toEqual({ anon: false, app: false });
      });

      it('the leak matrix and the column rules hold', async () => {
        const w = await createWorld(db, 'supa');
        const f = await matrixFixtures(db, w);
        const m = await leakMatrix(db, w, f);
        expect(m.mismatches).toEqual([]);
        const c = await columnRules(db, w, f);
        expect(c.mismatches).toEqual([]);
      }, 120_000);

      it('a user’s life: sign-up through auth.users, the hook’s claim, PostgREST requests, and deletion through the purge', async () => {
        const auth = postgres(supa.authUrl, { max: 1, onnotice: () => {} });
        const api = postgres(supa.authenticatorUrl, { max: 1, onnotice: () => {} });
        try {
          // the platform: a global workspace (seed 001) and a company tenant
          const [global] = await db.insert(s.tenants).values({ name: 'Everyone', slug: `everyone-${randomUUID().slice(0, 6)}`, isGlobal: true }).returning();
          const [acme] = await db.insert(s.tenants).values({ name: 'Acme', slug: `acme-${randomUUID().slice(0, 6)}` }).returning();

          // sign-ups, as Supabase Auth writes them
          const ada = randomUUID();
          const ben = randomUUID();
          const guest = randomUUID();
          const phoneOnly = randomUUID();
          await auth`insert into auth.users (id, aud, role, email, raw_user_meta_data) values
            (${ada}, 'authenticated', 'authenticated', ${`ada-${ada.slice(0, 6)}@example.test`}, ${auth.json({ full_name: 'Ada' })}),
            (${ben}, 'authenticated', 'authenticated', ${`ben-${ben.slice(0, 6)}@example.test`}, '{}')`;
          await auth`insert into auth.users (id, aud, role, is_anonymous) values (${guest}, 'authenticated', 'authenticated', true)`;
          await auth`insert into auth.users (id, aud, role, phone) values (${phoneOnly}, 'authenticated', 'authenticated', ${`+1555${ada.slice(0, 7).replace(/\D/g, '7')}`})`;
          const users = rowsOf<{ id: string; email: string | null; phone: string | null; full_name: string | null }>(
            await db.execute(sql`select id, email, phone, full_name from users where id in (${ada}, ${ben}, ${guest}, ${phoneOnly})`),
          );
          expect(users).toHaveLength(4);
          expect(users.find((u) => u.id === ada)).toMatchObject({ full_name: 'Ada' });
          expect(users.find((u) => u.id === guest)).toMatchObject({ email: null, phone: null });
          expect(users.find((u) => u.id === phoneOnly)!.phone).toMatch(/^\+1555/);
          // an e-mail change in Auth follows
          await auth`update auth.users set email = ${`ada2-${ada.slice(0, 6)}@example.test`} where id = ${ada}`;
          expect((await one<{ email: string }>(db, sql`select email from users where id = ${ada}`)).email).toMatch(/^ada2-/);

          // everyone joined the global workspace with a personal project; Ada and Ben join Acme
          await db.insert(s.tenantMemberships).values([
            { tenantId: acme!.id, userId: ada, role: 'member' },
            { tenantId: acme!.id, userId: ben, role: 'member' },
          ]);

          // the hook: Acme (a company tenant before the global one), or what app_metadata asks for
          const hook = async (user: string, appMetadata: Record<string, string>) =>
            (
              await auth`select public.custom_access_token_hook(${auth.json({
                user_id: user,
                claims: { sub: user, role: 'authenticated', aud: 'authenticated', app_metadata: appMetadata as Record<string, string> },
              })}) as e`
            )[0]!.e.claims as Record<string, unknown>;
          const adaClaims = await hook(ada, {});
          expect(adaClaims.tenant_id).toBe(acme!.id);
          expect((await hook(ada, { tenant_id: global!.id })).tenant_id).toBe(global!.id);
          expect((await hook(ada, { tenant_id: randomUUID() })).tenant_id).toBe(acme!.id); // not a member: ignored
          expect((await hook(guest, {})).tenant_id).toBe(global!.id);
          expect('tenant_id' in (await hook(randomUUID(), { tenant_id: acme!.id }))).toBe(false);

          // requests the way PostgREST makes them
          const request = async <T>(claims: object, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> =>
            (await api.begin(async (tx) => {
              await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
              return fn(tx);
            })) as T;
          const acmeProject = await withActor(db, { userId: ada, tenantId: acme!.id }, (tx) =>
            createProject(tx, { tenantId: acme!.id, name: 'Harbour' }),
          );
          const seen = await request(adaClaims, async (tx) => ({
            uid: (await tx`select auth.uid() = app.current_user_id() as same`)[0]!.same,
            projects: (await tx`select tenant_id from projects`).map((r) => r.tenant_id),
          }));
          expect(seen.uid).toBe(true);
          expect(new Set(seen.projects)).toEqual(new Set([acme!.id]));
          // the tenant from app_metadata alone (a token minted without the hook)
          const viaMetadata = await request({ sub: ada, role: 'authenticated', app_metadata: { tenant_id: acme!.id } }, (tx) =>
            tx`select count(*)::int as n from projects where id = ${acmeProject.id}`,
          );
          expect(viaMetadata[0]!.n).toBe(1);
          // a write into the other tenant is refused; the Data API's select * on users is refused, the view answers
          await expect(
            request(adaClaims, (tx) => tx`insert into projects (tenant_id, name) values (${global!.id}, 'sneaky')`),
          ).rejects.toMatchObject({ code: '42501' });
          await expect(request(adaClaims, (tx) => tx`select * from users`)).rejects.toMatchObject({ code: '42501' });
          const readable = await request(adaClaims, (tx) => tx`select * from users_readable`);
          expect(readable.map((r) => r.id).sort()).toEqual([ada, ben].sort());
          expect(Object.keys(readable[0]!)).not.toContain('phone');
          await expect(request(adaClaims, (tx) => tx`select public.custom_access_token_hook('{}'::jsonb)`)).rejects.toMatchObject({
            code: '42501',
          });

          // Ada writes; Ben revises her document; then Ada deletes her account in Supabase Auth
          const { document } = await withActor(db, { userId: ada, tenantId: acme!.id }, (tx) =>
            createDocument(tx, { tenantId: acme!.id, projectId: acmeProject.id, kind: 'prd', title: 'Quay', content: { v: 1 } }),
          );
          await withActor(db, { userId: ada, tenantId: acme!.id }, (tx) =>
            tx.insert(s.projectMembers).values({ tenantId: acme!.id, projectId: acmeProject.id, userId: ben, role: 'contributor' }),
          );
          await withActor(db, { userId: ben, tenantId: acme!.id }, (tx) =>
            appendRevision(tx, { tenantId: acme!.id, documentId: document.id, content: { v: 2 } }),
          );
          await auth`delete from auth.users where id = ${ada}`;
          const after = await one<Record<string, unknown>>(
            db,
            sql`select (select count(*)::int from tenant_memberships where user_id = ${ada}) as memberships,
                       (select count(*)::int from projects where owner_id = ${ada} and is_personal) as personal,
                       (select count(*)::int from document_revisions where document_id = ${document.id}) as revisions,
                       (select count(*)::int from document_revisions where created_by = ${ada}) as authored,
                       (select count(*)::int from deletion_requests where user_id = ${ada} and status = 'completed') as requests,
                       (select email is null and status = 'archived' from users where id = ${ada}) as anonymised,
                       (select count(*)::int from tenant_memberships where user_id = ${ben}) as ben`,
          );
          expect(after).toEqual({ memberships: 0, personal: 0, revisions: 2, authored: 0, requests: 2, anonymised: true, ben: 2 });
          // history stays append-only for everyone else
          await expect(
            withActor(db, { userId: ben, tenantId: acme!.id }, (tx) => tx.execute(sql`delete from document_revisions where document_id = ${document.id}`)),
          ).rejects.toThrow();
        } finally {
          await auth.end();
          await api.end();
        }
      }, 120_000);
    });
  },
  { serverOnly: 'needs its own roles and databases on a PostgreSQL server (Supabase-shaped)' },
);
