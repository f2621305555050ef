/**
 * Metering jobs (service role): daily usage rollups.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db.js';
import { withService } from '../actor.js';
import { mapErrors } from '../queries/errors.js';
import { id, parse } from '../queries/util.js';
import { usageDaily, type UsageDaily } from '../schema/billing.js';

// ---------------------------------------------------------------- rollups
export const rollupParams = z.strictObject({
  /** The UTC day, `YYYY-MM-DD`. */
  day: z.iso.date(),
  tenantId: id.optional(),
});

/**
 * Recomputes the daily rollup (`usage_daily`) of one UTC day from the usage events: a
 * tenant-wide row (project = nil uuid) with the tenant's totals, and one row per project
 * that had usage. Idempotent: running it again for the same day replaces the numbers.
 */
export async function rollupUsageDaily(db: Db, params: z.input<typeof rollupParams>): Promise<UsageDaily[]> {
  const p = parse(rollupParams, params, 'rollup');
  const tenantFilter = (col: string) => (p.tenantId ? sql`and ${sql.raw(col)} = ${p.tenantId}` : sql``);
  return mapErrors(() =>
    withService(db, async (tx) => {
    await tx.execute(sql`
      with bounds as (select (${p.day}::date)::timestamp at time zone 'UTC' as lo,
                             ((${p.day}::date) + 1)::timestamp at time zone 'UTC' as hi),
      ev as (
        select e.tenant_id, e.project_id,
               sum(e.tokens_in + e.tokens_out) as tokens, sum(e.requests) as requests,
               sum(case when e.kind = 'ingestion' then e.requests else 0 end) as ingestions,
               sum(e.cost_usd) as cost
        from usage_events e, bounds b
        where e.occurred_at >= b.lo and e.occurred_at < b.hi ${tenantFilter('e.tenant_id')}
        group by grouping sets ((e.tenant_id), (e.tenant_id, e.project_id))
        having grouping(e.project_id) = 1 or e.project_id is not null),
      tenant_rows as (
        select t.id as tenant_id, '00000000-0000-0000-0000-000000000000'::uuid as project_id,
               coalesce(ev.tokens, 0) as tokens, coalesce(ev.requests, 0) as requests,
               coalesce(ev.ingestions, 0) as ingestions, coalesce(ev.cost, 0) as cost,
               (select coalesce(sum(f.file_size), 0) from artifact_files f where f.tenant_id = t.id)
                 + (select coalesce(sum(f.size_bytes), 0) from workspace_files f where f.tenant_id = t.id)
                 + (select coalesce(sum(f.file_size), 0) from file_uploads f where f.tenant_id = t.id) as storage,
               (select count(*) from projects x where x.tenant_id = t.id and x.deleted_at is null) as projects,
               (select count(*) from tenant_memberships x where x.tenant_id = t.id) as users,
               (select count(*) from chat_sessions x where x.tenant_id = t.id and x.deleted_at is null) as chats,
               (select count(*) from artifacts x where x.tenant_id = t.id) as artifacts,
               (select count(*) from workspace_files x where x.tenant_id = t.id)
                 + (select count(*) from file_uploads x where x.tenant_id = t.id) as files,
               (select greatest(0, s.base_token_limit + s.additional_tokens - coalesce((
                          select sum(u.tokens_in + u.tokens_out) from usage_events u
                          where u.tenant_id = t.id and u.occurred_at >= coalesce(s.current_period_start, '-infinity')
                            and u.occurred_at < (select hi from bounds)), 0))
                  from subscriptions s where s.tenant_id = t.id) as remaining
        from tenants t
        left join ev on ev.tenant_id = t.id and ev.project_id is null
        where t.deleted_at is null and not t.is_global ${tenantFilter('t.id')}),
      project_rows as (
        select ev.tenant_id, ev.project_id, ev.tokens, ev.requests, ev.ingestions, ev.cost, 0::bigint as storage,
               0::bigint as projects, 0::bigint as users,
               (select count(*) from chat_sessions x where x.tenant_id = ev.tenant_id and x.project_id = ev.project_id) as chats,
               (select count(*) from artifacts x where x.tenant_id = ev.tenant_id and x.project_id = ev.project_id) as artifacts,
               0::bigint as files, null::bigint as remaining
        from ev where ev.project_id is not null)
      insert into usage_daily (tenant_id, day, project_id, tokens_used, requests, ingestions, storage_used, cost_usd,
                               total_projects, total_users, total_chats, total_artifacts, total_files, tokens_remaining)
      select tenant_id, ${p.day}::date, project_id, tokens, requests, ingestions, storage, cost,
             projects, users, chats, artifacts, files, remaining
      from (select * from tenant_rows union all select * from project_rows) r
      on conflict (tenant_id, day, project_id) do update set
        tokens_used = excluded.tokens_used, requests = excluded.requests, ingestions = excluded.ingestions,
        storage_used = excluded.storage_used, cost_usd = excluded.cost_usd, total_projects = excluded.total_projects,
        total_users = excluded.total_users, total_chats = excluded.total_chats,
        total_artifacts = excluded.total_artifacts, total_files = excluded.total_files,
        tokens_remaining = excluded.tokens_remaining`);
    return tx
      .select()
      .from(usageDaily)
      .where(
        p.tenantId ? and(eq(usageDaily.day, p.day), eq(usageDaily.tenantId, p.tenantId)) : eq(usageDaily.day, p.day),
      )
      .orderBy(usageDaily.tenantId, usageDaily.projectId);
    }),
  );
}

