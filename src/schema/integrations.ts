/**
 * Integrations: outbound API connections and OAuth2 connections/tokens (seed 001), a user's
 * connected services (seed 002 user_integrations, seed 003 integrations).
 * Secrets are `bytea` columns holding `pgp_sym_encrypt` output under a key supplied per
 * transaction (`app.encryption_key`), never stored; the application role cannot select them.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, lifecycleDates, rowId, tenantId, timestamptz } from './columns.js';
import { tenantRowKeys, projectFk } from './keys.js';
import { tenants, users } from './identity.js';

export const authType = pgEnum('auth_type', ['bearer', 'basic', 'api_key', 'none']);
export const httpMethod = pgEnum('http_method', ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
export const integrationService = pgEnum('integration_service', [
  'github',
  'google_drive',
  'gmail',
  'google_calendar',
  'google_analytics',
  'zapier',
  'artifacts',
]);

/** `project_id` NULL = available to the whole tenant (seed 001's workspace-or-project scope). */
export const apiConnections = pgTable(
  'api_connections',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id'),
    name: text('name').notNull(),
    description: text('description'),
    apiType: text('api_type').notNull(),
    endpointUrl: text('endpoint_url').notNull(),
    authType: authType('auth_type').notNull(),
    httpMethod: httpMethod('http_method').notNull().default('GET'),
    customHeaders: jsonb('custom_headers')
      .notNull()
      .default(sql`'{}'::jsonb`),
    requestBodyTemplate: jsonb('request_body_template')
      .notNull()
      .default(sql`'{}'::jsonb`),
    responsePath: text('response_path'),
    responseSchema: jsonb('response_schema')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Encrypted credentials (token, basic auth, key): `app.encrypt_secret`. */
    credentialsEncrypted: bytea('credentials_encrypted'),
    isActive: boolean('is_active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    ...tenantRowKeys('api_connections', t),
    projectFk('api_connections', t),
    index('api_connections_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('api_connections_created_by_idx').on(t.createdBy),
    check('api_connections_name_not_empty', sql`length(btrim(${t.name})) > 0`),
    check('api_connections_endpoint_url_http', sql`${t.endpointUrl} ~ '^https?://'`),
    check(
      'api_connections_credentials_when_auth',
      sql`${t.authType} = 'none' or ${t.credentialsEncrypted} is not null`,
    ),
  ],
);
export type ApiConnection = typeof apiConnections.$inferSelect;
export type NewApiConnection = typeof apiConnections.$inferInsert;

export const oauthConnections = pgTable(
  'oauth_connections',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id'),
    provider: text('provider').notNull(),
    providerConfig: jsonb('provider_config')
      .notNull()
      .default(sql`'{}'::jsonb`),
    clientId: text('client_id').notNull(),
    /** Seed 001 stored this in clear text; here it is encrypted. */
    clientSecretEncrypted: bytea('client_secret_encrypted').notNull(),
    redirectUri: text('redirect_uri').notNull(),
    scopes: text('scopes').array().notNull().default([]),
    additionalParams: jsonb('additional_params')
      .notNull()
      .default(sql`'{}'::jsonb`),
    isActive: boolean('is_active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'oauth_connections_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'oauth_connections_tenant_id_fk',
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
    }).onDelete('cascade'),
    projectFk('oauth_connections', t),
    index('oauth_connections_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('oauth_connections_created_by_idx').on(t.createdBy),
    check('oauth_connections_provider_not_empty', sql`length(btrim(${t.provider})) > 0`),
  ],
);
export type OauthConnection = typeof oauthConnections.$inferSelect;
export type NewOauthConnection = typeof oauthConnections.$inferInsert;

export const oauthTokens = pgTable(
  'oauth_tokens',
  {
    tenantId: tenantId(),
    id: rowId(),
    connectionId: uuid('connection_id').notNull(),
    accessTokenEncrypted: bytea('access_token_encrypted').notNull(),
    refreshTokenEncrypted: bytea('refresh_token_encrypted'),
    tokenType: text('token_type').notNull().default('Bearer'),
    expiresAt: timestamptz('expires_at'),
    scope: text('scope'),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'oauth_tokens_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'oauth_tokens_connection_id_fk',
      columns: [t.tenantId, t.connectionId],
      foreignColumns: [oauthConnections.tenantId, oauthConnections.id],
    }).onDelete('cascade'),
    index('oauth_tokens_tenant_id_connection_id_idx').on(t.tenantId, t.connectionId),
  ],
);
export type OauthToken = typeof oauthTokens.$inferSelect;
export type NewOauthToken = typeof oauthTokens.$inferInsert;

export const userIntegrations = pgTable(
  'user_integrations',
  {
    tenantId: tenantId(),
    id: rowId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    service: integrationService('service').notNull(),
    isConnected: boolean('is_connected').notNull().default(false),
    /** Non-secret connection details (account name, granted scopes). */
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Secret connection data (tokens), encrypted. */
    connectionDataEncrypted: bytea('connection_data_encrypted'),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'user_integrations_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'user_integrations_tenant_id_fk',
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
    }).onDelete('cascade'),
    uniqueIndex('user_integrations_tenant_id_user_id_service_unique').on(t.tenantId, t.userId, t.service),
    index('user_integrations_user_id_idx').on(t.userId),
  ],
);
export type UserIntegration = typeof userIntegrations.$inferSelect;
export type NewUserIntegration = typeof userIntegrations.$inferInsert;
