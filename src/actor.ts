/**
 * The actor context: every request runs in a transaction that switches to the application
 * role and sets the claims, exactly as Supabase's API layer does, so the same policies work
 * behind Supabase and on plain PostgreSQL. Both settings are transaction-local: nothing
 * leaks to the next transaction on a pooled connection.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppTransaction, DbOrTx } from './db.js';
import { DEFAULT_ROLES } from './rls/roles.js';
import { ValidationError } from './queries/errors.js';

export const actorSchema = z.object({
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

/** Runs `fn` in a transaction as the application role acting for `actor`. */
export async function withActor<T>(
  db: DbOrTx,
  actor: Actor,
  fn: (tx: AppTransaction) => Promise<T>,
  options: ActorOptions = {},
): Promise<T> {
  const parsed = actorSchema.safeParse(actor);
  if (!parsed.success) throw new ValidationError('invalid actor', parsed.error.issues);
  const { userId, tenantId, claims } = parsed.data;
  const payload = JSON.stringify({
    ...claims,
    sub: userId,
    role: options.role ?? DEFAULT_ROLES.app,
    ...(tenantId ? { tenant_id: tenantId } : {}),
  });
  return db.transaction(async (tx) => {
    await setLocalContext(tx, payload, options.role ?? DEFAULT_ROLES.app);
    return fn(tx);
  });
}

/** Runs `fn` in a transaction as the anonymous role (no claims). */
export async function withAnon<T>(db: DbOrTx, fn: (tx: AppTransaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setLocalContext(tx, '{}', DEFAULT_ROLES.anon);
    return fn(tx);
  });
}

/**
 * Runs `fn` in a transaction as the service role (BYPASSRLS): trusted back-end jobs only.
 * `actorId`, when given, is recorded as the actor of audited changes.
 */
export async function withService<T>(
  db: DbOrTx,
  fn: (tx: AppTransaction) => Promise<T>,
  options: { actorId?: string } = {},
): Promise<T> {
  const payload = JSON.stringify(
    options.actorId ? { sub: options.actorId, role: DEFAULT_ROLES.service } : { role: DEFAULT_ROLES.service },
  );
  return db.transaction(async (tx) => {
    await setLocalContext(tx, payload, DEFAULT_ROLES.service);
    return fn(tx);
  });
}

async function setLocalContext(tx: AppTransaction, claims: string, role: string): Promise<void> {
  // Both bound as parameters; set_config(..., true) is SET LOCAL.
  await tx.execute(sql`select set_config('request.jwt.claims', ${claims}, true), set_config('role', ${role}, true)`);
}
