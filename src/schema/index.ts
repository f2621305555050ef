/**
 * Every table, enum and type of the schema (`ai-platform-db/schema`).
 * Tenant-owned tables lead their keys with `tenant_id`; the global tables are listed in
 * `GLOBAL_TABLES`.
 */
export * from './columns.js';
export * from './identity.js';
export * from './projects.js';
export * from './documents.js';
export * from './work.js';
export * from './knowledge.js';
export * from './conversations.js';
export * from './agents.js';
export * from './evaluation.js';
export * from './models.js';
export * from './billing.js';
export * from './integrations.js';
export * from './files.js';
export * from './compliance.js';
export * from './partitioned.js';
export * from './relations.js';

/** Tables without `tenant_id`: identities, the tenants themselves and reference data. */
export const GLOBAL_TABLES = ['tenants', 'users', 'system_admins', 'user_profiles', 'llm_providers'] as const;
