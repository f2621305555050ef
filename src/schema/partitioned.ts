/**
 * Time-partitioned tables (monthly, by their timestamp): chat messages, usage events and the
 * audit log. drizzle-kit does not model partitioned tables (its introspection skips relkind
 * `p`), so these definitions are for types and queries only: this file is not in
 * drizzle.config's schema list; the tables, their partitions, indexes, triggers and policies
 * are created by the custom migration `drizzle/0003_partitioned_tables.sql`, and partitions
 * ahead are created by `app.ensure_partitions()`. Keys are uuids (no sequences for
 * drizzle-kit to propose dropping) and include the partition column, as PostgreSQL requires.
 */
import { sql } from 'drizzle-orm';
import { bigint, integer, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { inet, tenantId, timestamptz, tsvector } from './columns.js';
import { messageRole } from './conversations.js';
import { usageKind } from './billing.js';

/** Messages are never edited (append-only trigger). Sequence is 1..N per session. */
export const chatMessages = pgTable(
  'chat_messages',
  {
    tenantId: tenantId(),
    sessionId: uuid('session_id').notNull(),
    /** 1..N per session, assigned by the database; insert 0 (the default) to take the next. */
    sequence: integer('sequence').notNull().default(0),
    id: uuid('id').notNull().defaultRandom(),
    role: messageRole('role').notNull(),
    /** Plain text of the message (searchable). */
    content: text('content').notNull(),
    /** Structured content (seed 002 content / object_data / result_data). */
    parts: jsonb('parts'),
    /** Seed 004: chunk ids and URLs the answer cites. */
    references: jsonb('references'),
    /** Seed 001: which agent answered. */
    agentType: text('agent_type'),
    tokenCount: integer('token_count'),
    model: text('model'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid('created_by'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`to_tsvector('english', content)`),
  },
  (t) => [primaryKey({ name: 'chat_messages_pkey', columns: [t.tenantId, t.sessionId, t.sequence, t.createdAt] })],
);
export type ChatMessage = typeof chatMessages.$inferSelect;
export type NewChatMessage = typeof chatMessages.$inferInsert;

/** Raw metering events (seed 001 token_usage, seed 004 usage). Append-only. */
export const usageEvents = pgTable(
  'usage_events',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
    kind: usageKind('kind').notNull(),
    userId: uuid('user_id'),
    projectId: uuid('project_id'),
    sessionId: uuid('session_id'),
    model: text('model'),
    tokensIn: bigint('tokens_in', { mode: 'number' }).notNull().default(0),
    tokensOut: bigint('tokens_out', { mode: 'number' }).notNull().default(0),
    requests: integer('requests').notNull().default(1),
    storageBytes: bigint('storage_bytes', { mode: 'number' }).notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 14, scale: 6 }).notNull().default('0'),
    /** Client-supplied idempotency key; a retried event with the same key is ignored. */
    idempotencyKey: text('idempotency_key'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [primaryKey({ name: 'usage_events_pkey', columns: [t.tenantId, t.occurredAt, t.id] })],
);
export type UsageEvent = typeof usageEvents.$inferSelect;
export type NewUsageEvent = typeof usageEvents.$inferInsert;

/** Write-only audit trail (seeds 000, 001, 004; seed 003 events). Readable by tenant admins. */
export const auditLogs = pgTable(
  'audit_logs',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    projectId: uuid('project_id'),
    actorId: uuid('actor_id'),
    /** e.g. INSERT / UPDATE / DELETE for trigger rows, or a verb such as `gdpr.purge`. */
    action: text('action').notNull(),
    tableName: text('table_name'),
    recordId: text('record_id'),
    oldData: jsonb('old_data'),
    newData: jsonb('new_data'),
    ipAddress: inet('ip_address'),
    userAgent: text('user_agent'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [primaryKey({ name: 'audit_logs_pkey', columns: [t.tenantId, t.createdAt, t.id] })],
);
export type AuditLog = typeof auditLogs.$inferSelect;
export type NewAuditLog = typeof auditLogs.$inferInsert;

/** The partitioned tables with their partition column, for maintenance and retention. */
export const PARTITIONED_TABLES = [
  { table: 'chat_messages', column: 'created_at' },
  { table: 'usage_events', column: 'occurred_at' },
  { table: 'audit_logs', column: 'created_at' },
] as const;
