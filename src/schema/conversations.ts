/**
 * Conversations: chat sessions (seeds 001, 002, 003, 004) and their participants.
 * Messages are time-partitioned and live in `partitioned.ts`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { deletedAt, lifecycleDates, rowId, tenantId, timestamptz } from './columns.js';
import { tenantRowKeys, projectFk } from './keys.js';
import { users } from './identity.js';

export const sessionStatus = pgEnum('session_status', ['active', 'archived']);
export const messageRole = pgEnum('message_role', ['user', 'assistant', 'system', 'tool']);

export const chatSessions = pgTable(
  'chat_sessions',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id'),
    /** The user who started the session. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull().default('Untitled'),
    description: text('description'),
    systemPrompt: text('system_prompt'),
    summary: text('summary'),
    status: sessionStatus('status').notNull().default('active'),
    model: text('model'),
    template: text('template'),
    /** Seed 002 session_id: a client-side id, unique per tenant. */
    externalId: text('external_id'),
    settings: jsonb('settings')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Highest message sequence; messages are 1..last_sequence. */
    lastSequence: integer('last_sequence').notNull().default(0),
    totalTokens: bigint('total_tokens', { mode: 'number' }).notNull().default(0),
    estimatedCost: numeric('estimated_cost', { precision: 12, scale: 6 }).notNull().default('0'),
    lastActivityAt: timestamptz('last_activity_at').notNull().defaultNow(),
    ...lifecycleDates(),
    deletedAt: deletedAt(),
  },
  (t) => [
    index('chat_sessions_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    ...tenantRowKeys('chat_sessions', t),
    projectFk('chat_sessions', t),
    uniqueIndex('chat_sessions_tenant_id_external_id_unique')
      .on(t.tenantId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index('chat_sessions_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    // a user's recent sessions
    index('chat_sessions_user_id_last_activity_at_idx').on(t.userId, t.lastActivityAt),
    check('chat_sessions_title_not_empty', sql`length(btrim(${t.title})) > 0`),
    check('chat_sessions_last_sequence_non_negative', sql`${t.lastSequence} >= 0`),
    check('chat_sessions_total_tokens_non_negative', sql`${t.totalTokens} >= 0`),
  ],
);
export type ChatSession = typeof chatSessions.$inferSelect;
export type NewChatSession = typeof chatSessions.$inferInsert;

/** Seed 001 chat_participants. */
export const chatParticipants = pgTable(
  'chat_participants',
  {
    tenantId: tenantId(),
    sessionId: uuid('session_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: timestamptz('joined_at').notNull().defaultNow(),
    lastReadAt: timestamptz('last_read_at').notNull().defaultNow(),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [
    primaryKey({ name: 'chat_participants_pkey', columns: [t.tenantId, t.sessionId, t.userId] }),
    foreignKey({
      name: 'chat_participants_session_id_fk',
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [chatSessions.tenantId, chatSessions.id],
    }).onDelete('cascade'),
    index('chat_participants_user_id_idx').on(t.userId),
  ],
);
export type ChatParticipant = typeof chatParticipants.$inferSelect;
export type NewChatParticipant = typeof chatParticipants.$inferInsert;
