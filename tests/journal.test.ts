/**
 * A dependency's migrations: the package keeps its own journal, so a service's migrations in
 * drizzle's default journal never make `migrate` skip a newer package release; a database
 * migrated by v0.1.0 (package rows in the default journal) is adopted and upgraded; and a
 * package migration that was skipped (or edited after it was applied) makes `migrate` refuse
 * with a MigrationError instead of reporting success.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { createDb, createEmbeddedDb, migrate, MigrationError, MIGRATIONS_FOLDER, type Db } from '../src/db.js';
import { rows } from '../src/queries/util.js';
import { describeBackends } from './support/harness.js';
import { emptyServerDatabase } from './support/server.js';
import { V0_1_0 } from './support/release.js';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string; when: number }[];
};

describeBackends('migration journal of a dependency', (t) => {
  const dirs: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  async function fresh(tag: string): Promise<Db> {
    if (t().backend === 'embedded') {
      const db = await createEmbeddedDb();
      cleanups.push(() => db.close());
      return db;
    }
    const scratch = await emptyServerDatabase(`jr${tag}`);
    const db = await createDb(scratch.url, { max: 2 });
    cleanups.push(async () => {
      await db.close();
      await scratch.drop();
    });
    return db;
  }
  /** A copy of the package's migrations with the first k in the journal. */
  function firstMigrations(k: number): string {
    const dir = mkdtempSync(join(tmpdir(), `aipdb-jr${k}-`));
    dirs.push(dir);
    cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
    writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, k) }));
    return dir;
  }
  const count = async (db: Db, table: string) =>
    (await rows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n;

  it('adopts a v0.1.0 database (package rows in drizzle’s default journal) and upgrades it, even after a service migrated', async () => {
    const db = await fresh('adopt');
    // what v0.1.0 did: drizzle's migrator with its default journal
    const dir = firstMigrations(V0_1_0);
    if (db.kind === 'server') await (await import('drizzle-orm/postgres-js/migrator')).migrate(db as never, { migrationsFolder: dir });
    else await (await import('drizzle-orm/pglite/migrator')).migrate(db as never, { migrationsFolder: dir });
    // a service's own migration, newer than every package migration, in the same default journal
    await db.execute(sql`create table service_things (id int primary key)`);
    await db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('service-0001', ${Date.now() + 10 ** 10})`);
    await migrate(db);
    expect(await count(db, 'drizzle.__ai_platform_db_migrations')).toBe(journal.entries.length);
    // the newer package migrations really ran (0006 made this table)
    expect(await count(db, 'credit_consumptions')).toBe(0);
    // the service's journal is untouched
    expect(await count(db, `drizzle.__drizzle_migrations where hash = 'service-0001'`)).toBe(1);
    await migrate(db); // a no-op the second time
    expect(await count(db, 'drizzle.__ai_platform_db_migrations')).toBe(journal.entries.length);
  });

  it('refuses, changing nothing, when a package migration older than the newest applied one is missing', async () => {
    const db = await fresh('gap');
    await migrate(db);
    const victim = journal.entries[V0_1_0 + 1]!; // say 0007 never ran (skipped by an older package)
    await db.execute(
      sql`delete from drizzle.__ai_platform_db_migrations where created_at = ${victim.when}`,
    );
    const before = await count(db, 'drizzle.__ai_platform_db_migrations');
    const err = await migrate(db).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(String((err as Error).message)).toContain(victim.tag);
    expect(await count(db, 'drizzle.__ai_platform_db_migrations')).toBe(before);
  });
});
