/** P1, P2 for the review queue: 100k tasks across 10 tenants (20k with --quick). */
import { sql } from 'drizzle-orm';
import { withActor, withService } from '../src/actor.js';
import { reviewQueue } from '../src/queries/tasks.js';
import type { BenchContext } from './run.js';
import { fmtMs, interleaved, progressBar, type ResultRow } from './lib.js';

// both in the package's form: the queue index drives a nested loop of LATERAL lookups
const QUEUE_SQL = `select t.id as task_id, t.title, t.project_id, t.deliverable_id, d.name as deliverable_name,
         v.version, v.risk_score, v.created_by as submitted_by, v.created_at as submitted_at, t.review_requested_at::text as cursor_ts
  from (select * from tasks where tenant_id = $1 and status = 'awaiting_review' order by review_requested_at, id) t
  cross join lateral (select v.version, v.risk_score, v.created_by, v.created_at from task_versions v
    where v.tenant_id = t.tenant_id and v.task_id = t.id and v.version = t.current_version
      and v.created_by is distinct from (select app.current_user_id()) limit 1) v
  left join lateral (select d.name from deliverables d where d.tenant_id = t.tenant_id and d.id = t.deliverable_id limit 1) d on true
  where ((select app.has_tenant_role('admin')) or t.project_id = any ((select app.my_project_ids('reviewer'))::uuid[]))
  order by t.review_requested_at, t.id limit $2`;

const EXPLICIT_SQL = `select t.id as task_id, t.title, t.project_id, t.deliverable_id, d.name as deliverable_name,
         v.version, v.risk_score, v.created_by as submitted_by, v.created_at as submitted_at, t.review_requested_at::text as cursor_ts
  from (select * from tasks where tenant_id = $1 and status = 'awaiting_review' order by review_requested_at, id) t
  cross join lateral (select v.version, v.risk_score, v.created_by, v.created_at from task_versions v
    where v.tenant_id = t.tenant_id and v.task_id = t.id and v.version = t.current_version
      and v.created_by is distinct from $4::uuid limit 1) v
  left join lateral (select d.name from deliverables d where d.tenant_id = t.tenant_id and d.id = t.deliverable_id limit 1) d on true
  where t.project_id = any ($3::uuid[])
  order by t.review_requested_at, t.id limit $2`;

export async function tasksBench(ctx: BenchContext, only?: string[]): Promise<ResultRow[]> {
  const want = (id: string) => !only || only.includes(id);
  if (!want('P1') && !want('P2')) return [];
  const { raw } = ctx;
  const perTenant = ctx.quick ? 2000 : 10_000;
  console.error(`bench: seeding ${perTenant * 10} tasks across 10 tenants`);
  const bar = progressBar('tasks', 10);
  const [reviewer] = await raw<{ id: string }[]>`insert into users (email) values ('reviewer@bench.test') returning id`;
  const [worker] = await raw<{ id: string }[]>`insert into users (email) values ('worker@bench.test') returning id`;
  let first: { tenantId: string; projectId: string } | undefined;
  for (let i = 0; i < 10; i++) {
    const [tn] = await raw<
      { id: string }[]
    >`insert into tenants (name, slug) values (${`rq ${i}`}, ${`rq-${i}`}) returning id`;
    const tenantId = tn!.id;
    await raw`insert into tenant_memberships (tenant_id, user_id, role) values (${tenantId}, ${reviewer!.id}, 'member'), (${tenantId}, ${worker!.id}, 'member')`;
    const [pr] = await raw<
      { id: string }[]
    >`insert into projects (tenant_id, name) values (${tenantId}, 'rq') returning id`;
    await raw`insert into project_members (tenant_id, project_id, user_id, role) values (${tenantId}, ${pr!.id}, ${reviewer!.id}, 'reviewer'), (${tenantId}, ${pr!.id}, ${worker!.id}, 'contributor')`;
    await raw`insert into tasks (tenant_id, project_id, title, assignee_id)
              select ${tenantId}, ${pr!.id}, 'task ' || g, ${worker!.id} from generate_series(1, ${perTenant}) g`;
    // a fifth of the tasks have a submitted version awaiting review
    await raw`insert into task_versions (tenant_id, task_id, project_id, version, output_data, risk_score, created_by)
              select tenant_id, id, project_id, 0, '{"ok":true}', 0.2, ${worker!.id} from tasks
              where tenant_id = ${tenantId} and (hashtext(id::text) % 5) = 0`;
    await raw`update tasks set status = 'awaiting_review' where tenant_id = ${tenantId} and current_version > 0`;
    if (!first) first = { tenantId, projectId: pr!.id };
    bar.tick(i + 1);
  }
  bar.stop();
  await raw`analyze`;
  const out: ResultRow[] = [];
  const rounds = ctx.quick ? 300 : 1500;
  const actor = { userId: reviewer!.id, tenantId: first!.tenantId };
  const claims = JSON.stringify({ sub: actor.userId, tenant_id: actor.tenantId, role: 'authenticated' });
  const sanity = await withActor(ctx.db, actor, (tx) => reviewQueue(tx, { tenantId: first!.tenantId, limit: 50 }));
  if (sanity.items.length !== 50) throw new Error(`review queue returned ${sanity.items.length} items, expected 50`);

  if (want('P1')) {
    console.error('bench: P1 reviewQueue first page (package vs hand-written, both under the actor)');
    const r = await interleaved(
      () => withActor(ctx.db, actor, (tx) => reviewQueue(tx, { tenantId: first!.tenantId, limit: 50 })),
      () =>
        raw.begin(async (tx) => {
          await tx.unsafe(
            `select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`,
            [claims],
            { prepare: true },
          );
          return tx.unsafe(QUEUE_SQL, [first!.tenantId, 51], { prepare: true });
        }),
      rounds,
    );
    out.push({
      id: 'P1',
      what: 'reviewQueue first page (50)',
      measured: fmtMs(r.a),
      baseline: `hand-written prepared: ${fmtMs(r.b)}`,
      ratio: r.a.p50 / r.b.p50,
      target: '≤ 1.10× p50',
      met: r.a.p50 / r.b.p50 <= 1.1,
    });
  }
  if (want('P2')) {
    console.error('bench: P2 reviewQueue (RLS + helpers vs service role + explicit filters)');
    const r = await interleaved(
      () => withActor(ctx.db, actor, (tx) => reviewQueue(tx, { tenantId: first!.tenantId, limit: 50 })),
      () =>
        withService(ctx.db, (tx) =>
          tx.execute(
            sql.raw(
              EXPLICIT_SQL.replace('$1', `'${first!.tenantId}'`)
                .replace('$2', '51')
                .replace('$3::uuid[]', `'{${first!.projectId}}'::uuid[]`)
                .replace('$4::uuid', `'${reviewer!.id}'::uuid`),
            ),
          ),
        ),
      rounds,
    );
    out.push({
      id: 'P2',
      what: 'reviewQueue under withActor (RLS)',
      measured: fmtMs(r.a),
      baseline: `service role, explicit filters: ${fmtMs(r.b)}`,
      ratio: r.a.p50 / r.b.p50,
      target: '≤ 1.10× p50',
      met: r.a.p50 / r.b.p50 <= 1.1,
    });
  }
  return out;
}
