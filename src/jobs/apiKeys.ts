/**
 * API key verification (service role: it runs before anyone is known).
 */
import { timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db.js';
import { withService } from '../actor.js';
import { apiKeys } from '../schema/identity.js';
import { hashKey, scope, splitKey } from '../queries/apiKeys.js';
import { parse } from '../queries/util.js';
export type VerifyFailure =
  | 'malformed'
  | 'unknown'
  | 'revoked'
  | 'expired'
  | 'scope'
  | 'no_member'
  | 'tenant_inactive'
  | 'user_inactive';
export type VerifyResult =
  | { ok: true; keyId: string; tenantId: string; userId: string; scopes: string[] }
  | { ok: false; reason: VerifyFailure };

export const verifyApiKeyParams = z.strictObject({
  key: z.string().max(200),
  /** Scopes the request needs; `*` in a key's scopes grants all. */
  requiredScopes: z.array(scope).max(50).default([]),
  /** Record `last_used_at` (at most once a minute per key). Default true. */
  touch: z.boolean().default(true),
});

/**
 * Verifies a presented key (service role: it runs before anyone is known). One indexed
 * lookup by (tenant, prefix); the stored hash is compared in constant time; then expiry,
 * revocation, scope and the owner's membership are checked. The result says why a key is
 * refused, for logs — tell the client only "invalid key".
 */
export async function verifyApiKey(db: Db, params: z.input<typeof verifyApiKeyParams>): Promise<VerifyResult> {
  const p = parse(verifyApiKeyParams, params, 'API key verification');
  const parts = splitKey(p.key);
  if (!parts) return { ok: false, reason: 'malformed' };
  const { tenantId, prefix } = parts;
  const presented = Buffer.from(hashKey(p.key), 'hex');
  return withService(db, async (tx) => {
    const [k] = await tx
      .select({
        id: apiKeys.id,
        userId: apiKeys.userId,
        keyHash: apiKeys.keyHash,
        scopes: apiKeys.scopes,
        expiresAt: apiKeys.expiresAt,
        revokedAt: apiKeys.revokedAt,
        lastUsedAt: apiKeys.lastUsedAt,
        // qualified by hand: drizzle prints a one-table select's columns unqualified
        member: sql<boolean>`exists (select 1 from public.tenant_memberships m
                                    where m.tenant_id = api_keys.tenant_id and m.user_id = api_keys.user_id)`,
        tenantLive: sql<boolean>`exists (select 1 from public.tenants t
                                        where t.id = api_keys.tenant_id and t.status = 'active' and t.deleted_at is null)`,
        userLive: sql<boolean>`exists (select 1 from public.users u
                                      where u.id = api_keys.user_id and u.deleted_at is null
                                        and u.status not in ('banned', 'inactive', 'archived'))`,
      })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.prefix, prefix)));
    // compare against a dummy hash when the prefix is unknown, so both paths cost the same
    const stored = Buffer.from(k?.keyHash ?? '0'.repeat(64), 'hex');
    const match = timingSafeEqual(stored, presented);
    if (!k || !match) return { ok: false, reason: 'unknown' };
    if (k.revokedAt) return { ok: false, reason: 'revoked' };
    if (k.expiresAt && k.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
    if (!k.tenantLive) return { ok: false, reason: 'tenant_inactive' };
    if (!k.userId || !k.userLive) return { ok: false, reason: 'user_inactive' };
    if (!k.member) return { ok: false, reason: 'no_member' };
    if (!k.scopes.includes('*') && !p.requiredScopes.every((s) => k.scopes.includes(s)))
      return { ok: false, reason: 'scope' };
    if (p.touch && (!k.lastUsedAt || Date.now() - k.lastUsedAt.getTime() > 60_000)) {
      await tx
        .update(apiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, k.id)));
    }
    return { ok: true, keyId: k.id, tenantId, userId: k.userId, scopes: k.scopes };
  });
}

