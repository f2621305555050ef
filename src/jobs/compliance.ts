/**
 * Compliance jobs (service role): GDPR dry runs and batched purges, tenant retention,
 * partition maintenance. Each takes the root `Db` handle — never a transaction — and runs
 * every batch in its own short transaction as the service role, so no actor request can
 * reach them or widen its own role through them.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db.js';
import { withService } from '../actor.js';
import { retentionJobs, type RetentionJob } from '../schema/compliance.js';
import { auditLogs } from '../schema/partitioned.js';
import { mapErrors } from '../queries/errors.js';
import { id, parse, rows } from '../queries/util.js';
import { settingsOf } from '../settings.js';
export interface PurgeReport {
  steps: { step: number; key: string; rows: number }[];
  total: number;
}

/**
 * Counts, per table, the rows the purge would delete (`table`) or de-identify
 * (`table.column`), stores the report on the request and marks it `dry_run`. Nothing is
 * deleted. Service role.
 */
export async function deletionDryRun(db: Db, params: { tenantId: string; requestId: string }): Promise<PurgeReport> {
  const p = parse(z.strictObject({ tenantId: id, requestId: id }), params, 'deletion request');
  return mapErrors(() =>
    withService(db, async (tx) => {
      const [r] = await rows<{ report: PurgeReport }>(
        tx,
        sql`select app.gdpr_dry_run(${p.tenantId}::uuid, ${p.requestId}::uuid) as report`,
      );
      const report = r!.report;
      return { steps: report.steps.map((s) => ({ ...s, rows: Number(s.rows) })), total: Number(report.total) };
    }),
  );
}

export const executeDeletionParams = z.strictObject({
  tenantId: id,
  requestId: id,
  batchSize: z.number().int().min(1).max(100_000).default(1000),
  /** Stop after this many batches (the purge resumes on the next call). */
  maxBatches: z.number().int().min(1).optional(),
  /** The operator, recorded on the tombstone. */
  actorId: id.optional(),
});

export interface PurgeProgress {
  done: boolean;
  batches: number;
  /** Rows per step key in this call. */
  rows: Record<string, number>;
}

/**
 * Executes a dry-run request in batches, each its own transaction through
 * `app.gdpr_purge_step` (the only path allowed to delete append-only history). Progress is
 * committed with every batch: after a crash, call it again and it carries on. When the last
 * step is done the request is `completed` and a tombstone (`gdpr.purge`, counts only) is in
 * the audit log.
 */
export async function executeDeletion(
  db: Db,
  params: z.input<typeof executeDeletionParams>,
  options: { onBatch?: (b: { key: string; rows: number; step: number }) => void } = {},
): Promise<PurgeProgress> {
  const p = parse(executeDeletionParams, params, 'deletion execution');
  const out: PurgeProgress = { done: false, batches: 0, rows: {} };
  while (!out.done && (p.maxBatches === undefined || out.batches < p.maxBatches)) {
    const res = await mapErrors(() =>
      withService(
        db,
        async (tx) => {
          const [r] = await rows<{ res: { done: boolean; key: string | null; rows: number; step: number } }>(
            tx,
            sql`select app.gdpr_purge_step(${p.tenantId}::uuid, ${p.requestId}::uuid, ${p.batchSize}::integer) as res`,
          );
          return r!.res;
        },
        p.actorId ? { actorId: p.actorId } : {},
      ),
    );
    out.batches++;
    out.done = res.done;
    if (res.key) {
      out.rows[res.key] = (out.rows[res.key] ?? 0) + Number(res.rows);
      options.onBatch?.({ key: res.key, rows: Number(res.rows), step: res.step });
    }
  }
  return out;
}

// ---------------------------------------------------------------- retention
export const runRetentionParams = z.strictObject({
  /** The clock (tests and back-fills); default now. */
  now: z.coerce.date().optional(),
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  /** Only this tenant's rows (partitions are still dropped only when every tenant's rows expired). */
  tenantId: id.optional(),
});

export interface RetentionSummary {
  jobs: RetentionJob[];
  partitionsDropped: string[];
}

/**
 * The retention job: for every tenant with `retention_days`, deletes its chat messages,
 * usage events and audit rows older than the cutoff in batches (one transaction each), and
 * records a `retention_jobs` row and an audit record; then drops every past monthly
 * partition whose rows have all expired. Run it daily.
 */
export async function runRetention(db: Db, params: z.input<typeof runRetentionParams> = {}): Promise<RetentionSummary> {
  const p = parse(runRetentionParams, params, 'retention run');
  const now = p.now ?? new Date();
  const tenants = await mapErrors(() =>
    withService(db, (tx) =>
      rows<{ id: string; retention_days: number }>(
        tx,
        sql`select id, retention_days from tenants
            where retention_days is not null ${p.tenantId ? sql`and id = ${p.tenantId}` : sql``} order by id`,
      ),
    ),
  );
  const jobs: RetentionJob[] = [];
  for (const t of tenants) {
    const cutoff = new Date(now.getTime() - t.retention_days * 86_400_000);
    const job = await mapErrors(() =>
      withService(db, async (tx) => {
        const [j] = await tx
          .insert(retentionJobs)
          .values({ tenantId: t.id, scheduledAt: now, status: 'running' })
          .returning();
        return j!;
      }),
    );
    const removed: Record<string, number> = {};
    for (;;) {
      const batch = await mapErrors(() =>
        withService(db, async (tx) => {
          const [r] = await rows<{ res: Record<string, number> }>(
            tx,
            sql`select app.retention_purge_batch(${t.id}::uuid, ${cutoff.toISOString()}::timestamptz, ${p.batchSize}::integer) as res`,
          );
          return r!.res;
        }),
      );
      let any = false;
      for (const [table, n] of Object.entries(batch)) {
        removed[table] = (removed[table] ?? 0) + Number(n);
        if (Number(n) >= p.batchSize) any = true;
      }
      if (!any) break;
    }
    const done = await mapErrors(() =>
      withService(db, async (tx) => {
        const [j] = await tx
          .update(retentionJobs)
          .set({ status: 'completed', executedAt: sql`now()`, result: { cutoff: cutoff.toISOString(), removed } })
          .where(and(eq(retentionJobs.tenantId, t.id), eq(retentionJobs.id, job.id)))
          .returning();
        await tx.insert(auditLogs).values({
          tenantId: t.id,
          action: 'retention.purge',
          tableName: 'retention_jobs',
          recordId: job.id,
          newData: { cutoff: cutoff.toISOString(), removed },
        });
        return j!;
      }),
    );
    jobs.push(done);
  }
  const partitionsDropped = await mapErrors(() =>
    withService(db, async (tx) => {
      const [r] = await rows<{ dropped: string[] }>(
        tx,
        sql`select app.drop_expired_partitions(${now.toISOString()}::timestamptz) as dropped`,
      );
      return r!.dropped;
    }),
  );
  return { jobs, partitionsDropped };
}

// ---------------------------------------------------------------- partitions
export const ensurePartitionsParams = z.strictObject({
  monthsAhead: z.number().int().min(0).max(120).default(3),
  /** First month to cover (`YYYY-MM-01`); default the current month. */
  fromMonth: z.iso.date().optional(),
});

/**
 * Creates the monthly partitions of the messages, usage events and audit log from the
 * current month to `monthsAhead` months ahead. Idempotent and safe to run concurrently (an
 * advisory lock serialises it); returns how many partitions it created. Run it daily.
 */
export async function ensurePartitions(db: Db, params: z.input<typeof ensurePartitionsParams> = {}): Promise<number> {
  const p = parse(ensurePartitionsParams, params, 'partition maintenance');
  if (settingsOf(db).citus) {
    // Citus (docs/scale-out.md): partition DDL on distributed tables one shard at a time
    // (in parallel it deadlocks with itself), their triggers allowed, as the connection's own
    // role (the table owner: a definer's DDL reaches the shards as the session's role)
    return mapErrors(() =>
      db.transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('citus.multi_shard_modify_mode', 'sequential', true), set_config('citus.enable_unsafe_triggers', 'on', true)`,
        );
        const [r] = await rows<{ n: number }>(
          tx,
          sql`select app.ensure_partitions(${p.monthsAhead}::integer, ${p.fromMonth ?? null}::date) as n`,
        );
        return Number(r!.n);
      }),
    );
  }
  return mapErrors(() =>
    withService(db, async (tx) => {
      const [r] = await rows<{ n: number }>(
        tx,
        sql`select app.ensure_partitions(${p.monthsAhead}::integer, ${p.fromMonth ?? null}::date) as n`,
      );
      return Number(r!.n);
    }),
  );
}

/** The partitions of each partitioned table, oldest first, with their bounds. */
export async function listPartitions(
  db: Db,
): Promise<{ parent: string; partition: string; from: string; to: string }[]> {
  const list = await mapErrors(() =>
    withService(db, (tx) =>
      rows<{ parent: string; partition: string; bound: string }>(
        tx,
        sql`select p.relname as parent, c.relname as partition, pg_get_expr(c.relpartbound, c.oid) as bound
            from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
            where p.relname in ('chat_messages', 'usage_events', 'audit_logs')
            order by p.relname, c.relname`,
      ),
    ),
  );
  return list.map((r) => {
    const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(r.bound);
    return { parent: r.parent, partition: r.partition, from: m?.[1] ?? '', to: m?.[2] ?? '' };
  });
}

