/**
 * P9: recall of searchSimilar at every tenant size and filter selectivity, on data shapes
 * that defeat a graph index — tight clusters, near-duplicates — and on uniform random data,
 * against exact ground truth; with the count of queries answered from the wrong
 * neighbourhood. All datasets share one chunks table (as tenants share a database); every
 * search runs through withActor; the shared HNSW index and the per-tenant indexes that
 * `maintainSearchIndexes` creates are present, as a deployment running the job has them.
 */
import { withActor } from '../src/actor.js';
import { maintainSearchIndexes } from '../src/jobs/searchIndexes.js';
import { explainSearch, searchSimilar, type SearchHit, type SearchSimilarParams } from '../src/queries/search.js';
import { sha256 } from '../src/queries/util.js';
import type { BenchContext } from './run.js';
import { fmtMs, mulberry32, progressBar, stats, type ResultRow } from './lib.js';

export type Shape = 'tight clusters' | 'near-duplicates' | 'uniform';
const SHAPES: Shape[] = ['tight clusters', 'near-duplicates', 'uniform'];

/** Seeded generators of unit vectors of one shape (cosine distances: see each). */
export function generator(shape: Shape, dims: number, rows: number, seed: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => Math.round((x / n) * 1e6) / 1e6);
  };
  const random = () => unit(Array.from({ length: dims }, gauss));
  const near = (c: number[], sigma: number) => unit(c.map((x) => x + (gauss() * sigma) / Math.sqrt(dims)));
  // tight clusters: ~100 rows per cluster, within-cluster distance ~0.01, between ~1.0
  // near-duplicates: groups of 20 copies a distance ~0.0002 apart (re-uploads, boilerplate)
  const centers =
    shape === 'tight clusters'
      ? Array.from({ length: Math.max(5, Math.round(rows / 100)) }, random)
      : shape === 'near-duplicates'
        ? Array.from({ length: Math.ceil(rows / 20) }, random)
        : [];
  return {
    row(i: number): number[] {
      if (shape === 'tight clusters') return near(centers[Math.floor(rand() * centers.length)]!, 0.15);
      if (shape === 'near-duplicates') return near(centers[Math.floor(i / 20)]!, 0.02);
      return random();
    },
    /** A query in the data's own neighbourhoods (uniform: anywhere). */
    query(): number[] {
      if (shape === 'uniform') return random();
      return near(centers[Math.floor(rand() * centers.length)]!, 0.15);
    },
  };
}

interface Tenant {
  tenantId: string;
  userId: string;
  modelId: string;
  rows: number;
}

async function makeTenant(ctx: BenchContext, label: string, dims: number): Promise<Omit<Tenant, 'rows'>> {
  const slug = `r-${sha256(label).slice(0, 16)}`;
  const [t] = await ctx.raw<{ id: string }[]>`insert into tenants (name, slug) values (${label}, ${slug}) returning id`;
  const [u] = await ctx.raw<{ id: string }[]>`insert into users (email) values (${`${slug}@recall.bench`}) returning id`;
  await ctx.raw`insert into tenant_memberships (tenant_id, user_id, role) values (${t!.id}, ${u!.id}, 'member')`;
  const [m] = await ctx.raw<
    { id: string }[]
  >`insert into embedding_models (tenant_id, name, dimensions) values (${t!.id}, 'bench', ${dims}) returning id`;
  return { tenantId: t!.id, userId: u!.id, modelId: m!.id };
}

/** Wrong neighbourhood: the returned nearest is more than twice as far (+0.01) as the true nearest. */
const wrongNeighbourhood = (got: SearchHit[], truth: SearchHit[]) =>
  truth.length > 0 && (got.length === 0 || got[0]!.distance > 2 * truth[0]!.distance + 0.01);

export async function recallBench(ctx: BenchContext, only?: string[]): Promise<ResultRow[]> {
  if (only && !only.includes('P9')) return [];
  const out: ResultRow[] = [];
  const dims = 384;
  const sizes = ctx.quick ? [50, 2_000, 12_000] : [50, 2_000, 20_000, 100_000];
  const queries = ctx.quick ? 15 : 50;
  const largest = sizes[sizes.length - 1]!;
  const total = SHAPES.length * sizes.reduce((a, b) => a + b, 0);
  console.error(`bench: P9 recall, ${SHAPES.length} data shapes x tenants of ${sizes.join(', ')} rows (${total.toLocaleString()} x ${dims})`);

  const tenants = new Map<string, Tenant>();
  const bar = progressBar(`loading ${total.toLocaleString()} x ${dims} (HNSW index present)`, total);
  let loaded = 0;
  for (const [si, shape] of SHAPES.entries()) {
    for (const n of sizes) {
      const t = await makeTenant(ctx, `${shape} ${n}`, dims);
      const gen = generator(shape, dims, n, ctx.seed * 1000 + si * 10 + sizes.indexOf(n));
      for (let from = 0; from < n; from += 500) {
        const values = Array.from({ length: Math.min(500, n - from) }, (_, j) => {
          const i = from + j;
          return {
            tenant_id: t.tenantId,
            source_type: 'manual',
            source_id: t.tenantId,
            chunk_index: i,
            content: `${shape} row ${i}`,
            content_hash: sha256(`${shape} ${n} ${i}`),
            model_id: t.modelId,
            dims,
            embedding: `[${gen.row(i).join(',')}]`,
            // selectivity buckets, spread across the data: pct = 1 % of rows, tenth = 10 %
            metadata: { pct: i % 100, tenth: i % 10 },
          };
        });
        await ctx.raw`insert into chunks ${ctx.raw(values)}`;
        loaded += values.length;
        bar.tick(loaded);
      }
      tenants.set(`${shape}:${n}`, { ...t, rows: n });
    }
  }
  bar.stop();
  await ctx.raw`analyze chunks`;
  const t0 = performance.now();
  const built = await maintainSearchIndexes(ctx.db);
  console.error(
    `bench: maintainSearchIndexes created ${built.length} per-tenant indexes in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  for (const [si, shape] of SHAPES.entries()) {
    const cases: { n: number; label: string; metadata?: SearchSimilarParams['filters'] }[] = sizes.map((n) => ({
      n,
      label: `${n.toLocaleString()}-row tenant`,
    }));
    cases.push(
      { n: largest, label: `${largest.toLocaleString()}-row tenant, filter 10 %`, metadata: { metadata: { eq: ['tenth', 3] } } },
      { n: largest, label: `${largest.toLocaleString()}-row tenant, filter 1 %`, metadata: { metadata: { eq: ['pct', 7] } } },
    );
    for (const c of cases) {
      const t = tenants.get(`${shape}:${c.n}`)!;
      const gen = generator(shape, dims, c.n, ctx.seed * 1000 + si * 10 + sizes.indexOf(c.n));
      const actor = { userId: t.userId, tenantId: t.tenantId };
      const base = { tenantId: t.tenantId, modelId: t.modelId, k: 10, filters: c.metadata ?? {} };
      const lat: number[] = [];
      const exactLat: number[] = [];
      let recall = 0;
      let wrong = 0;
      let hnswRecall = 0;
      let hnswWrong = 0;
      let plan = '';
      for (let qi = 0; qi < queries; qi++) {
        const embedding = gen.query();
        const e0 = performance.now();
        const truth = await withActor(ctx.db, actor, (tx) => searchSimilar(tx, { ...base, embedding, strategy: 'exact' }));
        exactLat.push(performance.now() - e0);
        const a0 = performance.now();
        const got = await withActor(ctx.db, actor, (tx) => searchSimilar(tx, { ...base, embedding }));
        lat.push(performance.now() - a0);
        // the shared HNSW index alone (the package's previous plan for large scopes)
        const viaHnsw = await withActor(ctx.db, actor, (tx) => searchSimilar(tx, { ...base, embedding, strategy: 'hnsw' }));
        const ids = new Set(truth.map((h) => h.id));
        const denom = Math.max(1, truth.length);
        recall += got.filter((h) => ids.has(h.id)).length / denom;
        hnswRecall += viaHnsw.filter((h) => ids.has(h.id)).length / denom;
        if (wrongNeighbourhood(got, truth)) wrong++;
        if (wrongNeighbourhood(viaHnsw, truth)) hnswWrong++;
        if (qi === 0) {
          plan = (await withActor(ctx.db, actor, (tx) => explainSearch(tx, { ...base, embedding }))).plan;
        }
      }
      const s = stats(lat);
      const e = stats(exactLat);
      const r = recall / queries;
      const smallScope = c.n <= 2_000;
      const p50Target = c.n === 100_000 && !c.metadata ? 5 : smallScope ? 5 : undefined;
      const shaped = shape !== 'uniform';
      out.push({
        id: 'P9',
        what: `${shape}: ${c.label} (plan ${plan})`,
        measured: `recall ${r.toFixed(3)}, wrong ${wrong}/${queries}, ${fmtMs(s)}`,
        baseline: `exact: p50 ${e.p50.toFixed(3)} ms; shared HNSW: recall ${(hnswRecall / queries).toFixed(3)}, wrong ${hnswWrong}/${queries}`,
        ratio: s.p50 / e.p50,
        target: `${shaped ? 'recall ≥ 0.99, wrong 0' : 'recall ≥ 0.95 (aim)'}${p50Target ? `, p50 ≤ ${p50Target} ms` : ''}`,
        met: (shaped ? r >= 0.99 && wrong === 0 : r >= 0.95) && (!p50Target || s.p50 <= p50Target),
        extra: { recall: r, wrong, hnswRecall: hnswRecall / queries, hnswWrong, plan, rows: c.n },
      });
    }
  }
  return out;
}
