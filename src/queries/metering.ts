/**
 * Metering and quotas: usage events (append-only, idempotent by key), daily rollups, quota
 * checks, credits (exact under concurrency) and token purchases.
 *
 * Who calls what: usage events, rollups, credit grants and purchases are written by trusted
 * back-end code (`withService`); `checkQuota` and `consumeCredits` also work under
 * `withActor` for the actor's own tenant and credits (definer functions check that).
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import {
  creditBalances,
  subscriptions,
  tokenPurchases,
  usageKind,
  type CreditBalance,
  type TokenPurchase,
} from '../schema/billing.js';
import { ConflictError, QuotaExceededError } from './errors.js';
import { atomic, id, jsonValue, parse, pgText, rows, single } from './util.js';

const count = (max = Number.MAX_SAFE_INTEGER) => z.number().int().min(0).max(max);

// ---------------------------------------------------------------- usage events
export const usageEventInput = z
  .strictObject({
    tenantId: id,
    kind: z.enum(usageKind.enumValues),
    userId: id.optional(),
    projectId: id.optional(),
    sessionId: id.optional(),
    model: pgText(200).optional(),
    tokensIn: count().default(0),
    tokensOut: count().default(0),
    requests: count(2_147_483_647).default(1),
    storageBytes: count().default(0),
    /** Decimal string or number, ≥ 0, 6 decimals kept. */
    costUsd: z.union([z.number().min(0).max(1e8), z.string().regex(/^\d{1,8}(\.\d{1,6})?$/)]).default(0),
    /** With `occurredAt`, makes a retried event a no-op. */
    idempotencyKey: pgText(200).optional(),
    occurredAt: z.coerce.date().optional(),
    metadata: z.record(z.string(), jsonValue).optional(),
  })
  .refine((e) => !e.idempotencyKey || e.occurredAt, {
    message: 'an idempotency key needs the event time (occurredAt): a retry must name the same instant',
    path: ['occurredAt'],
  });
export type UsageEventInput = z.input<typeof usageEventInput>;

/**
 * Records usage events in one statement; events whose (tenant, idempotency key, time) is
 * already stored are skipped. Returns how many were written.
 */
export async function recordUsage(
  db: DbOrTx,
  events: UsageEventInput[],
): Promise<{ inserted: number; skipped: number }> {
  const list = parse(z.array(usageEventInput).min(1).max(10_000), events, 'usage events');
  return single(db, async (tx) => {
    const payload = JSON.stringify(
      list.map((e) => ({
        tenant_id: e.tenantId,
        kind: e.kind,
        user_id: e.userId ?? null,
        project_id: e.projectId ?? null,
        session_id: e.sessionId ?? null,
        model: e.model ?? null,
        tokens_in: e.tokensIn,
        tokens_out: e.tokensOut,
        requests: e.requests,
        storage_bytes: e.storageBytes,
        cost_usd: String(e.costUsd),
        idempotency_key: e.idempotencyKey ?? null,
        occurred_at: e.occurredAt?.toISOString() ?? null,
        metadata: e.metadata ?? {},
      })),
    );
    const out = await rows<{ n: number }>(
      tx,
      sql`with ins as (
            insert into usage_events (tenant_id, kind, user_id, project_id, session_id, model, tokens_in, tokens_out,
                                      requests, storage_bytes, cost_usd, idempotency_key, occurred_at, metadata)
            select r.tenant_id, r.kind, r.user_id, r.project_id, r.session_id, r.model, r.tokens_in, r.tokens_out,
                   r.requests, r.storage_bytes, r.cost_usd, r.idempotency_key, coalesce(r.occurred_at, now()), r.metadata
            from jsonb_to_recordset(${payload}::jsonb) as r(
              tenant_id uuid, kind usage_kind, user_id uuid, project_id uuid, session_id uuid, model text,
              tokens_in bigint, tokens_out bigint, requests integer, storage_bytes bigint, cost_usd numeric,
              idempotency_key text, occurred_at timestamptz, metadata jsonb)
            on conflict (tenant_id, idempotency_key, occurred_at) where idempotency_key is not null do nothing
            returning 1)
          select count(*)::int as n from ins`,
    );
    const inserted = out[0]!.n;
    return { inserted, skipped: list.length - inserted };
  });
}

// ---------------------------------------------------------------- quotas
export const quotaDimension = z.enum(['tokens', 'ingestions', 'storage', 'requests']);
export const checkQuotaParams = z.strictObject({
  tenantId: id,
  dimension: quotaDimension,
  /** What the caller is about to use (tokens, ingestions, bytes, requests). */
  amount: count().default(1),
});

export interface QuotaDecision {
  allowed: boolean;
  /** NULL: this dimension has no limit. */
  limit: number | null;
  /** Used in the current window: today (UTC) for tokens and ingestions, the last minute for requests, now for storage. */
  used: number;
  /** Left after this use would be allowed (never negative); NULL without a limit. */
  remaining: number | null;
  /** `recordUsageWithinQuota` only: this call was a retry of one that had recorded the event. */
  replayed?: boolean;
}

/**
 * Answers whether `amount` more of a dimension fits the tenant's quota (`tenant_quotas`;
 * no row or a NULL limit = unlimited). A check, not a reservation: record the usage after.
 */
export async function checkQuota(db: DbOrTx, params: z.input<typeof checkQuotaParams>): Promise<QuotaDecision> {
  const p = parse(checkQuotaParams, params, 'quota check');
  return single(db, async (tx) => {
    const [r] = await rows<{ lim: string | null; used: string }>(
      tx,
      sql`select * from app.quota_usage(${p.tenantId}, ${p.dimension})`,
    );
    const limit = r!.lim === null ? null : Number(r!.lim);
    const used = Number(r!.used);
    if (limit === null) return { allowed: true, limit, used, remaining: null };
    const allowed = used + p.amount <= limit;
    return { allowed, limit, used, remaining: Math.max(0, limit - used - (allowed ? p.amount : 0)) };
  });
}

export const recordUsageWithinQuotaParams = z.strictObject({
  event: usageEventInput,
  dimension: quotaDimension,
});

const AMOUNT: Record<z.infer<typeof quotaDimension>, (e: z.output<typeof usageEventInput>) => number> = {
  tokens: (e) => e.tokensIn + e.tokensOut,
  ingestions: (e) => (e.kind === 'ingestion' ? e.requests : 0),
  requests: (e) => e.requests,
  storage: (e) => e.storageBytes,
};

/**
 * Check and record in one: under a per-(tenant, dimension) transaction lock, records the usage
 * event only if it fits the quota, else throws QuotaExceededError and records nothing. Two
 * concurrent callers cannot both take the last of a quota (`checkQuota` followed by
 * `recordUsage` can: a check is not a reservation). Service role, in its own or the caller's
 * transaction. Storage is measured from the files, so its event records the upload itself.
 */
export async function recordUsageWithinQuota(
  db: DbOrTx,
  params: z.input<typeof recordUsageWithinQuotaParams>,
): Promise<QuotaDecision> {
  const p = parse(recordUsageWithinQuotaParams, params, 'metered usage');
  const amount = AMOUNT[p.dimension](p.event);
  return atomic(db, async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`quota:${p.event.tenantId}:${p.dimension}`}, 0))`,
    );
    if (p.event.idempotencyKey && p.event.occurredAt) {
      // a retry of a call that succeeded: its event is stored and counted already — return the
      // success again (numbers as they are now), never a QuotaExceededError for its own use
      const [stored] = await rows<{ n: number }>(
        tx,
        sql`select 1 as n from usage_events where tenant_id = ${p.event.tenantId}
            and idempotency_key = ${p.event.idempotencyKey} and occurred_at = ${p.event.occurredAt.toISOString()}::timestamptz`,
      );
      if (stored) {
        const now = await checkQuota(tx, { tenantId: p.event.tenantId, dimension: p.dimension, amount: 0 });
        return { ...now, allowed: true, replayed: true };
      }
    }
    const decision = await checkQuota(tx, { tenantId: p.event.tenantId, dimension: p.dimension, amount });
    if (!decision.allowed)
      throw new QuotaExceededError(
        `${p.dimension} quota exceeded: ${decision.used} of ${decision.limit} used, ${amount} more asked`,
        decision,
      );
    await recordUsage(tx, [params.event]);
    return decision;
  });
}

// ---------------------------------------------------------------- credits
export const consumeCreditsParams = z.strictObject({
  tenantId: id,
  userId: id,
  amount: z.number().int().min(1).max(1_000_000).default(1),
  /** A retry with the same key returns the first call's result and consumes nothing more. */
  idempotencyKey: pgText(200).min(1).optional(),
});

/**
 * Consumes credits with one conditional UPDATE (`app.consume_credits`): exact under any
 * number of concurrent callers, never below zero. Returns what is left (NULL = unlimited);
 * throws InsufficientCreditsError when the balance does not cover `amount`.
 */
export async function consumeCredits(
  db: DbOrTx,
  params: z.input<typeof consumeCreditsParams>,
): Promise<{ remaining: number | null }> {
  const p = parse(consumeCreditsParams, params, 'credit consumption');
  return single(db, async (tx) => {
    const [r] = await rows<{ remaining: number | null }>(
      tx,
      p.idempotencyKey === undefined
        ? sql`select app.consume_credits(${p.tenantId}::uuid, ${p.userId}::uuid, ${p.amount}::integer) as remaining`
        : sql`select app.consume_credits(${p.tenantId}::uuid, ${p.userId}::uuid, ${p.amount}::integer, ${p.idempotencyKey}::text) as remaining`,
    );
    return { remaining: r!.remaining === null ? null : Number(r!.remaining) };
  });
}

export const grantCreditsParams = z
  .strictObject({
    tenantId: id,
    userId: id,
    /** Added to the balance. */
    add: z.number().int().min(0).max(1_000_000_000).optional(),
    /** Sets the "unlimited" flag (a paying plan). */
    unlimited: z.boolean().optional(),
    resetAt: z.iso.date().nullable().optional(),
  })
  .refine((p) => p.add !== undefined || p.unlimited !== undefined || p.resetAt !== undefined, {
    message: 'nothing to grant',
  });

/** Creates or tops up a user's credit balance (service role). */
export async function grantCredits(db: DbOrTx, params: z.input<typeof grantCreditsParams>): Promise<CreditBalance> {
  const p = parse(grantCreditsParams, params, 'credit grant');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(creditBalances)
      .values({
        tenantId: p.tenantId,
        userId: p.userId,
        remaining: p.add ?? 0,
        unlimited: p.unlimited ?? false,
        resetAt: p.resetAt ?? null,
      })
      .onConflictDoUpdate({
        target: [creditBalances.tenantId, creditBalances.userId],
        set: {
          remaining: sql`${creditBalances.remaining} + ${p.add ?? 0}`,
          ...(p.unlimited !== undefined ? { unlimited: p.unlimited } : {}),
          ...(p.resetAt !== undefined ? { resetAt: p.resetAt } : {}),
        },
      })
      .returning();
    return row!;
  });
}

// ---------------------------------------------------------------- token purchases
export const recordTokenPurchaseParams = z.strictObject({
  tenantId: id,
  /** The payment provider's id: a webhook delivered twice records one purchase. */
  paymentIntentId: pgText(200).min(1),
  tokenAmount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  pricePaid: z.union([z.number().min(0).max(1e8), z.string().regex(/^\d{1,8}(\.\d{1,2})?$/)]),
  status: z.enum(['pending', 'completed', 'failed']),
  createdBy: id.optional(),
});

/**
 * Records a token purchase or moves it on (pending → completed | failed), idempotently by
 * payment id. Completion adds the tokens to the subscription once, in the same transaction
 * (trigger `app.apply_token_purchase`). Service role.
 */
export async function recordTokenPurchase(
  db: DbOrTx,
  params: z.input<typeof recordTokenPurchaseParams>,
): Promise<{ purchase: TokenPurchase; additionalTokens: number }> {
  const p = parse(recordTokenPurchaseParams, params, 'token purchase');
  return atomic(db, async (tx) => {
    // insert-or-nothing first: a concurrent duplicate waits on the unique index, then finds the row
    const [created] = await tx
      .insert(tokenPurchases)
      .values({
        tenantId: p.tenantId,
        stripePaymentIntentId: p.paymentIntentId,
        tokenAmount: p.tokenAmount,
        pricePaid: String(p.pricePaid),
        status: p.status,
        createdBy: p.createdBy ?? null,
      })
      .onConflictDoNothing({ target: [tokenPurchases.tenantId, tokenPurchases.stripePaymentIntentId] })
      .returning();
    let purchase: TokenPurchase;
    if (created) purchase = created;
    else {
      const [existing] = await tx
        .select()
        .from(tokenPurchases)
        .where(
          and(eq(tokenPurchases.tenantId, p.tenantId), eq(tokenPurchases.stripePaymentIntentId, p.paymentIntentId)),
        )
        .for('update');
      if (!existing) throw new ConflictError(`payment ${p.paymentIntentId} could not be recorded`);
      if (existing.tokenAmount !== p.tokenAmount || Number(existing.pricePaid) !== Number(p.pricePaid))
        throw new ConflictError(`payment ${p.paymentIntentId} is recorded with another amount`, {
          tokenAmount: existing.tokenAmount,
          pricePaid: existing.pricePaid,
        });
      purchase = existing;
      if (existing.status !== p.status && p.status !== 'pending') {
        // the trigger refuses anything but pending -> completed | failed
        [purchase] = (await tx
          .update(tokenPurchases)
          .set({ status: p.status })
          .where(and(eq(tokenPurchases.tenantId, p.tenantId), eq(tokenPurchases.id, existing.id)))
          .returning()) as [TokenPurchase];
      }
    }
    const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, p.tenantId));
    return { purchase, additionalTokens: sub?.additionalTokens ?? 0 };
  });
}
