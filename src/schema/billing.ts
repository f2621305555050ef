/**
 * Billing & usage: subscriptions (seed 001 workspace_subscriptions, seed 002 teams billing),
 * token purchases, credit balances (seed 003 chat_credits), tenant quotas and daily usage
 * rollups (seed 004 usage_metrics, seed 001 workspace_stats / project_stats).
 * Raw usage events are time-partitioned and live in `partitioned.ts`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, lifecycleDates, rowId, tenantId, timestamptz } from './columns.js';
import { tenantRowKeys } from './keys.js';
import { tenants, users } from './identity.js';

export const planType = pgEnum('plan_type', ['free', 'hobby', 'pro', 'enterprise']);
export const subscriptionStatus = pgEnum('subscription_status', [
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'canceled',
  'incomplete',
]);
/** What a usage event meters (seed 001 token_usage.usage_type, extended). */
export const usageKind = pgEnum('usage_kind', [
  'chat',
  'artifact_generation',
  'search',
  'ingestion',
  'storage',
  'request',
]);
export const purchaseStatus = pgEnum('purchase_status', ['pending', 'completed', 'failed']);

/** One subscription per tenant. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    tenantId: tenantId()
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    planType: planType('plan_type').notNull().default('free'),
    baseTokenLimit: bigint('base_token_limit', { mode: 'number' }).notNull().default(0),
    additionalTokens: bigint('additional_tokens', { mode: 'number' }).notNull().default(0),
    status: subscriptionStatus('status').notNull().default('active'),
    currentPeriodStart: timestamptz('current_period_start'),
    currentPeriodEnd: timestamptz('current_period_end'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    ...lifecycleDates(),
  },
  (t) => [
    // seed 002: webhooks look subscriptions up by Stripe's ids. Indexed, not unique across
    // tenants: a unique index without tenant_id cannot hold on a table distributed by tenant
    // (Citus); Stripe itself issues each id once, and a tenant has one subscription (its key).
    index('subscriptions_stripe_customer_id_idx').on(t.stripeCustomerId).where(sql`${t.stripeCustomerId} is not null`),
    index('subscriptions_stripe_subscription_id_idx')
      .on(t.stripeSubscriptionId)
      .where(sql`${t.stripeSubscriptionId} is not null`),
    check('subscriptions_base_token_limit_non_negative', sql`${t.baseTokenLimit} >= 0`),
    check('subscriptions_additional_tokens_non_negative', sql`${t.additionalTokens} >= 0`),
    check(
      'subscriptions_period_order',
      sql`${t.currentPeriodEnd} is null or ${t.currentPeriodStart} is null or ${t.currentPeriodEnd} >= ${t.currentPeriodStart}`,
    ),
  ],
);
export type Subscription = typeof subscriptions.$inferSelect;
export type NewSubscription = typeof subscriptions.$inferInsert;

/** Seed 001 token_purchases; a completed purchase adds to subscriptions.additional_tokens. */
export const tokenPurchases = pgTable(
  'token_purchases',
  {
    tenantId: tenantId(),
    id: rowId(),
    stripePaymentIntentId: text('stripe_payment_intent_id').notNull(),
    tokenAmount: bigint('token_amount', { mode: 'number' }).notNull(),
    pricePaid: numeric('price_paid', { precision: 10, scale: 2 }).notNull(),
    status: purchaseStatus('status').notNull().default('pending'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('token_purchases_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    ...tenantRowKeys('token_purchases', t),
    // webhook idempotency
    uniqueIndex('token_purchases_tenant_id_payment_intent_unique').on(t.tenantId, t.stripePaymentIntentId),
    index('token_purchases_created_by_idx').on(t.createdBy),
    check('token_purchases_token_amount_positive', sql`${t.tokenAmount} > 0`),
    check('token_purchases_price_paid_non_negative', sql`${t.pricePaid} >= 0`),
  ],
);
export type TokenPurchase = typeof tokenPurchases.$inferSelect;
export type NewTokenPurchase = typeof tokenPurchases.$inferInsert;

/**
 * Seed 003 chat_credits, fixed: "unlimited" is its own flag (the seed's `remaining = NULL`
 * made `remaining > 0` false, locking out paying users) and `remaining` never goes below 0.
 * Consumed only through `app.consume_credits` (a single conditional UPDATE).
 */
export const creditBalances = pgTable(
  'credit_balances',
  {
    tenantId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    remaining: integer('remaining').notNull().default(10),
    unlimited: boolean('unlimited').notNull().default(false),
    /** Total ever consumed, so balance = granted - consumed can be audited. */
    consumed: bigint('consumed', { mode: 'number' }).notNull().default(0),
    resetAt: date('reset_at', { mode: 'string' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'credit_balances_pkey', columns: [t.tenantId, t.userId] }),
    foreignKey({ name: 'credit_balances_tenant_id_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete(
      'cascade',
    ),
    index('credit_balances_user_id_idx').on(t.userId),
    check('credit_balances_remaining_non_negative', sql`${t.remaining} >= 0`),
    check('credit_balances_consumed_non_negative', sql`${t.consumed} >= 0`),
  ],
);
export type CreditBalance = typeof creditBalances.$inferSelect;
export type NewCreditBalance = typeof creditBalances.$inferInsert;

/**
 * One row per idempotent credit consumption (`consumeCredits({ idempotencyKey })`): a retry
 * with the same key returns the balance the first call left instead of consuming again.
 * Written only by `app.consume_credits`; kept with the balance's history.
 */
export const creditConsumptions = pgTable(
  'credit_consumptions',
  {
    tenantId: tenantId(),
    idempotencyKey: text('idempotency_key').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    amount: integer('amount').notNull(),
    /** The balance left after this consumption; NULL = unlimited. */
    remaining: integer('remaining'),
    createdAt: createdAt(),
  },
  (t) => [
    index('credit_consumptions_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'credit_consumptions_pkey', columns: [t.tenantId, t.idempotencyKey] }),
    foreignKey({
      name: 'credit_consumptions_tenant_id_fk',
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
    }).onDelete('cascade'),
    index('credit_consumptions_user_id_idx').on(t.userId),
    check('credit_consumptions_amount_positive', sql`${t.amount} > 0`),
    check('credit_consumptions_key_length', sql`length(${t.idempotencyKey}) between 1 and 200`),
  ],
);
export type CreditConsumption = typeof creditConsumptions.$inferSelect;
export type NewCreditConsumption = typeof creditConsumptions.$inferInsert;

/** Seed 004 tenant_quotas. NULL in a limit column means "no limit" for that dimension. */
export const tenantQuotas = pgTable(
  'tenant_quotas',
  {
    tenantId: tenantId()
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    maxTokensPerDay: bigint('max_tokens_per_day', { mode: 'number' }),
    maxIngestionsPerDay: integer('max_ingestions_per_day'),
    maxStorageBytes: bigint('max_storage_bytes', { mode: 'number' }),
    maxRequestsPerMinute: integer('max_requests_per_minute'),
    ...lifecycleDates(),
  },
  (t) => [
    check('tenant_quotas_max_tokens_non_negative', sql`${t.maxTokensPerDay} is null or ${t.maxTokensPerDay} >= 0`),
    check(
      'tenant_quotas_max_ingestions_non_negative',
      sql`${t.maxIngestionsPerDay} is null or ${t.maxIngestionsPerDay} >= 0`,
    ),
    check('tenant_quotas_max_storage_non_negative', sql`${t.maxStorageBytes} is null or ${t.maxStorageBytes} >= 0`),
    check(
      'tenant_quotas_max_requests_non_negative',
      sql`${t.maxRequestsPerMinute} is null or ${t.maxRequestsPerMinute} >= 0`,
    ),
  ],
);
export type TenantQuota = typeof tenantQuotas.$inferSelect;
export type NewTenantQuota = typeof tenantQuotas.$inferInsert;

const counter = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);

/**
 * Daily rollup per tenant (seed 004 usage_metrics, seed 001 workspace_stats) and per project
 * (seed 001 project_stats): `project_id` is the nil uuid for the tenant-wide row, so the
 * primary key needs no nullable column.
 */
export const usageDaily = pgTable(
  'usage_daily',
  {
    tenantId: tenantId(),
    day: date('day', { mode: 'string' }).notNull(),
    /** `00000000-0000-0000-0000-000000000000` = the whole tenant. */
    projectId: uuid('project_id').notNull().default('00000000-0000-0000-0000-000000000000'),
    tokensUsed: counter('tokens_used'),
    requests: counter('requests'),
    ingestions: counter('ingestions'),
    storageUsed: counter('storage_used'),
    costUsd: numeric('cost_usd', { precision: 14, scale: 6 }).notNull().default('0'),
    totalProjects: counter('total_projects'),
    totalUsers: counter('total_users'),
    totalChats: counter('total_chats'),
    totalArtifacts: counter('total_artifacts'),
    totalFiles: counter('total_files'),
    tokensRemaining: bigint('tokens_remaining', { mode: 'number' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'usage_daily_pkey', columns: [t.tenantId, t.day, t.projectId] }),
    foreignKey({ name: 'usage_daily_tenant_id_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete(
      'cascade',
    ),
    check(
      'usage_daily_counters_non_negative',
      sql`${t.tokensUsed} >= 0 and ${t.requests} >= 0 and ${t.ingestions} >= 0 and ${t.storageUsed} >= 0`,
    ),
  ],
);
export type UsageDaily = typeof usageDaily.$inferSelect;
export type NewUsageDaily = typeof usageDaily.$inferInsert;
