/**
 * P10: cost curves — how p50 of each main operation grows with the data behind it: one
 * document's revisions and a tenant's documents (1k → 100k), a tenant's tasks (1k → 1M),
 * a tenant's chunks (10k → 500k). Each row set is loaded in bulk (SQL, triggers on), then
 * every operation is timed through withActor at that size. Flat where an index makes it so.
 */
import { withActor } from '../src/actor.js';
import { maintainSearchIndexes } from '../src/jobs/searchIndexes.js';
import { appendRevision, getDocument, listRevisions } from '../src/queries/documents.js';
import { searchHybrid, searchSimilar } from '../src/queries/search.js';
import { sha256 } from '../src/queries/util.js';
import { settingsOf } from '../src/settings.js';
import { createTask, reviewQueue, taskHistory } from '../src/queries/tasks.js';
import type { BenchContext } from './run.js';
import { mulberry32, stats, type ResultRow } from './lib.js';

interface Curve {
  what: string;
  sizes: number[];
  ops: Record<string, number[]>;
}

async function p50(rounds: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(10, rounds); i++) await fn(i);
  const lat: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn(i);
    lat.push(performance.now() - t0);
  }
  return stats(lat).p50;
}

async function world(ctx: BenchContext, label: string, role: 'member' | 'admin' = 'member') {
  const [t] = await ctx.raw<{ id: string }[]>`insert into tenants (name, slug) values (${label}, ${`curve-${label}`}) returning id`;
  const [u] = await ctx.raw<{ id: string }[]>`insert into users (email) values (${`${label}@curve.bench`}) returning id`;
  const [r] = await ctx.raw<{ id: string }[]>`insert into users (email) values (${`${label}-reviewer@curve.bench`}) returning id`;
  await ctx.raw`insert into tenant_memberships (tenant_id, user_id, role) values (${t!.id}, ${u!.id}, ${role}), (${t!.id}, ${r!.id}, 'member')`;
  const [p] = await ctx.raw<{ id: string }[]>`insert into projects (tenant_id, name) values (${t!.id}, ${label}) returning id`;
  await ctx.raw`insert into project_members (tenant_id, project_id, user_id, role)
                values (${t!.id}, ${p!.id}, ${u!.id}, 'contributor'), (${t!.id}, ${p!.id}, ${r!.id}, 'reviewer')`;
  return { tenantId: t!.id, userId: u!.id, reviewerId: r!.id, projectId: p!.id };
}

/** Grows a table to each size in turn (load(from, to) adds the rows), measuring at each. */
async function curve(
  what: string,
  sizes: number[],
  load: (from: number, to: number) => Promise<void>,
  ops: Record<string, (i: number) => Promise<unknown>>,
  rounds: number,
  afterLoad?: () => Promise<void>,
): Promise<Curve> {
  const out: Curve = { what, sizes, ops: Object.fromEntries(Object.keys(ops).map((k) => [k, []])) };
  let have = 0;
  for (const n of sizes) {
    const t0 = performance.now();
    await load(have, n);
    have = n;
    await afterLoad?.();
    console.error(`bench: P10 ${what}: ${n.toLocaleString()} loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const [name, fn] of Object.entries(ops)) out.ops[name]!.push(await p50(rounds, fn));
  }
  return out;
}

export async function curvesBench(ctx: BenchContext, only?: string[]): Promise<ResultRow[]> {
  if (only && !only.includes('P10')) return [];
  const rounds = ctx.quick ? 30 : 100;
  const { raw } = ctx;
  const curves: Curve[] = [];
  const rand = mulberry32(ctx.seed + 10);

  // ---- one document's revisions
  {
    const w = await world(ctx, 'revs');
    const actor = { userId: w.userId, tenantId: w.tenantId };
    const [d] = await raw<{ id: string }[]>`insert into documents (tenant_id, project_id, kind, title) values (${w.tenantId}, ${w.projectId}, 'prd', 'long history') returning id`;
    const key = { tenantId: w.tenantId, documentId: d!.id };
    let appended = 0;
    curves.push(
      await curve(
        "one document's revisions",
        ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000],
        async (from, to) => {
          for (let a = from; a < to; a += 10_000)
            await raw`insert into document_revisions (tenant_id, document_id, project_id, rev, content, content_hash)
                      select ${w.tenantId}, ${d!.id}, ${w.projectId}, 0, jsonb_build_object('n', g, 'body', repeat('x', 400)),
                             encode(sha256(convert_to(g::text || ${d!.id}::text, 'UTF8')), 'hex') from generate_series(${a + 1}::int, ${Math.min(to, a + 10_000)}::int) g`;
          await raw`analyze document_revisions`;
        },
        {
          getDocument: () => withActor(ctx.db, actor, (tx) => getDocument(tx, key)),
          appendRevision: () => withActor(ctx.db, actor, (tx) => appendRevision(tx, { ...key, content: { a: ++appended } })),
          'listRevisions (first page)': () => withActor(ctx.db, actor, (tx) => listRevisions(tx, { ...key, limit: 20 })),
        },
        rounds,
      ),
    );
  }

  // ---- a tenant's documents
  {
    const w = await world(ctx, 'docs');
    const actor = { userId: w.userId, tenantId: w.tenantId };
    const ids: string[] = [];
    curves.push(
      await curve(
        "a tenant's documents (one revision each)",
        ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000],
        async (from, to) => {
          for (let a = from; a < to; a += 10_000) {
            const made = await raw<{ id: string }[]>`insert into documents (tenant_id, project_id, kind, title)
              select ${w.tenantId}, ${w.projectId}, 'prd', 'doc ' || g from generate_series(${a + 1}::int, ${Math.min(to, a + 10_000)}::int) g returning id`;
            ids.push(...made.map((m) => m.id));
            await raw`insert into document_revisions (tenant_id, document_id, project_id, rev, content, content_hash)
                      select tenant_id, id, project_id, 0, '{"v":1}', encode(sha256(convert_to(id::text, 'UTF8')), 'hex') from documents
                      where tenant_id = ${w.tenantId} and current_rev = 0`;
          }
          await raw`analyze documents`;
          await raw`analyze document_revisions`;
        },
        {
          getDocument: () =>
            withActor(ctx.db, actor, (tx) => getDocument(tx, { tenantId: w.tenantId, documentId: ids[Math.floor(rand() * ids.length)]! })),
          appendRevision: (i) =>
            withActor(ctx.db, actor, (tx) =>
              appendRevision(tx, {
                tenantId: w.tenantId,
                documentId: ids[Math.floor(rand() * ids.length)]!,
                content: { i, r: rand() },
              }),
            ),
        },
        rounds,
      ),
    );
  }

  // ---- a tenant's tasks (a fifth awaiting review)
  {
    const w = await world(ctx, 'tasks', 'admin'); // creates tasks: a tenant admin
    const worker = { userId: w.userId, tenantId: w.tenantId };
    const reviewer = { userId: w.reviewerId, tenantId: w.tenantId };
    let someTask = '';
    curves.push(
      await curve(
        "a tenant's tasks",
        ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000],
        async (from, to) => {
          for (let a = from; a < to; a += 50_000) {
            const hi = Math.min(to, a + 50_000);
            await raw`insert into tasks (tenant_id, project_id, title, assignee_id)
                      select ${w.tenantId}, ${w.projectId}, 'task ' || g, ${w.userId} from generate_series(${a + 1}::int, ${hi}::int) g`;
            await raw`insert into task_versions (tenant_id, task_id, project_id, version, output_data, risk_score, created_by)
                      select tenant_id, id, project_id, 0, '{"ok":true}', 0.2, ${w.userId} from tasks
                      where tenant_id = ${w.tenantId} and current_version = 0 and status = 'pending' and (hashtext(id::text) % 5) = 0`;
            await raw`update tasks set status = 'awaiting_review' where tenant_id = ${w.tenantId} and current_version > 0 and status = 'pending'`;
          }
          await raw`analyze tasks`;
          await raw`analyze task_versions`;
          const [t] = await raw<{ id: string }[]>`select id from tasks where tenant_id = ${w.tenantId} and current_version > 0 limit 1`;
          someTask = t!.id;
        },
        {
          'reviewQueue (first page of 50)': () =>
            withActor(ctx.db, reviewer, (tx) => reviewQueue(tx, { tenantId: w.tenantId, limit: 50 })),
          taskHistory: () => withActor(ctx.db, worker, (tx) => taskHistory(tx, { tenantId: w.tenantId, taskId: someTask })),
          createTask: (i) =>
            withActor(ctx.db, worker, (tx) => createTask(tx, { tenantId: w.tenantId, projectId: w.projectId, title: `new ${i}` })),
        },
        rounds,
      ),
    );
  }

  // ---- a tenant's chunks (384-d, tight clusters; the per-tenant index job runs after each load)
  {
    const w = await world(ctx, 'chunks');
    const actor = { userId: w.userId, tenantId: w.tenantId };
    const [m] = await raw<{ id: string }[]>`insert into embedding_models (tenant_id, name, dimensions) values (${w.tenantId}, 'curve', 384) returning id`;
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    const unit = (v: number[]) => {
      const n = Math.hypot(...v);
      return v.map((x) => Math.round((x / n) * 1e6) / 1e6);
    };
    const centers = Array.from({ length: 500 }, () => unit(Array.from({ length: 384 }, gauss)));
    const near = (c: number[]) => unit(c.map((x) => x + (gauss() * 0.3) / Math.sqrt(384)));
    const WORDS = ['wind', 'load', 'bridge', 'deck', 'cable', 'fatigue', 'steel', 'pier', 'soil', 'joint', 'bolt', 'crack'];
    curves.push(
      await curve(
        "a tenant's chunks (384-d)",
        ctx.quick ? [10_000, 20_000] : [10_000, 50_000, 100_000, 500_000],
        async (from, to) => {
          for (let a = from; a < to; a += 500) {
            const values = Array.from({ length: Math.min(500, to - a) }, (_, j) => {
              const i = a + j;
              const text = Array.from({ length: 10 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') + ` ${i}`;
              return {
                tenant_id: w.tenantId,
                source_type: 'manual',
                source_id: w.tenantId,
                chunk_index: i,
                content: text,
                content_hash: sha256(text),
                model_id: m!.id,
                dims: 384,
                embedding: `[${near(centers[i % centers.length]!).join(',')}]`,
              };
            });
            await raw`insert into chunks ${raw(values)}`;
          }
          await raw`analyze chunks`;
        },
        {
          'searchSimilar top-10': () =>
            withActor(ctx.db, actor, (tx) =>
              searchSimilar(tx, { tenantId: w.tenantId, modelId: m!.id, embedding: near(centers[Math.floor(rand() * 500)]!) }),
            ),
          'searchHybrid top-10': () =>
            withActor(ctx.db, actor, (tx) =>
              searchHybrid(tx, {
                tenantId: w.tenantId,
                modelId: m!.id,
                embedding: near(centers[Math.floor(rand() * 500)]!),
                query: `${WORDS[Math.floor(rand() * WORDS.length)]} ${WORDS[Math.floor(rand() * WORDS.length)]}`,
              }),
            ),
        },
        ctx.quick ? 20 : 50,
        async () => {
          // the bench loads by raw SQL: what ingestChunks does after a write (forget cached
          // scope sizes), then the daily job (the tenant gets or rebuilds its own index)
          settingsOf(ctx.db).caches.scopes.clear();
          await maintainSearchIndexes(ctx.db);
        },
      ),
    );
  }

  // one row per (curve, operation): p50 at each size, growth smallest → largest
  const out: ResultRow[] = [];
  for (const c of curves)
    for (const [op, xs] of Object.entries(c.ops)) {
      const growth = xs[xs.length - 1]! / xs[0]!;
      const sizeGrowth = c.sizes[c.sizes.length - 1]! / c.sizes[0]!;
      out.push({
        id: 'P10',
        what: `${op} vs ${c.what}`,
        measured: c.sizes.map((n, i) => `${n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`}: ${xs[i]!.toFixed(2)} ms`).join(', '),
        baseline: `data grew ${sizeGrowth}×`,
        ratio: growth,
        target: 'flat (≤ 2× over the range) where an index serves it',
        met: growth <= 2,
      });
    }
  return out;
}
