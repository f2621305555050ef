/**
 * One harness gives every suite a migrated database: PGlite from the dumped template, and,
 * when a server is available, a scratch database cloned from the migrated template (dropped
 * afterwards). `describeBackends` runs the same suite on each available backend.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { createDb, createEmbeddedDb, type Db } from '../../src/db.js';
import { withDatabase, type Backend } from './backends.js';

export type { Backend };

export interface TestDb {
  backend: Backend;
  /** Superuser connection (migration owner), outside RLS. */
  db: Db;
  /** Server only: the scratch database's URL, for extra connections. */
  url: string | undefined;
  /** Server only: a new pool on the same database (concurrency tests). */
  connect(max?: number): Promise<Db>;
}

export function availableBackends(): Backend[] {
  return inject('serverUrl') ? ['embedded', 'server'] : ['embedded'];
}

let seq = 0;

export async function openTestDb(backend: Backend): Promise<TestDb & { close(): Promise<void> }> {
  if (backend === 'embedded') {
    const dump = readFileSync(inject('pgliteTemplate'));
    const db = await createEmbeddedDb({ loadDataDir: new Blob([dump]) });
    return {
      backend,
      db,
      url: undefined,
      connect: async () => {
        throw new Error('PGlite has one connection');
      },
      close: () => db.close(),
    };
  }
  const base = inject('serverUrl');
  const template = inject('serverTemplate');
  const name = `aipdb_t_${process.pid}_${Date.now().toString(36)}_${seq++}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
      break;
    } catch (err) {
      // another file cloning the same template at this instant
      if (attempt >= 20 || !String((err as Error).message).includes('being accessed')) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDatabase(base, name);
  const db = await createDb(url, { max: 4 });
  const extra: Db[] = [];
  return {
    backend,
    db,
    url,
    connect: async (max = 10) => {
      const d = await createDb(url, { max });
      extra.push(d);
      return d;
    },
    close: async () => {
      for (const d of extra) await d.close();
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export interface DescribeOptions {
  /** The suite needs several connections (locks, concurrency): server only. */
  serverOnly?: string;
}

/**
 * Runs `fn` once per available backend, each with its own migrated database. A server-only
 * suite on PGlite is skipped with its reason printed; it runs where DATABASE_URL is set (CI).
 */
export function describeBackends(name: string, fn: (t: () => TestDb) => void, options: DescribeOptions = {}): void {
  for (const backend of availableBackends()) {
    if (options.serverOnly && backend === 'embedded') continue;
    describe(`${name} [${backend}]`, () => {
      let handle: (TestDb & { close(): Promise<void> }) | undefined;
      beforeAll(async () => {
        handle = await openTestDb(backend);
      });
      afterAll(async () => {
        await handle?.close();
      });
      fn(() => {
        if (!handle) throw new Error('database not open');
        return handle;
      });
    });
  }
  if (options.serverOnly && !availableBackends().includes('server')) {
    const reason = `skipped on PGlite: ${options.serverOnly}; runs on the server when DATABASE_URL is set, as in CI`;
    console.log(`[${name}] ${reason}`);
    describe.skip(`${name} — ${reason}`, () => {
      fn(() => {
        throw new Error('unreachable');
      });
    });
  }
}
