/**
 * The end-user privilege matrix, generated from the declarations (`TABLE_ACCESS`): for every
 * table and every column, what `anon`, `authenticated` and `service_role` may SELECT, INSERT
 * and UPDATE, and at table level DELETE, TRUNCATE, TRIGGER and REFERENCES — compared with
 * what the database's catalog says they may. Run on a migrated database and on one where,
 * before `migrate`, default privileges grant ALL on tables, sequences and functions in
 * `public` to all three roles (what Supabase does), including partitions made later.
 * The catalog may show no privilege the declarations do not name.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, createEmbeddedDb, migrate, type Db } from '../src/db.js';
import { rows } from '../src/queries/util.js';
import { DEFAULT_ROLES } from '../src/rls/roles.js';
import { describeBackends } from './support/harness.js';
import { emptyServerDatabase } from './support/server.js';
import { privilegeMismatches } from './support/privileges.js';

const { app, anon, service } = DEFAULT_ROLES;

/** What Supabase's setup does before any migration: roles, then default privileges in public. */
const SUPABASE_DEFAULTS = [
  `DO $r$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${anon}') THEN CREATE ROLE "${anon}" NOLOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${app}') THEN CREATE ROLE "${app}" NOLOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${service}') THEN CREATE ROLE "${service}" NOLOGIN BYPASSRLS; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $r$`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO "${anon}", "${app}", "${service}"`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO "${anon}", "${app}", "${service}"`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO "${anon}", "${app}", "${service}"`,
];

describeBackends('end-user privilege matrix (catalog = declarations)', (t) => {
  it('a migrated database grants exactly what the declarations say, to the column', async () => {
    expect(await privilegeMismatches(t().db)).toEqual([]);
  });

  it('the matrix sees a privilege the declarations do not name (and one they name that is missing)', async () => {
    await t()
      .db.transaction(async (tx) => {
        await tx.execute(sql`grant trigger on public.documents to anon`);
        await tx.execute(sql`grant update (status) on public.users to authenticated`);
        await tx.execute(sql`revoke select on public.projects from authenticated`);
        const found = await privilegeMismatches(tx as unknown as Db);
        expect(found).toEqual(
          expect.arrayContaining([
            'anon TRIGGER documents: catalog true, declared false',
            'authenticated UPDATE users.status: catalog true, declared false',
            'authenticated SELECT projects.id: catalog false, declared true',
          ]),
        );
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
    expect(await privilegeMismatches(t().db)).toEqual([]);
  });

  let supa: { db: Db; drop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    if (t().backend === 'embedded') {
      const db = await createEmbeddedDb();
      supa = { db, drop: () => db.close() };
    } else {
      const scratch = await emptyServerDatabase('supadefaults');
      const db = await createDb(scratch.url, { max: 2 });
      supa = {
        db,
        drop: async () => {
          await db.close();
          await scratch.drop();
        },
      };
    }
    for (const stmt of SUPABASE_DEFAULTS) await supa.db.exec(stmt);
    await migrate(supa.db);
  }, 180_000);
  afterAll(async () => {
    await supa?.drop();
  });

  it('under Supabase’s default privileges (ALL to anon, authenticated, service_role) the same holds, partitions made later too', async () => {
    const db = supa!.db;
    const granted = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace where n.nspname = 'public'`,
    );
    expect(granted[0]!.n).toBeGreaterThan(0); // the defaults really are in force
    await db.execute(sql`select app.ensure_partitions(15)`);
    expect(await privilegeMismatches(db)).toEqual([]);
  });
});
