/** Metering: usage events, rollups, quotas, credits (exact under concurrency), token purchases. */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import { rollupUsageDaily } from '../src/jobs/metering.js';
import {
  ConflictError,
  ForbiddenError,
  InsufficientCreditsError,
  InvalidTransitionError,
  ValidationError,
} from '../src/queries/errors.js';
import {
  checkQuota,
  consumeCredits,
  grantCredits,
  recordTokenPurchase,
  recordUsage,
} from '../src/queries/metering.js';
import * as s from '../src/schema/index.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('metering', (t) => {
  let w: World;
  const svc = <T>(fn: Parameters<typeof withService<T>>[1]) => withService(t().db, fn);
  const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
    withActor(t().db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);
  const count = async (q: ReturnType<typeof sql>) => rowsOf<{ n: number }>(await t().db.execute(q))[0]!.n;

  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('records usage idempotently by key and time; bad events write nothing', async () => {
    const at = new Date();
    const ev = {
      tenantId: w.tenantA,
      kind: 'chat' as const,
      userId: w.users.member,
      projectId: w.projectA,
      model: 'gpt-x',
      tokensIn: 100,
      tokensOut: 50,
      costUsd: '0.0125',
      idempotencyKey: 'req-1',
      occurredAt: at,
    };
    expect(await svc((tx) => recordUsage(tx, [ev, { ...ev, idempotencyKey: 'req-2' }]))).toEqual({
      inserted: 2,
      skipped: 0,
    });
    expect(await svc((tx) => recordUsage(tx, [ev]))).toEqual({ inserted: 0, skipped: 1 });
    await rejectsWith(
      svc((tx) => recordUsage(tx, [{ ...ev, idempotencyKey: 'req-3', occurredAt: undefined }])),
      ValidationError,
    );
    await rejectsWith(
      svc((tx) =>
        recordUsage(tx, [
          { ...ev, idempotencyKey: 'req-4' },
          { ...ev, tokensIn: -1 },
        ]),
      ),
      ValidationError,
    );
    expect(await count(sql`select count(*)::int as n from usage_events where tenant_id = ${w.tenantA}`)).toBe(2);
    // the application role cannot write usage, and members cannot read raw events
    await rejectsWith(
      as('admin', (tx) => recordUsage(tx, [{ tenantId: w.tenantA, kind: 'request' }])),
      ForbiddenError,
    );
    const seen = await as('member', (tx) => tx.select().from(s.usageEvents));
    expect(seen).toEqual([]);
  });

  it('rolls a day up per tenant and per project, idempotently', async () => {
    const day = new Date().toISOString().slice(0, 10);
    await svc((tx) =>
      recordUsage(tx, [
        { tenantId: w.tenantA, kind: 'ingestion', projectId: w.projectA, requests: 3 },
        { tenantId: w.tenantA, kind: 'search', tokensIn: 10 },
        { tenantId: w.tenantB, kind: 'chat', tokensIn: 1000, projectId: w.projectB },
      ]),
    );
    await svc((tx) => tx.insert(s.subscriptions).values({ tenantId: w.tenantA, baseTokenLimit: 10_000 }));
    const first = await rollupUsageDaily(t().db, { day, tenantId: w.tenantA });
    const again = await rollupUsageDaily(t().db, { day, tenantId: w.tenantA });
    const strip = (rs: typeof first) => rs.map(({ createdAt: _c, updatedAt: _u, ...r }) => r);
    expect(strip(again)).toEqual(strip(first));
    const tenantRow = first.find((r) => r.projectId === '00000000-0000-0000-0000-000000000000')!;
    const projectRow = first.find((r) => r.projectId === w.projectA)!;
    // events of the first test: 2 x (100 + 50) tokens; here 10 more and 3 ingestions
    expect(tenantRow).toMatchObject({
      tokensUsed: 310,
      ingestions: 3,
      totalUsers: 4,
      totalProjects: 1,
      tokensRemaining: 9690,
    });
    expect(projectRow).toMatchObject({ tokensUsed: 300, ingestions: 3 });
    expect(first.every((r) => r.tenantId === w.tenantA)).toBe(true);
    // viewers read the rollup of their tenant only
    const mine = await as('viewer', (tx) => tx.select().from(s.usageDaily));
    expect(mine.length).toBe(first.length);
    expect(await as('outsider', (tx) => tx.select().from(s.usageDaily), w.tenantB)).toEqual([]);
    await rejectsWith(
      rollupUsageDaily(t().db, { day: '2026-13-01' }),
      ValidationError,
    );
  });

  it('answers quota checks with remaining, per dimension; no limit means allowed', async () => {
    const q = (dimension: 'tokens' | 'ingestions' | 'storage' | 'requests', amount: number) =>
      as('member', (tx) => checkQuota(tx, { tenantId: w.tenantA, dimension, amount }));
    expect(await q('tokens', 1_000_000)).toEqual({ allowed: true, limit: null, used: 310, remaining: null });
    await svc((tx) =>
      tx
        .insert(s.tenantQuotas)
        .values({ tenantId: w.tenantA, maxTokensPerDay: 1000, maxIngestionsPerDay: 3, maxStorageBytes: 0 }),
    );
    expect(await q('tokens', 600)).toEqual({ allowed: true, limit: 1000, used: 310, remaining: 90 });
    expect(await q('tokens', 700)).toEqual({ allowed: false, limit: 1000, used: 310, remaining: 690 });
    expect(await q('ingestions', 1)).toMatchObject({ allowed: false, used: 3, remaining: 0 });
    expect(await q('storage', 0)).toMatchObject({ allowed: true, used: 0 });
    expect(await q('requests', 5)).toMatchObject({ allowed: true, limit: null });
    // a member of another tenant may not probe this tenant's usage
    await rejectsWith(
      as('outsider', (tx) => checkQuota(tx, { tenantId: w.tenantA, dimension: 'tokens' }), w.tenantB),
      ForbiddenError,
    );
    await rejectsWith(q('bandwidth' as never, 1), ValidationError);
  });

  it('consumes credits exactly; unlimited plans pass; users spend only their own', async () => {
    await svc((tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, add: 3 }));
    const spend = (amount: number, who: keyof World['users'] = 'member') =>
      as(who, (tx) => consumeCredits(tx, { tenantId: w.tenantA, userId: w.users.member, amount }));
    expect(await spend(2)).toEqual({ remaining: 1 });
    await rejectsWith(spend(2), InsufficientCreditsError);
    expect(await spend(1)).toEqual({ remaining: 0 });
    await rejectsWith(spend(1, 'viewer'), ForbiddenError);
    await svc((tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, unlimited: true }));
    expect(await spend(50)).toEqual({ remaining: null });
    await rejectsWith(spend(0), ValidationError);
    const [bal] = await t()
      .db.select()
      .from(s.creditBalances)
      .where(sql`user_id = ${w.users.member}`);
    expect(bal).toMatchObject({ remaining: 0, consumed: 53, unlimited: true });
  });

  it('credits a completed purchase to the subscription once, whatever the webhook repeats', async () => {
    const buy = (status: 'pending' | 'completed' | 'failed', intent = 'pi_1', amount = 5000) =>
      svc((tx) =>
        recordTokenPurchase(tx, {
          tenantId: w.tenantB,
          paymentIntentId: intent,
          tokenAmount: amount,
          pricePaid: 9.99,
          status,
        }),
      );
    expect((await buy('pending')).additionalTokens).toBe(0);
    expect((await buy('completed')).additionalTokens).toBe(5000);
    expect((await buy('completed')).additionalTokens).toBe(5000);
    expect((await buy('pending')).purchase.status).toBe('completed');
    await rejectsWith(buy('failed'), InvalidTransitionError);
    await rejectsWith(buy('completed', 'pi_1', 6000), ConflictError);
    expect((await buy('completed', 'pi_2', 1000)).additionalTokens).toBe(6000);
    // the database refuses a direct re-credit too
    await rejectsWith(
      svc((tx) =>
        tx
          .update(s.tokenPurchases)
          .set({ tokenAmount: 99 })
          .where(sql`stripe_payment_intent_id = 'pi_2'`),
      ),
      InvalidTransitionError,
    );
    // admins of the tenant read purchases; others nothing
    expect(await as('outsider', (tx) => tx.select().from(s.tokenPurchases), w.tenantB)).toHaveLength(2);
    expect(await as('admin', (tx) => tx.select().from(s.tokenPurchases))).toHaveLength(0);
  });
});

describeBackends(
  'metering under concurrency',
  (t) => {
    let w: World;
    beforeAll(async () => {
      w = await createWorld(t().db);
    });

    it('lets exactly 10 of 100 concurrent consumers of 10 credits succeed', async () => {
      const pool = await t().connect(20);
      await withService(pool, (tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, add: 10 }));
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () =>
          withActor(pool, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
            consumeCredits(tx, { tenantId: w.tenantA, userId: w.users.member }),
          ),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(ok).toHaveLength(10);
      expect(refused.every((r) => (r as PromiseRejectedResult).reason instanceof InsufficientCreditsError)).toBe(true);
      const [bal] = await t()
        .db.select()
        .from(s.creditBalances)
        .where(sql`user_id = ${w.users.member}`);
      expect(bal).toMatchObject({ remaining: 0, consumed: 10 });
    });

    it('records one event for 20 concurrent retries of the same keyed event', async () => {
      const pool = await t().connect(20);
      const occurredAt = new Date();
      const out = await Promise.all(
        Array.from({ length: 20 }, () =>
          withService(pool, (tx) =>
            recordUsage(tx, [{ tenantId: w.tenantA, kind: 'request', idempotencyKey: 'dup', occurredAt }]),
          ),
        ),
      );
      expect(out.reduce((a, r) => a + r.inserted, 0)).toBe(1);
      const n = rowsOf<{ n: number }>(
        await t().db.execute(sql`select count(*)::int as n from usage_events where idempotency_key = 'dup'`),
      )[0]!.n;
      expect(n).toBe(1);
    });
  },
  { serverOnly: 'needs concurrent connections (PGlite has one)' },
);
