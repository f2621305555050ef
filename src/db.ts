/**
 * Database handles: a real PostgreSQL server through postgres.js, or the embedded PGlite
 * (PostgreSQL in WASM) with pgvector and pgcrypto. Both give the same Drizzle API, the same
 * migrations and the same row-level security.
 */
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
type Relations = ExtractTablesWithRelations<Schema>;

/** A Drizzle database over either driver. */
export type AppDatabase = PgDatabase<PgQueryResultHKT, Schema, Relations>;
/** A transaction of an AppDatabase. */
export type AppTransaction = PgTransaction<PgQueryResultHKT, Schema, Relations>;
/** Every query function accepts either, so it composes inside a caller's transaction. */
export type DbOrTx = AppDatabase | AppTransaction;

export type DbKind = 'server' | 'embedded';

/** A database handle: a Drizzle database plus what the package needs to manage it. */
export type Db = AppDatabase & {
  readonly kind: DbKind;
  /** Runs a script of one or more SQL statements outside the query builder (no parameters). */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
};

/** Folder of the committed migrations (shipped in the package next to dist/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface CreateDbOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Prepare statements on the server (default true). */
  prepare?: boolean;
  /** Extra postgres.js options. */
  connection?: Record<string, string>;
}

/** A real PostgreSQL (>= 15, with pgvector >= 0.8) through postgres.js. */
export async function createDb(url: string, options: CreateDbOptions = {}): Promise<Db> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, {
    max: options.max ?? 10,
    prepare: options.prepare ?? true,
    onnotice: () => {},
    ...(options.connection ? { connection: options.connection } : {}),
  });
  const db = drizzle(options.prepare === false ? client : preparing(client), { schema });
  return Object.assign(db as unknown as AppDatabase, {
    kind: 'server' as const,
    exec: async (sqlText: string) => {
      await client.unsafe(sqlText);
    },
    close: () => client.end({ timeout: 5 }),
  });
}

/** Statements with more parameters than this (bulk inserts) are not kept prepared. */
const PREPARE_MAX_PARAMS = 256;

type SqlClient = import('postgres').Sql;

/**
 * Makes every parameterised statement a named prepared statement (postgres.js caches them
 * per connection by text). drizzle sends its queries through `unsafe(…, { prepare: false })`
 * unless built with `.prepare()`, which does not fit queries run in ever-new transactions;
 * measured: an unprepared RLS query is re-planned every time (bench P1/P2). Applies to the
 * transaction and savepoint clients postgres.js hands out, too.
 */
function preparing<T extends SqlClient>(client: T): T {
  const unsafe = client.unsafe.bind(client);
  (client as { unsafe: unknown }).unsafe = (query: string, args?: unknown[], opts?: Record<string, unknown>) =>
    unsafe(query, (args ?? []) as never, {
      ...opts,
      prepare: (args?.length ?? 0) > 0 && (args?.length ?? 0) <= PREPARE_MAX_PARAMS,
    });
  for (const method of ['begin', 'savepoint'] as const) {
    const original = (client as unknown as Record<string, unknown>)[method] as
      ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (typeof original !== 'function') continue;
    (client as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
      const fn = a.pop() as (tx: SqlClient) => unknown;
      return original.call(client, ...a, (tx: SqlClient) => fn(preparing(tx)));
    };
  }
  return client;
}

export interface CreateEmbeddedDbOptions {
  /** A directory to persist to; in memory when absent. */
  dataDir?: string;
  /** A dumped data directory (`dumpDataDir()`) to start from, e.g. an already migrated one. */
  loadDataDir?: Blob | File;
}

/** The embedded PGlite (PostgreSQL 18 in WASM) with pgvector and pgcrypto. One connection. */
export async function createEmbeddedDb(
  options: CreateEmbeddedDbOptions = {},
): Promise<Db & { pglite: import('@electric-sql/pglite').PGlite }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
  const { drizzle } = await import('drizzle-orm/pglite');
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { vector, pgcrypto },
  });
  const db = drizzle(pglite, { schema });
  return Object.assign(db as unknown as AppDatabase, {
    kind: 'embedded' as const,
    pglite,
    exec: async (sqlText: string) => {
      await pglite.exec(sqlText);
    },
    close: () => pglite.close(),
  });
}

/**
 * Applies the committed migrations (extensions, roles and helpers; the schema with its
 * policies; partitioned tables; functions and triggers; FORCE RLS and grants). Run it as a
 * role that bypasses RLS (superuser, or Supabase's `postgres`): it owns the helper functions.
 */
export async function migrate(db: Db, options: { migrationsFolder?: string } = {}): Promise<void> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  if (db.kind === 'server') {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    await run(db as never, { migrationsFolder });
  } else {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(db as never, { migrationsFolder });
  }
}
