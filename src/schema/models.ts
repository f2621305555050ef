/** LLM providers (global reference table) and each tenant's model configuration (seed 004). */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, lifecycleDates, rowId, tenantId } from './columns.js';
import { tenants } from './identity.js';

export const llmProviderType = pgEnum('llm_provider_type', [
  'openai',
  'anthropic',
  'google',
  'azure',
  'bedrock',
  'local',
  'other',
]);

/** Global: readable by everyone signed in, written by the service role. */
export const llmProviders = pgTable(
  'llm_providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    type: llmProviderType('type').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('llm_providers_name_unique').on(t.name),
    check('llm_providers_name_not_empty', sql`length(btrim(${t.name})) > 0`),
  ],
);
export type LlmProvider = typeof llmProviders.$inferSelect;
export type NewLlmProvider = typeof llmProviders.$inferInsert;

export const tenantLlmConfigs = pgTable(
  'tenant_llm_configs',
  {
    tenantId: tenantId(),
    id: rowId(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => llmProviders.id, { onDelete: 'restrict' }),
    modelName: text('model_name').notNull(),
    /** Lower runs first when several models are enabled. */
    priority: integer('priority').notNull().default(100),
    maxTokens: integer('max_tokens'),
    temperature: doublePrecision('temperature'),
    enabled: boolean('enabled').notNull().default(true),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'tenant_llm_configs_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'tenant_llm_configs_tenant_id_fk',
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
    }).onDelete('cascade'),
    uniqueIndex('tenant_llm_configs_tenant_id_provider_id_model_name_unique').on(t.tenantId, t.providerId, t.modelName),
    index('tenant_llm_configs_provider_id_idx').on(t.providerId),
    check('tenant_llm_configs_model_name_not_empty', sql`length(btrim(${t.modelName})) > 0`),
    check('tenant_llm_configs_max_tokens_positive', sql`${t.maxTokens} is null or ${t.maxTokens} > 0`),
    check(
      'tenant_llm_configs_temperature_range',
      sql`${t.temperature} is null or (${t.temperature} >= 0 and ${t.temperature} <= 2)`,
    ),
  ],
);
export type TenantLlmConfig = typeof tenantLlmConfigs.$inferSelect;
export type NewTenantLlmConfig = typeof tenantLlmConfigs.$inferInsert;
