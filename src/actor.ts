/**
 * The actor context: every request runs in a transaction that switches to the application
 * role and sets the claims, exactly as Supabase's API layer does, so the same policies work
 * behind Supabase and on plain PostgreSQL. Both settings are transaction-local: nothing
 * leaks to the next transaction on a pooled connection.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AnyPgDatabase, AppTransaction, DbOrTx, TransactionOf } from './db.js';
import { DEFAULT_ROLES } from './rls/roles.js';
import { ContextError, ValidationError } from './queries/errors.js';
import { rows } from './queries/util.js';
import { attachSettings, settingsOf } from './settings.js';
import { PgTransaction } from 'drizzle-orm/pg-core';

export const actorSchema = z.strictObject({
  userId: z.guid(),
  /** The tenant this request acts for; counts only if the user is a member of it. */
  tenantId: z.guid().nullish(),
  /** Extra claims (e.g. `ip`, `user_agent` for the audit log). */
  claims: z.record(z.string(), z.unknown()).optional(),
});
export type Actor = z.input<typeof actorSchema>;

export interface ActorOptions {
  /** The role to switch to (default `authenticated`). */
  role?: string;
}

/**
 * Runs `fn` in a transaction as the application role acting for `actor`, with the handle's
 * `statement_timeout` and `lock_timeout`. Inside another context (a transaction of
 * `withActor`, `withService` or `withAnon`) it runs in a savepoint and restores the outer
 * role, claims and timeouts afterwards.
 */
export async function withActor<T, D extends AnyPgDatabase = DbOrTx>(
  db: D,
  actor: Actor,
  fn: (tx: TransactionOf<D>) => Promise<T>,
  options: ActorOptions = {},
): Promise<T> {
  const parsed = actorSchema.safeParse(actor);
  if (!parsed.success) throw new ValidationError('invalid actor', parsed.error.issues);
  const { userId, tenantId, claims } = parsed.data;
  const role = options.role ?? DEFAULT_ROLES.app;
  const payload = JSON.stringify({
    ...claims,
    sub: userId,
    role,
    ...(tenantId ? { tenant_id: tenantId } : {}),
  });
  return enter(db, { kind: 'actor', role, claims: payload, sub: userId }, fn as never);
}

/** Runs `fn` in a transaction as the anonymous role (no claims); nests like `withActor`. */
export async function withAnon<T, D extends AnyPgDatabase = DbOrTx>(
  db: D,
  fn: (tx: TransactionOf<D>) => Promise<T>,
): Promise<T> {
  return enter(db, { kind: 'anon', role: DEFAULT_ROLES.anon, claims: '{}', sub: '' }, fn as never);
}

/**
 * Runs `fn` in a transaction as the service role (BYPASSRLS): trusted back-end jobs only.
 * `actorId`, when given, is recorded as the actor of audited changes. Refused with a
 * `ContextError` inside an actor or anonymous transaction: a request acting for a user can
 * never widen to the service role.
 */
export async function withService<T, D extends AnyPgDatabase = DbOrTx>(
  db: D,
  fn: (tx: TransactionOf<D>) => Promise<T>,
  options: { actorId?: string } = {},
): Promise<T> {
  if (options.actorId !== undefined && !z.guid().safeParse(options.actorId).success)
    throw new ValidationError('invalid actorId: not a uuid');
  const payload = JSON.stringify(
    options.actorId ? { sub: options.actorId, role: DEFAULT_ROLES.service } : { role: DEFAULT_ROLES.service },
  );
  return enter(db, { kind: 'service', role: DEFAULT_ROLES.service, claims: payload, sub: options.actorId ?? '' }, fn as never);
}

interface Context {
  kind: 'actor' | 'anon' | 'service';
  role: string;
  claims: string;
  /** The legacy per-claim setting `request.jwt.claim.sub` (read first by Supabase's `auth.uid()`). */
  sub: string;
}

interface Snapshot {
  search_path: string;
  role: string;
  claims: string;
  sub: string;
  claim_role: string;
  statement_timeout: string;
  lock_timeout: string;
}

/**
 * The search path of every context: temporary objects last, so a temporary table created
 * earlier on a pooled connection can never stand in for a package table (an unqualified
 * name in drizzle's SQL would otherwise find `pg_temp.documents` first).
 */
export const SEARCH_PATH = 'public, extensions, pg_catalog, pg_temp';

/** The settings a context runs with; without timeouts of its own (service), `fallback`'s. */
function settingsFor(
  ctx: Context,
  t: { statementMs: number; lockMs: number } | undefined,
  fallback: Pick<Snapshot, 'statement_timeout' | 'lock_timeout'>,
): Snapshot {
  return {
    search_path: SEARCH_PATH,
    role: ctx.role,
    claims: ctx.claims,
    sub: ctx.sub,
    claim_role: ctx.role,
    statement_timeout: t ? `${t.statementMs}ms` : fallback.statement_timeout,
    lock_timeout: t ? `${t.lockMs}ms` : fallback.lock_timeout,
  };
}

async function enter<T>(anyDb: AnyPgDatabase, ctx: Context, fn: (tx: AppTransaction) => Promise<T>): Promise<T> {
  const db = anyDb as DbOrTx;
  const { timeouts } = settingsOf(db);
  const t = ctx.kind === 'service' ? undefined : timeouts;
  if (!(db instanceof PgTransaction)) {
    return db.transaction(async (tx) => {
      await apply(tx, settingsFor(ctx, t, { statement_timeout: '0', lock_timeout: '0' }));
      return fn(tx);
    });
  }
  // Nested: settings made in a savepoint outlive it when it is released, so they are put back
  // by hand on success (a rolled-back savepoint restores them itself).
  const [outer] = await rows<Snapshot>(
    db,
    sql`select current_setting('search_path') as search_path,
               current_setting('role') as role,
               coalesce(current_setting('request.jwt.claims', true), '') as claims,
               coalesce(current_setting('request.jwt.claim.sub', true), '') as sub,
               coalesce(current_setting('request.jwt.claim.role', true), '') as claim_role,
               current_setting('statement_timeout') as statement_timeout,
               current_setting('lock_timeout') as lock_timeout`,
  );
  if (ctx.kind === 'service' && (outer!.role === DEFAULT_ROLES.app || outer!.role === DEFAULT_ROLES.anon)) {
    throw new ContextError(
      `withService inside a transaction acting as ${outer!.role} is refused: run service work in its own transaction (ai-platform-db/jobs)`,
    );
  }
  return db.transaction(async (tx) => {
    attachSettings(tx, settingsOf(db));
    // a nested service context keeps the outer timeouts
    await apply(tx, settingsFor(ctx, t, outer!));
    const result = await fn(tx);
    await apply(tx, outer!);
    return result;
  });
}

async function apply(tx: DbOrTx, s: Snapshot): Promise<void> {
  if (settingsOf(tx).citus) {
    // Citus sends SET LOCAL commands to the workers it opens in this transaction (with
    // citus.propagate_set_commands = 'local'), never set_config values: app.set_context
    // issues them (the values quoted by format(%L), bound here as parameters)
    await tx.execute(
      sql`select app.set_context(${s.search_path}, ${s.claims}, ${s.sub}, ${s.claim_role}, ${s.statement_timeout}, ${s.lock_timeout}, ${s.role})`,
    );
    return;
  }
  // All bound as parameters; set_config(..., true) is SET LOCAL. The legacy per-claim keys
  // are set too: a value left on a pooled connection must never speak for this request.
  await tx.execute(
    sql`select set_config('search_path', ${s.search_path}, true),
               set_config('request.jwt.claims', ${s.claims}, true),
               set_config('request.jwt.claim.sub', ${s.sub}, true),
               set_config('request.jwt.claim.role', ${s.claim_role}, true),
               set_config('statement_timeout', ${s.statement_timeout}, true),
               set_config('lock_timeout', ${s.lock_timeout}, true),
               set_config('role', ${s.role}, true)`,
  );
}
