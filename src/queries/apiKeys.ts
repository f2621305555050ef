/**
 * API keys: issue (the secret is returned once; only its sha256 and a short public prefix are
 * stored), verify (one lookup on the (tenant_id, prefix) unique index, constant-time hash
 * compare, expiry, revocation, scope, membership), list, revoke.
 *
 * Key format: `aip_<tenant>_<prefix>_<secret>` — the tenant id (22 base64url characters),
 * a 12-character random prefix, 43 characters (256 bits) of secret. The tenant in the key
 * is what makes verification a single indexed lookup; a key names no secret of the tenant.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { API_KEY_SCOPES } from '../sql/boundary.js';
import type { DbOrTx } from '../db.js';
import { apiKeys, type ApiKey } from '../schema/identity.js';
import { NotFoundError, ValidationError } from './errors.js';
import { atomic, id, nonBlank, pageSize, parse, pgText, single } from './util.js';

const KEY_RE = /^aip_([A-Za-z0-9_-]{22})_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const uuidToB64 = (u: string) => Buffer.from(u.replace(/-/g, ''), 'hex').toString('base64url');
const b64ToUuid = (b: string) => {
  const h = Buffer.from(b, 'base64url').toString('hex');
  return h.length === 32
    ? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    : '';
};
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

function randomPrefix(): string {
  const bytes = randomBytes(12);
  return [...bytes].map((b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
}

/** A key as listed: everything but the hash. */
export type ApiKeyInfo = Omit<ApiKey, 'keyHash'>;
const { keyHash: _hash, ...infoColumns } = getTableColumns(apiKeys);

export { API_KEY_SCOPES };
export const scope = pgText(100).regex(/^[a-z][a-z0-9_.:*-]*$/, 'scopes are lowercase words like "documents:read"');

export const issueApiKeyParams = z.strictObject({
  tenantId: id,
  name: nonBlank(200),
  /** Known scopes only (`API_KEY_SCOPES`: `<resource>`, `<resource>:read|write`, `*` for tenant admins), as the database checks. */
  scopes: z
    .array(z.enum(API_KEY_SCOPES as [string, ...string[]], { error: 'an unknown scope: see API_KEY_SCOPES' }))
    .max(50)
    .default([]),
  expiresAt: z.coerce
    .date()
    .refine((d) => d.getTime() > Date.now(), 'must be in the future')
    .optional(),
});

/**
 * Issues a key for the actor (run under `withActor`; members and above). The returned `key`
 * is the only time the secret exists outside the caller: store it or lose it.
 */
export async function issueApiKey(
  db: DbOrTx,
  params: z.input<typeof issueApiKeyParams>,
): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const p = parse(issueApiKeyParams, params, 'API key');
  const prefix = randomPrefix();
  const key = `aip_${uuidToB64(p.tenantId)}_${prefix}_${randomBytes(32).toString('base64url')}`;
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        tenantId: p.tenantId,
        userId: sql`app.current_user_id()`,
        name: p.name,
        prefix,
        keyHash: hashKey(key),
        scopes: p.scopes,
        expiresAt: p.expiresAt ?? null,
      })
      .returning(infoColumns);
    return { key, apiKey: row! };
  });
}

export const listApiKeysParams = z.strictObject({
  tenantId: id,
  /** Include revoked keys (default false). */
  includeRevoked: z.boolean().default(false),
  limit: pageSize,
});

/** Keys the actor may see (their own; tenant admins: all), newest first; never the hash. */
export async function listApiKeys(db: DbOrTx, params: z.input<typeof listApiKeysParams>): Promise<ApiKeyInfo[]> {
  const p = parse(listApiKeysParams, params, 'API key query');
  return single(db, (tx) =>
    tx
      .select(infoColumns)
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, p.tenantId), p.includeRevoked ? undefined : isNull(apiKeys.revokedAt)))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(p.limit),
  );
}

/** Revokes a key (its owner or a tenant admin). Idempotent: revoking twice keeps the first time. */
export async function revokeApiKey(db: DbOrTx, params: { tenantId: string; keyId: string }): Promise<ApiKeyInfo> {
  const p = parse(z.strictObject({ tenantId: id, keyId: id }), params, 'API key');
  return atomic(db, async (tx) => {
    const [row] = await tx
      .select(infoColumns)
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, p.tenantId), eq(apiKeys.id, p.keyId)))
      .for('update');
    if (!row) throw new NotFoundError(`API key ${p.keyId} not found`);
    if (row.revokedAt) return row;
    const [out] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.tenantId, p.tenantId), eq(apiKeys.id, p.keyId)))
      .returning(infoColumns);
    if (!out) throw new NotFoundError(`API key ${p.keyId} not found`);
    return out;
  });
}

/** Parses a key's public parts (tenant, prefix) without looking anything up. */
export function parseApiKey(key: string): { tenantId: string; prefix: string } {
  const parts = splitKey(key);
  if (!parts)
    throw new ValidationError('invalid API key', [
      { code: 'custom', message: 'not an ai-platform-db key', path: ['key'] },
    ]);
  return parts;
}

/** The tenant and prefix of a well-formed key, or undefined. */
export function splitKey(key: string): { tenantId: string; prefix: string } | undefined {
  const m = KEY_RE.exec(key);
  const tenantId = m ? b64ToUuid(m[1]!) : '';
  return m && tenantId ? { tenantId, prefix: m[2]! } : undefined;
}
