/**
 * Compliance and maintenance: GDPR deletion requests (dry run, batched resumable purge through
 * the one privileged path, tombstone), tenant retention, partition maintenance, audit reads.
 *
 * Requests are filed and audit logs read by tenant admins (`withActor`); dry runs, purges,
 * retention and partition maintenance are back-end jobs: they take the root `Db` and run
 * each batch in its own short transaction as the service role.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import { deletionRequests, type DeletionRequest } from '../schema/compliance.js';
import { auditLogs, type AuditLog } from '../schema/partitioned.js';
import { NotFoundError } from './errors.js';
import { atomic, cursorTimestamp, id, pageSize, parse, pgText, rows, single } from './util.js';

// ---------------------------------------------------------------- GDPR
export const requestDeletionParams = z.discriminatedUnion('scope', [
  z.strictObject({ tenantId: id, scope: z.literal('user'), userId: id }),
  z.strictObject({ tenantId: id, scope: z.literal('tenant') }),
]);

/** Files a deletion request (tenant admins). A second open request for the same subject returns the first. */
export async function requestDeletion(
  db: DbOrTx,
  params: z.input<typeof requestDeletionParams>,
): Promise<DeletionRequest> {
  const p = parse(requestDeletionParams, params, 'deletion request');
  const userId = p.scope === 'user' ? p.userId : null;
  return atomic(db, async (tx) => {
    const [open] = await rows<{ id: string }>(
      tx,
      sql`select id from deletion_requests
          where tenant_id = ${p.tenantId} and scope = ${p.scope} and user_id is not distinct from ${userId}::uuid
            and status <> 'completed' and status <> 'failed'
          limit 1`,
    );
    if (open) {
      const [r] = await tx
        .select()
        .from(deletionRequests)
        .where(and(eq(deletionRequests.tenantId, p.tenantId), eq(deletionRequests.id, open.id)));
      return r!;
    }
    const [r] = await tx
      .insert(deletionRequests)
      .values({ tenantId: p.tenantId, scope: p.scope, userId, requestedBy: sql`app.current_user_id()` })
      .returning();
    return r!;
  });
}


/** A deletion request with its report and progress (tenant admins). */
export async function getDeletionRequest(
  db: DbOrTx,
  params: { tenantId: string; requestId: string },
): Promise<DeletionRequest> {
  const p = parse(z.strictObject({ tenantId: id, requestId: id }), params, 'deletion request');
  return single(db, async (tx) => {
    const [r] = await tx
      .select()
      .from(deletionRequests)
      .where(and(eq(deletionRequests.tenantId, p.tenantId), eq(deletionRequests.id, p.requestId)));
    if (!r) throw new NotFoundError(`deletion request ${p.requestId} not found`);
    return r;
  });
}

// ---------------------------------------------------------------- audit
export const listAuditLogParams = z
  .strictObject({
    tenantId: id,
    actorId: id.optional(),
    tableName: pgText(100).optional(),
    recordId: pgText(200).optional(),
    action: pgText(100).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    /** Cursor from the previous page. */
    before: z.strictObject({ createdAt: cursorTimestamp, id }).optional(),
    limit: pageSize,
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: '`from` is after `to`', path: ['from'] });

/**
 * The tenant's audit log, newest first, keyset-paginated (tenant admins; RLS hides it from
 * everyone else). Filters by actor, resource (table, record), action and time.
 */
export async function listAuditLog(
  db: DbOrTx,
  params: z.input<typeof listAuditLogParams>,
): Promise<{ items: AuditLog[]; next: { createdAt: string; id: string } | undefined }> {
  const p = parse(listAuditLogParams, params, 'audit query');
  return single(db, async (tx) => {
    const list = await tx
      .select({ row: auditLogs, cursor: sql<string>`${auditLogs.createdAt}::text` })
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.tenantId, p.tenantId),
          p.actorId ? eq(auditLogs.actorId, p.actorId) : undefined,
          p.tableName ? eq(auditLogs.tableName, p.tableName) : undefined,
          p.recordId ? eq(auditLogs.recordId, p.recordId) : undefined,
          p.action ? eq(auditLogs.action, p.action) : undefined,
          p.from ? sql`${auditLogs.createdAt} >= ${p.from.toISOString()}::timestamptz` : undefined,
          p.to ? sql`${auditLogs.createdAt} < ${p.to.toISOString()}::timestamptz` : undefined,
          p.before
            ? sql`(${auditLogs.createdAt}, ${auditLogs.id}) < (${p.before.createdAt}::timestamptz, ${p.before.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
      .limit(p.limit + 1);
    const items = list.slice(0, p.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => r.row),
      next: list.length > p.limit && last ? { createdAt: last.cursor, id: last.row.id } : undefined,
    };
  });
}
