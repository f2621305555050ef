/**
 * ai-platform-db: the database layer of a multi-tenant AI platform.
 *
 * ```ts
 * import { createEmbeddedDb, migrate, withActor } from 'ai-platform-db';
 * const db = await createEmbeddedDb();
 * await migrate(db);
 * await withActor(db, { userId, tenantId }, async (tx) => { ... });
 * ```
 */
export {
  createDb,
  createEmbeddedDb,
  migrate,
  withSettings,
  describeUrl,
  ConnectionError,
  MissingDependencyError,
  MigrationError,
  MIGRATIONS_FOLDER,
} from './db.js';
export { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, DEFAULT_SEARCH_TUNING } from './settings.js';
export type { Limits, Timeouts, SearchTuning, HandleSettings, SettingsInput } from './settings.js';
export type {
  AppDatabase,
  AppTransaction,
  Db,
  DbKind,
  DbOrTx,
  Schema,
  CreateDbOptions,
  CreateEmbeddedDbOptions,
  AnyPgDatabase,
  TransactionOf,
  MergedDatabase,
  WithServiceSchema,
} from './db.js';
export { withActor, withAnon, withService, actorSchema } from './actor.js';
export type { Actor, ActorOptions } from './actor.js';
export * from './queries/errors.js';
export { emitRlsSql } from './rls/emit.js';
export { DEFAULT_ROLES } from './rls/roles.js';
