/**
 * Runs once per test run: migrates one PGlite and dumps its data directory (each test file
 * starts from the dump in ~1 s instead of migrating for ~5 s), and, when a server is
 * available, migrates a template database that each test file clones.
 */
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { createDb, createEmbeddedDb, migrate } from '../../src/db.js';
import { dockerReachable, migrationsHash, withDatabase } from './backends.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    serverUrl: string;
    serverTemplate: string;
    serverSource: string;
  }
}

const root = join(import.meta.dirname, '..', '..');

export default async function setup(project: TestProject) {
  const hash = migrationsHash();
  const cleanups: (() => Promise<void>)[] = [];

  // ---------------------------------------------------------------- PGlite
  const dir = join(root, '.data');
  mkdirSync(dir, { recursive: true });
  const dump = join(dir, `pglite-${hash}.tar`);
  if (!existsSync(dump)) {
    const db = await createEmbeddedDb();
    await migrate(db);
    const file = await db.pglite.dumpDataDir('none');
    writeFileSync(dump, Buffer.from(await file.arrayBuffer()));
    await db.close();
  }
  project.provide('pgliteTemplate', dump);

  // ---------------------------------------------------------------- server
  let url = process.env.DATABASE_URL ?? '';
  let source = url ? 'DATABASE_URL' : '';
  if (!url && process.env.AIPDB_NO_DOCKER !== '1' && (await dockerReachable())) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer(process.env.AIPDB_PG_IMAGE ?? 'pgvector/pgvector:pg17').start();
    url = container.getConnectionUri();
    source = 'testcontainers';
    cleanups.push(async () => {
      await container.stop();
    });
  }
  if (url) {
    const template = `aipdb_tpl_${hash}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_advisory_lock(hashtext('aipdb test template'))`;
      const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
      if (!exists) {
        await admin.unsafe(`create database "${template}_building"`).catch(async () => {
          await admin.unsafe(`drop database if exists "${template}_building" with (force)`);
          await admin.unsafe(`create database "${template}_building"`);
        });
        const db = await createDb(withDatabase(url, `${template}_building`), { max: 1 });
        await migrate(db);
        await db.close();
        await admin.unsafe(`alter database "${template}_building" rename to "${template}"`);
      }
      // templates of older migration sets
      const old = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like 'aipdb_tpl_%' and datname <> ${template}`;
      for (const { datname } of old)
        await admin.unsafe(`drop database if exists "${datname}" with (force)`).catch(() => {});
      await admin`select pg_advisory_unlock(hashtext('aipdb test template'))`;
    } finally {
      await admin.end();
    }
    project.provide('serverUrl', url);
    project.provide('serverTemplate', template);
    project.provide('serverSource', source);
    console.log(`[harness] backends: embedded (PGlite) + server (${source})`);
  } else {
    project.provide('serverUrl', '');
    project.provide('serverTemplate', '');
    project.provide('serverSource', '');
    console.log(
      '[harness] backends: embedded (PGlite) only — set DATABASE_URL (npm run db:setup) to add the server suites',
    );
  }

  return async () => {
    for (const c of cleanups) await c();
  };
}
