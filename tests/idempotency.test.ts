/**
 * Idempotent means idempotent: a retry of an idempotent call after it succeeded returns the
 * first outcome — quotas, usage, credits, purchases, messages. (Before: a retried
 * `recordUsageWithinQuota` was refused with QuotaExceededError because its own first
 * recording counted against it; `consumeCredits` had no key and consumed twice.)
 */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import { appendMessage, createSession } from '../src/queries/conversations.js';
import { ConflictError, ForbiddenError } from '../src/queries/errors.js';
import {
  consumeCredits,
  grantCredits,
  recordTokenPurchase,
  recordUsage,
  recordUsageWithinQuota,
} from '../src/queries/metering.js';
import { rows } from '../src/queries/util.js';
import * as s from '../src/schema/index.js';
import { rejectsWith } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('idempotent retries', (t) => {
  let w: World;
  const member = () => ({ userId: w.users.member, tenantId: w.tenantA });
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('recordUsageWithinQuota: a retry after success returns success, even when the quota is now full', async () => {
    await t().db.insert(s.tenantQuotas).values({ tenantId: w.tenantA, maxTokensPerDay: 100 });
    const event = {
      tenantId: w.tenantA,
      userId: w.users.member,
      kind: 'chat' as const,
      tokensIn: 60,
      tokensOut: 40,
      idempotencyKey: 'req-1',
      occurredAt: new Date(),
    };
    const first = await withService(t().db, (tx) => recordUsageWithinQuota(tx, { event, dimension: 'tokens' }));
    expect(first).toMatchObject({ allowed: true, used: 0, limit: 100 });
    const retry = await withService(t().db, (tx) => recordUsageWithinQuota(tx, { event, dimension: 'tokens' }));
    expect(retry).toMatchObject({ allowed: true, replayed: true, used: 100, remaining: 0 });
    const n = await rows<{ n: number }>(
      t().db,
      sql`select count(*)::int as n from usage_events where tenant_id = ${w.tenantA} and idempotency_key = 'req-1'`,
    );
    expect(n[0]!.n).toBe(1);
    // a new request is still refused by the full quota
    await expect(
      withService(t().db, (tx) =>
        recordUsageWithinQuota(tx, { event: { ...event, idempotencyKey: 'req-2' }, dimension: 'tokens' }),
      ),
    ).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    // recordUsage itself: the retry writes nothing
    const again = await withService(t().db, (tx) => recordUsage(tx, [event]));
    expect(again).toMatchObject({ inserted: 0 });
  });

  it('consumeCredits with a key: a retry returns the first balance and consumes nothing more', async () => {
    await withService(t().db, (tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, add: 5 }));
    const spend = (key: string, amount = 2) =>
      withActor(t().db, member(), (tx) =>
        consumeCredits(tx, { tenantId: w.tenantA, userId: w.users.member, amount, idempotencyKey: key }),
      );
    expect(await spend('c-1')).toEqual({ remaining: 3 });
    expect(await spend('c-1')).toEqual({ remaining: 3 });
    expect(await spend('c-2')).toEqual({ remaining: 1 });
    expect(await spend('c-1')).toEqual({ remaining: 3 }); // the first outcome, not the balance now
    // the same key for another amount is a conflict, not a silent replay
    await rejectsWith(spend('c-1', 1), ConflictError);
    // another user cannot replay (or learn) someone's consumption by its key
    await rejectsWith(
      withActor(t().db, { userId: w.users.admin, tenantId: w.tenantA }, (tx) =>
        consumeCredits(tx, { tenantId: w.tenantA, userId: w.users.member, amount: 2, idempotencyKey: 'c-1' }),
      ),
      ForbiddenError,
    );
    const [bal] = await t().db.select().from(s.creditBalances).where(sql`user_id = ${w.users.member}`);
    expect(bal).toMatchObject({ remaining: 1, consumed: 4 });
    // the keys are not readable by the application role
    await rejectsWith(withActor(t().db, member(), (tx) => tx.select().from(s.creditConsumptions)), ForbiddenError);
  });

  it('recordTokenPurchase: a repeated webhook returns the stored purchase and credits once', async () => {
    await t().db.insert(s.subscriptions).values({ tenantId: w.tenantA }).onConflictDoNothing();
    const hook = () =>
      withService(t().db, (tx) =>
        recordTokenPurchase(tx, {
          tenantId: w.tenantA,
          paymentIntentId: 'pi_1',
          tokenAmount: 500,
          pricePaid: 5,
          status: 'completed',
        }),
      );
    const first = await hook();
    const again = await hook();
    expect(again.purchase.id).toBe(first.purchase.id);
    expect(again.additionalTokens).toBe(first.additionalTokens);
  });

  it('appendMessage: a retried sequence returns the stored message', async () => {
    const session = await withActor(t().db, member(), (tx) =>
      createSession(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'retry' }),
    );
    const send = () =>
      withActor(t().db, member(), (tx) =>
        appendMessage(tx, { tenantId: w.tenantA, sessionId: session.id, role: 'user', content: 'hello', sequence: 1 }),
      );
    const first = await send();
    const again = await send();
    expect(again).toMatchObject({ id: first.id, sequence: 1, inserted: false });
  });
});
