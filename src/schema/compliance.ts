/** GDPR compliance (seed 004 deletion_requests, data_retention_jobs). */
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { rowId, tenantId, timestamptz } from './columns.js';
import { tenantRowKeys } from './keys.js';
import { tenants, users } from './identity.js';

export const deletionScope = pgEnum('deletion_scope', ['user', 'tenant']);
export const jobStatus = pgEnum('job_status', ['pending', 'dry_run', 'running', 'completed', 'failed']);

/**
 * A request to erase one user's data in a tenant, or a whole tenant. `progress` holds the
 * purge cursor (table reached, rows deleted) so an interrupted purge resumes.
 * `user_id` is not a foreign key: the row must outlive the user it erased.
 */
export const deletionRequests = pgTable(
  'deletion_requests',
  {
    tenantId: tenantId(),
    id: rowId(),
    scope: deletionScope('scope').notNull(),
    userId: uuid('user_id'),
    status: jobStatus('status').notNull().default('pending'),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    /** Dry-run report: rows per table that would go. */
    report: jsonb('report'),
    progress: jsonb('progress')
      .notNull()
      .default(sql`'{}'::jsonb`),
    error: text('error'),
    requestedAt: timestamptz('requested_at').notNull().defaultNow(),
    completedAt: timestamptz('completed_at'),
  },
  (t) => [
    primaryKey({ name: 'deletion_requests_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({ name: 'deletion_requests_tenant_id_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
    index('deletion_requests_tenant_id_status_idx').on(t.tenantId, t.status),
    index('deletion_requests_requested_by_idx').on(t.requestedBy),
    check('deletion_requests_user_scope_has_user', sql`(${t.scope} = 'user') = (${t.userId} is not null)`),
  ],
);
export type DeletionRequest = typeof deletionRequests.$inferSelect;
export type NewDeletionRequest = typeof deletionRequests.$inferInsert;

export const retentionJobs = pgTable(
  'retention_jobs',
  {
    tenantId: tenantId(),
    id: rowId(),
    scheduledAt: timestamptz('scheduled_at').notNull().defaultNow(),
    executedAt: timestamptz('executed_at'),
    status: jobStatus('status').notNull().default('pending'),
    /** Rows removed per table, partitions dropped. */
    result: jsonb('result')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [
    ...tenantRowKeys('retention_jobs', t),
    index('retention_jobs_tenant_id_scheduled_at_idx').on(t.tenantId, t.scheduledAt),
  ],
);
export type RetentionJob = typeof retentionJobs.$inferSelect;
export type NewRetentionJob = typeof retentionJobs.$inferInsert;
