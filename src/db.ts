/**
 * Database handles: a real PostgreSQL server through postgres.js, or the embedded PGlite
 * (PostgreSQL in WASM) with pgvector and pgcrypto. Both give the same Drizzle API, the same
 * migrations and the same row-level security.
 */
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';
import { DbError } from './queries/errors.js';
import { attachSettings, makeSettings, type HandleSettings, type SettingsInput } from './settings.js';

export type Schema = typeof schema;
type Relations = ExtractTablesWithRelations<Schema>;

/** A Drizzle database over either driver. */
export type AppDatabase = PgDatabase<PgQueryResultHKT, Schema, Relations>;
/** A transaction of an AppDatabase. */
export type AppTransaction = PgTransaction<PgQueryResultHKT, Schema, Relations>;
/** Every query function accepts either, so it composes inside a caller's transaction. */
export type DbOrTx = AppDatabase | AppTransaction;

export type DbKind = 'server' | 'embedded';

/** Any Drizzle PostgreSQL database or transaction (a service's, over its merged schema, too). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, any, any>;
/** The transaction type of a database handle (the same schema). */
export type TransactionOf<D> = D extends PgDatabase<infer H, infer S, infer R> ? PgTransaction<H, S, R> : never;
/** The package's schema merged with a service's own tables (`createDb(url, { schema })`). */
export type MergedDatabase<S extends Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  Schema & S,
  ExtractTablesWithRelations<Schema & S>
>;

/**
 * A database handle: a Drizzle database plus what the package needs to manage it. `S` is a
 * service's own schema (tables, relations) merged with the package's: `tx.query.<its table>`.
 */
export type Db<S extends Record<string, unknown> = {}> = (S extends Record<string, never>
  ? AppDatabase
  : MergedDatabase<S>) & {
  readonly kind: DbKind;
  /** Limits, timeouts and search tuning of this handle (`createDb(url, { limits, timeouts, search })`). */
  readonly settings: HandleSettings;
  /** Whether statements are sent as named prepared statements (false behind a transaction pooler). */
  readonly preparedStatements: boolean;
  /**
   * Runs a script of one or more SQL statements outside the query builder (no parameters).
   * `settings` are SET on the connection for this script only (one connection, reset after):
   * for a statement that may not run in a transaction, such as CREATE INDEX CONCURRENTLY.
   */
  exec(sqlText: string, settings?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
};

/** Runs SQL statements (no parameters) in one transaction: all or none. */
export async function applyStatements(db: Db, statements: readonly string[]): Promise<void> {
  const { sql } = await import('drizzle-orm');
  await db.transaction(async (tx) => {
    for (const stmt of statements) await tx.execute(sql.raw(stmt));
  });
}

/** Folder of the committed migrations (shipped in the package next to dist/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface CreateDbOptions extends SettingsInput {
  /** Pool size (default 10). */
  max?: number;
  /**
   * Named prepared statements (re-used plans). `'auto'` (default): on, unless the connection
   * goes through a pooler — detected when the server's own port differs from the URL's port
   * (PgBouncer 6432, Supabase's transaction pooler 6543, any proxy) or the URL says
   * `pgbouncer=true`. Transaction poolers (PgBouncer < 1.21, Supavisor in transaction mode)
   * hand each transaction a different server connection, where a statement prepared on another
   * one does not exist (SQLSTATE 26000). `false` forces unnamed statements; `true` forces
   * named ones (a direct connection or a session-mode pooler only).
   */
  prepare?: boolean | 'auto';
  /** Extra connection parameters (e.g. `application_name`). */
  connection?: Record<string, string>;
  /**
   * A Citus cluster (docs/scale-out.md): contexts set their claims with `SET LOCAL`, which
   * Citus sends to the workers (`set_config` values stay on the coordinator). `'auto'`
   * (default): on when the database has the citus extension (asked with the port probe, so
   * not behind a pooler: pass `true` there).
   */
  citus?: boolean | 'auto';
}

/** A service's own schema module (tables and relations), merged with the package's for `db.query`. */
export interface WithServiceSchema<S extends Record<string, unknown>> {
  schema?: S;
}

/** The database could not be reached: names the host, port and database, and keeps the cause. */
export class ConnectionError extends DbError {
  readonly code = 'CONNECTION' as const;
}

/** An optional peer dependency a function needs is not installed; the message names it. */
export class MissingDependencyError extends DbError {
  readonly code = 'MISSING_DEPENDENCY' as const;
}

/** Where a URL points, without its password (for error messages). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)'}`;
  } catch {
    return '(an unparsable database URL)';
  }
}

/** A connection failure as one line: what was tried and why it failed. */
export function connectionError(url: string, err: unknown, what = 'connect to'): ConnectionError {
  const cause = err as { code?: string; message?: string; cause?: { message?: string; code?: string } };
  const reason = [cause?.code, cause?.cause?.message ?? cause?.message].filter(Boolean).join(' ');
  return new ConnectionError(`could not ${what} ${describeUrl(url)}: ${reason || String(err)}`, { cause: err });
}

/** A real PostgreSQL (>= 15, with pgvector >= 0.8) through postgres.js. Connects once to check. */
export async function createDb<S extends Record<string, unknown> = {}>(
  url: string,
  options: CreateDbOptions & WithServiceSchema<S> = {},
): Promise<Db<S>> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const settings = makeSettings(options);
  const base = {
    max: options.max ?? 10,
    onnotice: () => {},
    ...(options.connection ? { connection: options.connection } : {}),
  };
  let urlPort = 5432;
  let pgbouncerFlag = false;
  try {
    const u = new URL(url);
    urlPort = Number(u.port || 5432);
    pgbouncerFlag = u.searchParams.get('pgbouncer') === 'true';
    if (pgbouncerFlag) {
      u.searchParams.delete('pgbouncer');
      url = u.toString();
    }
  } catch {
    throw new ConnectionError(`not a database URL: ${describeUrl(url)}`);
  }
  let prepare = options.prepare ?? 'auto';
  let citus = options.citus ?? 'auto';
  if (citus === 'auto' && pgbouncerFlag) citus = false;
  if (prepare === 'auto' && pgbouncerFlag) prepare = false;
  if (prepare === 'auto' || citus === 'auto') {
    // one short-lived connection: reachable? is the server listening on the URL's port? Citus?
    const probe = postgres(url, { ...base, max: 1, prepare: false, connect_timeout: 10 });
    try {
      const [r] = await probe.unsafe(
        `select current_setting('port')::int as port, exists (select 1 from pg_extension where extname = 'citus') as citus`,
      );
      if (prepare === 'auto') prepare = Number(r!.port) === urlPort;
      if (citus === 'auto') citus = r!.citus === true;
    } catch (err) {
      throw connectionError(url, err);
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
  }
  settings.citus = citus === true;
  const client = postgres(url, { ...base, prepare: prepare === true });
  const db = drizzle(prepare === true ? preparingClient(client) : client, { schema: mergeSchema(options.schema) });
  return handle(db as unknown as AppDatabase, settings, {
    kind: 'server' as const,
    preparedStatements: prepare === true,
    exec: async (sqlText: string, settings?: Record<string, string>) => {
      if (!settings) {
        await client.unsafe(sqlText);
        return;
      }
      const conn = await client.reserve();
      try {
        for (const [k, v] of Object.entries(settings)) await conn`select set_config(${k}, ${v}, false)`;
        await conn.unsafe(sqlText);
      } finally {
        for (const k of Object.keys(settings)) await conn.unsafe(`reset ${quoteGuc(k)}`).catch(() => {});
        conn.release();
      }
    },
    close: () => client.end({ timeout: 5 }),
  }) as unknown as Db<S>;
}

/** A setting's name for RESET (letters, digits, _ and one dot), or a TypeError. */
function quoteGuc(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) throw new TypeError(`not a setting name: ${name}`);
  return name;
}

/** The package's schema plus a service's; a service may not redefine a package export. */
function mergeSchema(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!extra) return schema;
  const clash = Object.keys(extra).filter((k) => k in schema && (extra as Record<string, unknown>)[k] !== (schema as Record<string, unknown>)[k]);
  if (clash.length > 0) throw new TypeError(`the service schema redefines package exports: ${clash.join(', ')}`);
  return { ...schema, ...extra };
}

/** Statements with more parameters than this (bulk inserts) are not kept prepared. */
const PREPARE_MAX_PARAMS = 256;

type SqlClient = import('postgres').Sql;

/**
 * The client drizzle is given on a direct connection: the postgres.js client seen through a
 * Proxy that asks for a named prepared statement (`unsafe(query, args, { prepare: true })`,
 * the driver's public option) for every parameterised statement of up to 256 parameters,
 * in the pool, in transactions and in savepoints. Nothing of the driver is modified: drizzle
 * 0.45 sends its queries as `unsafe(query, params, { prepare: false })` unless built with
 * `.prepare()`, which does not fit queries run in ever-new transactions; measured, an
 * unprepared RLS query is re-planned every time (bench P1/P2). `tests/driver-contract.test.ts`
 * fails when an upgrade of drizzle or postgres.js changes these calls.
 */
function preparingClient<T extends SqlClient>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args?: unknown[], opts?: Record<string, unknown>) =>
          target.unsafe(query, (args ?? []) as never, {
            ...opts,
            prepare: (args?.length ?? 0) > 0 && (args?.length ?? 0) <= PREPARE_MAX_PARAMS,
          });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        const original = Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>;
        return (...a: unknown[]) => {
          const fn = a.pop() as (tx: SqlClient) => unknown;
          return original.call(target, ...a, (tx: SqlClient) => fn(preparingClient(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** Gives a Drizzle database its settings, and every transaction opened from it the same. */
function handle<E extends object>(db: AppDatabase, settings: HandleSettings, extra: E): AppDatabase & E & { readonly settings: HandleSettings } {
  attachSettings(db, settings);
  const transaction = db.transaction.bind(db);
  return Object.assign(db, extra, {
    settings,
    transaction: ((fn: (tx: AppTransaction) => Promise<unknown>, config?: unknown) =>
      transaction((tx) => {
        attachSettings(tx, settings);
        return fn(tx as AppTransaction);
      }, config as never)) as AppDatabase['transaction'],
  });
}

export interface CreateEmbeddedDbOptions extends SettingsInput {
  /** A directory to persist to; in memory when absent. */
  dataDir?: string;
  /** A dumped data directory (`dumpDataDir()`) to start from, e.g. an already migrated one. */
  loadDataDir?: Blob | File;
}

/** The embedded PGlite (PostgreSQL 18 in WASM) with pgvector and pgcrypto. One connection. */
export async function createEmbeddedDb<S extends Record<string, unknown> = {}>(
  options: CreateEmbeddedDbOptions & WithServiceSchema<S> = {},
): Promise<Db<S> & { pglite: import('@electric-sql/pglite').PGlite }> {
  // optional peer dependencies: a server-only service never installs PGlite (27 MB)
  let PGlite: typeof import('@electric-sql/pglite').PGlite;
  let vector: typeof import('@electric-sql/pglite-pgvector').vector;
  let pgcrypto: typeof import('@electric-sql/pglite/contrib/pgcrypto').pgcrypto;
  try {
    ({ PGlite } = await import('@electric-sql/pglite'));
    ({ vector } = await import('@electric-sql/pglite-pgvector'));
    ({ pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto'));
  } catch (err) {
    throw new MissingDependencyError(
      `createEmbeddedDb needs the optional peer dependencies @electric-sql/pglite and @electric-sql/pglite-pgvector (npm i @electric-sql/pglite@0.5.14 @electric-sql/pglite-pgvector@0.0.15): ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }
  const { drizzle } = await import('drizzle-orm/pglite');
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { vector, pgcrypto },
  });
  const db = drizzle(pglite, { schema: mergeSchema(options.schema) });
  return handle(db as unknown as AppDatabase, makeSettings(options), {
    kind: 'embedded' as const,
    preparedStatements: true,
    pglite,
    exec: async (sqlText: string, settings?: Record<string, string>) => {
      if (settings) {
        for (const [k, v] of Object.entries(settings)) await pglite.query('select set_config($1, $2, false)', [k, v]);
        try {
          await pglite.exec(sqlText);
        } finally {
          for (const k of Object.keys(settings)) await pglite.exec(`reset ${quoteGuc(k)}`).catch(() => {});
        }
        return;
      }
      await pglite.exec(sqlText);
    },
    close: () => pglite.close(),
  }) as unknown as Db<S> & { pglite: import('@electric-sql/pglite').PGlite };
}

/**
 * Applies the committed migrations (extensions, roles and helpers; the schema with its
 * policies; partitioned tables; functions and triggers; FORCE RLS and grants). Run it as a
 * role that bypasses RLS (superuser, or Supabase's `postgres`): it owns the helper functions.
 */
export async function migrate(db: Db, options: { migrationsFolder?: string } = {}): Promise<void> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  try {
    await extensionsPrelude(db);
    await adoptJournal(db, migrationsFolder);
    const config = { migrationsFolder, migrationsSchema: JOURNAL_SCHEMA, migrationsTable: JOURNAL_TABLE };
    if (db.kind === 'server') {
      const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
      await run(db as never, config);
    } else {
      const { migrate: run } = await import('drizzle-orm/pglite/migrator');
      await run(db as never, config);
    }
  } catch (err) {
    throw err instanceof MigrationError ? err : migrationError(err);
  }
}

/**
 * Where a schema named `extensions` exists (Supabase), `vector` and `pgcrypto` are created in
 * it before the first migration (whose `CREATE EXTENSION IF NOT EXISTS` then finds them), as
 * Supabase recommends; elsewhere the first migration creates them in the default schema.
 * pgcrypto is a trusted extension (the database owner may create it); pgvector is not: on
 * Supabase its allow-list lets `postgres` create it, elsewhere a superuser enables it first
 * (`migrate` then says so in its error).
 */
async function extensionsPrelude(db: Db): Promise<void> {
  await db.exec(`DO $ext$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'extensions') THEN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
      CREATE EXTENSION vector WITH SCHEMA extensions;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto') THEN
      CREATE EXTENSION pgcrypto WITH SCHEMA extensions;
    END IF;
  END IF;
END
$ext$`);
}

/**
 * The package's own migration journal: `drizzle.__ai_platform_db_migrations`, apart from
 * drizzle's default `drizzle.__drizzle_migrations`, which a service's own migrations use. (In
 * one shared journal, drizzle applies only migrations newer than the newest row: after a
 * service migrated, a newer package release's migrations were silently skipped.)
 */
export const JOURNAL_SCHEMA = 'drizzle';
export const JOURNAL_TABLE = '__ai_platform_db_migrations';

/**
 * Before migrating: a database migrated by v0.1.0 has the package's rows in drizzle's default
 * journal; they are copied (by hash) into the package's journal once. Then every package
 * migration no newer than the newest applied one must be in the journal — else one was
 * skipped, or an applied migration was edited — and `migrate` refuses with a MigrationError
 * naming it rather than report success.
 */
async function adoptJournal(db: Db, migrationsFolder: string): Promise<void> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const files = readMigrationFiles({ migrationsFolder });
  const { sql } = await import('drizzle-orm');
  const rowsOf = <T>(r: unknown) => ((r as { rows?: T[] }).rows ?? r) as T[];
  const [exists] = rowsOf<{ mine: boolean; theirs: boolean }>(
    await db.execute(
      sql`select to_regclass(${`${JOURNAL_SCHEMA}.${JOURNAL_TABLE}`}) is not null as mine,
                 to_regclass('drizzle.__drizzle_migrations') is not null as theirs`,
    ),
  );
  if (!exists!.mine && exists!.theirs) {
    const hashes = files.map((f) => f.hash);
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`CREATE SCHEMA IF NOT EXISTS "${JOURNAL_SCHEMA}"`));
      await tx.execute(
        sql.raw(`CREATE TABLE IF NOT EXISTS "${JOURNAL_SCHEMA}"."${JOURNAL_TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`),
      );
      await tx.execute(
        sql`insert into ${sql.identifier(JOURNAL_SCHEMA)}.${sql.identifier(JOURNAL_TABLE)} (hash, created_at)
            select hash, created_at from drizzle.__drizzle_migrations
            where hash = any (${`{${hashes.join(',')}}`}::text[]) order by id`,
      );
    });
  }
  if (!exists!.mine && !exists!.theirs) return; // a fresh database
  const applied = rowsOf<{ hash: string; created_at: string }>(
    await db.execute(
      sql`select hash, created_at::text from ${sql.identifier(JOURNAL_SCHEMA)}.${sql.identifier(JOURNAL_TABLE)}`,
    ),
  );
  if (applied.length === 0) return;
  const newest = Math.max(...applied.map((r) => Number(r.created_at)));
  const have = new Set(applied.map((r) => r.hash));
  const journal = JSON.parse(
    (await import('node:fs')).readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8'),
  ) as { entries: { tag: string; when: number }[] };
  for (const [i, f] of files.entries()) {
    if (f.folderMillis <= newest && !have.has(f.hash)) {
      throw new MigrationError(
        `migrate refused: package migration ${journal.entries[i]?.tag ?? i} is older than the newest applied one but is not in ${JOURNAL_SCHEMA}.${JOURNAL_TABLE} — it was skipped, or an applied migration was edited; nothing was changed`,
      );
    }
  }
}

/** drizzle reports "Failed query: …" and hides the reason in `cause`: say both in one line. */
function migrationError(err: unknown): Error {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  const reason = cause?.message ?? (err as Error).message;
  const query = String((err as Error).message ?? '').split('\n')[0]?.replace(/^Failed query:\s*/, '') ?? '';
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'CONNECT_TIMEOUT', '3D000', '28P01', '28000'];
  const hint = /permission denied to create extension "(vector|pgcrypto)"/.exec(String(reason));
  const message = `migrate failed: ${code ? `${code} ` : ''}${reason}${cause && query ? ` (while running: ${query.slice(0, 120)})` : ''}${
    hint
      ? `. Enable ${hint[1]} first, as a role that may (Supabase: Database → Extensions → ${hint[1]}, schema "extensions"; elsewhere a superuser: CREATE EXTENSION ${hint[1]}), then migrate again`
      : ''
  }`;
  return code && unreachable.includes(code) ? new ConnectionError(message, { cause: err }) : new MigrationError(message, { cause: err });
}

/** A migration failed; the message names the reason and the statement. */
export class MigrationError extends DbError {
  readonly code = 'MIGRATION' as const;
}

/**
 * The same connection with other settings (limits, timeouts, search tuning): a view of `db`
 * whose operations, and the transactions opened from it, use `input` over `db`'s settings.
 * The view has its own caches; closing either closes the connection.
 */
export function withSettings<D extends Db>(db: D, input: SettingsInput): D {
  const base = db.settings;
  const settings = makeSettings({
    limits: { ...base.limits, ...input.limits },
    timeouts: { ...base.timeouts, ...input.timeouts },
    search: { ...base.search, ...input.search },
  });
  settings.citus = base.citus;
  return handle(Object.create(db) as AppDatabase, settings, {}) as unknown as D;
}
