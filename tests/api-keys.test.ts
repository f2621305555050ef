/** API keys: issue once, verify (hash, expiry, revocation, scope, membership), list, revoke, immutability. */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { issueApiKey, listApiKeys, parseApiKey, revokeApiKey } from '../src/queries/apiKeys.js';
import { verifyApiKey } from '../src/jobs/apiKeys.js';
import {
  ForbiddenError,
  InvalidTransitionError,
  mapErrors,
  NotFoundError,
  ValidationError,
} from '../src/queries/errors.js';
import * as s from '../src/schema/index.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('API keys', (t) => {
  let w: World;
  const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
    withActor(t().db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);

  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('returns the secret once and stores only its hash and prefix', async () => {
    const { key, apiKey } = await as('member', (tx) =>
      issueApiKey(tx, { tenantId: w.tenantA, name: 'ci', scopes: ['documents:read'] }),
    );
    expect(key).toMatch(/^aip_[A-Za-z0-9_-]{22}_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key)).toEqual({ tenantId: w.tenantA, prefix: apiKey.prefix });
    expect(apiKey).not.toHaveProperty('keyHash');
    const [row] = rowsOf<{ key_hash: string; prefix: string }>(
      await t().db.execute(sql`select key_hash, prefix from api_keys where id = ${apiKey.id}`),
    );
    expect(row!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(rowsOf(await t().db.execute(sql`select * from api_keys where id = ${apiKey.id}`)));
    expect(dump).not.toContain(key.split('_').pop()!);
    // the audit log of the key never holds the hash either
    const audit = JSON.stringify(
      rowsOf(await t().db.execute(sql`select old_data, new_data from audit_logs where table_name = 'api_keys'`)),
    );
    expect(audit).not.toContain(row!.key_hash);
    // viewers may not issue keys; bad input writes nothing
    await rejectsWith(
      as('viewer', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'v' })),
      ForbiddenError,
    );
    await rejectsWith(
      as('member', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: ' ' })),
      ValidationError,
    );
    await rejectsWith(
      as('member', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'x', scopes: ['DROP TABLE'] })),
      ValidationError,
    );
    await rejectsWith(
      as('member', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'x', expiresAt: new Date(Date.now() - 1000) })),
      ValidationError,
    );
    const n = rowsOf<{ n: number }>(
      await t().db.execute(sql`select count(*)::int as n from api_keys where tenant_id = ${w.tenantA}`),
    )[0]!.n;
    expect(n).toBe(1);
  });

  it('verifies: right key and scope pass; a wrong, altered, expired, revoked or out-of-scope key is refused', async () => {
    const { key, apiKey } = await as('member', (tx) =>
      issueApiKey(tx, { tenantId: w.tenantA, name: 'svc', scopes: ['search', 'documents:read'] }),
    );
    expect(await verifyApiKey(t().db, { key, requiredScopes: ['search'] })).toEqual({
      ok: true,
      keyId: apiKey.id,
      tenantId: w.tenantA,
      userId: w.users.member,
      scopes: ['search', 'documents:read'],
    });
    const [used] = await t()
      .db.select()
      .from(s.apiKeys)
      .where(sql`id = ${apiKey.id}`);
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
    const flip = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await verifyApiKey(t().db, { key: flip })).toEqual({ ok: false, reason: 'unknown' });
    expect(await verifyApiKey(t().db, { key: 'Bearer nonsense' })).toEqual({ ok: false, reason: 'malformed' });
    // the same prefix and secret under another tenant's id is a different key
    // (the tenant part is base64url: it may itself contain '_', so splice by position)
    const otherTenant = `aip_${Buffer.from(w.tenantB.replace(/-/g, ''), 'hex').toString('base64url')}${key.slice(4 + 22)}`;
    expect(otherTenant).not.toBe(key);
    expect(parseApiKey(otherTenant).tenantId).toBe(w.tenantB);
    expect(await verifyApiKey(t().db, { key: otherTenant })).toEqual({ ok: false, reason: 'unknown' });
    expect(await verifyApiKey(t().db, { key, requiredScopes: ['admin'] })).toEqual({ ok: false, reason: 'scope' });
    // expiry (set by the owner of the database; the app cannot move it)
    const exp = await as('member', (tx) =>
      issueApiKey(tx, { tenantId: w.tenantA, name: 'short', expiresAt: new Date(Date.now() + 60_000) }),
    );
    await rejectsWith(
      as('member', (tx) =>
        tx
          .update(s.apiKeys)
          .set({ expiresAt: new Date(Date.now() + 1e9) })
          .where(sql`id = ${exp.apiKey.id}`),
      ),
      InvalidTransitionError,
    );
    await t().db.execute(sql`alter table api_keys disable trigger api_keys_guard`);
    await t().db.execute(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${exp.apiKey.id}`);
    await t().db.execute(sql`alter table api_keys enable trigger api_keys_guard`);
    expect(await verifyApiKey(t().db, { key: exp.key })).toEqual({ ok: false, reason: 'expired' });
    // revocation is for good
    await as('admin', (tx) => revokeApiKey(tx, { tenantId: w.tenantA, keyId: apiKey.id }));
    expect(await verifyApiKey(t().db, { key })).toEqual({ ok: false, reason: 'revoked' });
    const again = await as('member', (tx) => revokeApiKey(tx, { tenantId: w.tenantA, keyId: apiKey.id }));
    expect(again.revokedAt).toBeInstanceOf(Date);
    await rejectsWith(
      mapErrors(() => t().db.execute(sql`update api_keys set revoked_at = null where id = ${apiKey.id}`)),
      InvalidTransitionError,
    );
    // a key whose owner left the tenant stops working
    expect(await as('viewer', (tx) => listApiKeys(tx, { tenantId: w.tenantA }))).toEqual([]);
    // the hash column is not even granted to the application role
    await rejectsWith(
      as('member', (tx) => tx.select().from(s.apiKeys)),
      ForbiddenError,
    );
    const { key: k2 } = await as('member', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'leaver' }));
    await t().db.execute(
      sql`delete from tenant_memberships where tenant_id = ${w.tenantA} and user_id = ${w.users.member}`,
    );
    expect(await verifyApiKey(t().db, { key: k2 })).toEqual({ ok: false, reason: 'no_member' });
    await t().db.insert(s.tenantMemberships).values({ tenantId: w.tenantA, userId: w.users.member, role: 'member' });
    expect((await verifyApiKey(t().db, { key: k2 })).ok).toBe(true);
  });

  it('refuses keys of a suspended or deleted tenant and of a banned, archived or deleted user (were accepted)', async () => {
    const w = await createWorld(t().db); // its own tenant: the other tests count keys
    const { key } = await withActor(t().db, { userId: w.users.admin, tenantId: w.tenantA }, (tx) =>
      issueApiKey(tx, { tenantId: w.tenantA, name: 'status' }),
    );
    expect((await verifyApiKey(t().db, { key })).ok).toBe(true);
    const setTenant = (status: string, deleted = false) =>
      t().db.execute(
        sql`update tenants set status = ${status}::tenant_status, deleted_at = ${deleted ? sql`now()` : sql`null`} where id = ${w.tenantA}`,
      );
    const setUser = (status: string, deleted = false) =>
      t().db.execute(
        sql`update users set status = ${status}::user_status, deleted_at = ${deleted ? sql`now()` : sql`null`} where id = ${w.users.admin}`,
      );
    await setTenant('suspended');
    expect(await verifyApiKey(t().db, { key })).toEqual({ ok: false, reason: 'tenant_inactive' });
    await setTenant('active', true);
    expect(await verifyApiKey(t().db, { key })).toEqual({ ok: false, reason: 'tenant_inactive' });
    await setTenant('active');
    for (const status of ['banned', 'archived', 'inactive']) {
      await setUser(status);
      expect(await verifyApiKey(t().db, { key })).toEqual({ ok: false, reason: 'user_inactive' });
    }
    await setUser('active', true);
    expect(await verifyApiKey(t().db, { key })).toEqual({ ok: false, reason: 'user_inactive' });
    await setUser('active');
    expect((await verifyApiKey(t().db, { key })).ok).toBe(true);
  });

  it('lists own keys (admins: all) without hashes; other tenants see and revoke nothing', async () => {
    const mine = await as('member', (tx) => listApiKeys(tx, { tenantId: w.tenantA }));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((k) => k.userId === w.users.member && !('keyHash' in k) && !k.revokedAt)).toBe(true);
    const all = await as('member', (tx) => listApiKeys(tx, { tenantId: w.tenantA, includeRevoked: true }));
    expect(all.length).toBeGreaterThan(mine.length);
    await as('admin', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'admin key' }));
    expect((await as('admin', (tx) => listApiKeys(tx, { tenantId: w.tenantA }))).length).toBe(mine.length + 1);
    expect((await as('member', (tx) => listApiKeys(tx, { tenantId: w.tenantA }))).length).toBe(mine.length);
    expect(await as('outsider', (tx) => listApiKeys(tx, { tenantId: w.tenantA }), w.tenantB)).toEqual([]);
    await rejectsWith(
      as('outsider', (tx) => revokeApiKey(tx, { tenantId: w.tenantA, keyId: mine[0]!.id }), w.tenantB),
      NotFoundError,
    );
    await rejectsWith(
      as('viewer', (tx) => revokeApiKey(tx, { tenantId: w.tenantA, keyId: mine[0]!.id })),
      NotFoundError,
    );
    const still = await as('member', (tx) => listApiKeys(tx, { tenantId: w.tenantA }));
    expect(still.map((k) => k.id)).toContain(mine[0]!.id);
  });
});
