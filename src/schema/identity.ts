/**
 * Identity & tenancy: tenants (seed "workspaces", "teams"), users as global identities,
 * memberships that grant access, API keys, system admins, profiles.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, lifecycleDates, rowId, tenantId, timestamptz } from './columns.js';

// ---------------------------------------------------------------- enums
export const tenantStatus = pgEnum('tenant_status', ['active', 'suspended', 'deleted']);
/** Seed 001 owner/admin/project_creator, 002 team roles, 004 admin/user/viewer, in rank order. */
export const tenantRole = pgEnum('tenant_role', ['owner', 'admin', 'member', 'viewer']);
export const userStatus = pgEnum('user_status', ['invited', 'waitlist', 'active', 'inactive', 'banned', 'archived']);

// ---------------------------------------------------------------- tenants
/**
 * The isolation boundary. Seed "workspaces" (001), "teams" (002) and "tenants" (004).
 * `is_global` marks seed 001's global workspace that every new user joins.
 */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description'),
    companyName: text('company_name'),
    /** Verified e-mail domains: a new user with a matching address joins automatically (seed 001). */
    companyEmailDomains: text('company_email_domains').array().notNull().default([]),
    status: tenantStatus('status').notNull().default('active'),
    isGlobal: boolean('is_global').notNull().default(false),
    /** Data older than this many days is removed by the retention job; NULL = keep forever. */
    retentionDays: integer('retention_days'),
    logoUrl: text('logo_url'),
    colorPalette: jsonb('color_palette'),
    settings: jsonb('settings')
      .notNull()
      .default(sql`'{}'::jsonb`),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...lifecycleDates(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('tenants_slug_unique').on(t.slug),
    // At most one global tenant (seed 001's "Global Workspace").
    uniqueIndex('tenants_is_global_unique')
      .on(t.isGlobal)
      .where(sql`${t.isGlobal}`),
    index('tenants_company_email_domains_idx').using('gin', t.companyEmailDomains),
    check('tenants_name_not_empty', sql`length(btrim(${t.name})) > 0`),
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    check('tenants_retention_days_positive', sql`${t.retentionDays} is null or ${t.retentionDays} > 0`),
  ],
);
export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

// ---------------------------------------------------------------- users (global)
/** A global identity. On Supabase, `id` is `auth.users.id`. Access comes from memberships. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** NULL for Supabase Auth's anonymous and phone-only users. */
    email: text('email'),
    fullName: text('full_name'),
    phone: text('phone'),
    status: userStatus('status').notNull().default('waitlist'),
    stripeCustomerId: text('stripe_customer_id'),
    isPro: boolean('is_pro').notNull().default(false),
    confirmedAt: timestamptz('confirmed_at'),
    lastLoginAt: timestamptz('last_login_at'),
    ...lifecycleDates(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(sql`lower(${t.email})`),
    uniqueIndex('users_stripe_customer_id_unique')
      .on(t.stripeCustomerId)
      .where(sql`${t.stripeCustomerId} is not null`),
    uniqueIndex('users_phone_unique')
      .on(t.phone)
      .where(sql`${t.phone} is not null`),
    check('users_email_format', sql`${t.email} ~ '^[^@[:space:]]+@[^@[:space:]]+$'`),
  ],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

// ---------------------------------------------------------------- memberships
/** Seed 001 workspace_users, 002 team_members + users_teams. One row per (tenant, user). */
export const tenantMemberships = pgTable(
  'tenant_memberships',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: tenantRole('role').notNull().default('member'),
    /** The tenant a user lands in by default (seed 002 users_teams.is_default). */
    isDefault: boolean('is_default').notNull().default(false),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'tenant_memberships_pkey', columns: [t.tenantId, t.userId] }),
    // "which tenants am I in" (helper functions, membership lists)
    index('tenant_memberships_user_id_idx').on(t.userId),
    index('tenant_memberships_invited_by_idx').on(t.invitedBy),
  ],
);
export type TenantMembership = typeof tenantMemberships.$inferSelect;
export type NewTenantMembership = typeof tenantMemberships.$inferInsert;

// ---------------------------------------------------------------- system admins (global)
/** Platform operators (seed 004). Global table, readable and writable by the service role only. */
export const systemAdmins = pgTable('system_admins', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  immutable: boolean('immutable').notNull().default(true),
  createdAt: createdAt(),
});
export type SystemAdmin = typeof systemAdmins.$inferSelect;
export type NewSystemAdmin = typeof systemAdmins.$inferInsert;

// ---------------------------------------------------------------- profiles (global, own)
/** Seed 002 user_profiles + user_preferences, one row per user, created by the new-user defaults. */
export const userProfiles = pgTable(
  'user_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    displayName: text('display_name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    avatarUrl: text('avatar_url'),
    workDescription: text('work_description'),
    onboardingCompleted: boolean('onboarding_completed').notNull().default(false),
    /** UI and AI preferences (theme, font, ai_assistance, notification flags). */
    preferences: jsonb('preferences')
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...lifecycleDates(),
  },
  (t) => [check('user_profiles_preferences_object', sql`jsonb_typeof(${t.preferences}) = 'object'`)],
);
export type UserProfile = typeof userProfiles.$inferSelect;
export type NewUserProfile = typeof userProfiles.$inferInsert;

// ---------------------------------------------------------------- api keys
/**
 * Seeds 002, 004. The secret is shown once; only `sha256(secret)` and a short public
 * prefix are stored. Verification is one lookup on (tenant_id, prefix).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: tenantId(),
    id: rowId(),
    /** The user who created the key; the key acts with that user's membership. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** Hex sha256 of the whole key. */
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull().default([]),
    expiresAt: timestamptz('expires_at'),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'api_keys_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({ name: 'api_keys_tenant_id_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete(
      'cascade',
    ),
    // verifyApiKey: one indexed lookup
    uniqueIndex('api_keys_tenant_id_prefix_unique').on(t.tenantId, t.prefix),
    index('api_keys_user_id_idx').on(t.userId),
    check('api_keys_name_not_empty', sql`length(btrim(${t.name})) > 0`),
    check('api_keys_key_hash_format', sql`${t.keyHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
