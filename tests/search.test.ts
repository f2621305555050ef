/** Vector search: ingestion, plans, filters and their DSL, hybrid search, tenant safety. */
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { createDb, withSettings } from '../src/db.js';
import { LimitError, NotFoundError, ValidationError } from '../src/queries/errors.js';
import {
  compileMetadataFilter,
  deleteChunksBySource,
  explainSearch,
  ingestChunks,
  metadataFilter,
  replaceSourceChunks,
  searchHybrid,
  searchSimilar,
  type ChunkInput,
  type SearchFilters,
} from '../src/queries/search.js';
import * as s from '../src/schema/index.js';
import { mulberry32 } from '../bench/lib.js';
import { pgArray } from '../src/queries/util.js';
import { listSearchIndexes, maintainSearchIndexes, tenantIndexName } from '../src/jobs/searchIndexes.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const DIMS = 384;
function clustered(rand: () => number, centers: number[][], i: number): number[] {
  const c = centers[i % centers.length]!;
  const v = c.map((x) => x + (rand() - 0.5) * 0.3);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
function centersOf(rand: () => number, n: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: DIMS }, () => rand() - 0.5));
}
const cosine = (a: number[], b: number[]) =>
  1 - a.reduce((s, x, i) => s + x * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));

describeBackends('vector search', (t) => {
  let w: World;
  let model: string;
  let small: string; // a second model of another dimension
  const rand = mulberry32(7);
  const centers = centersOf(rand, 8);
  const vectors: { id?: string; v: number[]; i: number }[] = [];
  const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
    withActor(t().db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);

  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    model = (
      await db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'mini-384', dimensions: DIMS }).returning()
    )[0]!.id;
    small = (
      await db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'tiny-8', dimensions: 8 }).returning()
    )[0]!.id;
    const words = ['wind', 'load', 'bridge', 'concrete', 'cable', 'fatigue', 'deck', 'pier'];
    const chunks: ChunkInput[] = Array.from({ length: 300 }, (_, i) => {
      const v = clustered(rand, centers, i);
      vectors.push({ v, i });
      return {
        sourceType: 'manual' as const,
        sourceId: w.projectA,
        chunkIndex: i,
        content: `${words[i % 8]} note ${i} about the ${words[(i * 3) % 8]}`,
        embedding: v,
        tags: [`t${i % 3}`, i % 2 ? 'odd' : 'even'],
        metadata: { n: i, kind: i % 4 === 0 ? 'spec' : 'memo', nested: { level: i % 5 } },
      };
    });
    const progress: number[] = [];
    const res = await as('member', (tx) =>
      ingestChunks(
        tx,
        { tenantId: w.tenantA, modelId: model, projectId: w.projectA, chunks, batchSize: 64 },
        { onProgress: (d) => progress.push(d) },
      ),
    );
    expect(res).toEqual({ inserted: 300, skipped: 0, batches: 5 });
    expect(progress).toEqual([64, 128, 192, 256, 300]);
  });

  it('is idempotent: a retried ingest writes each chunk exactly once', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => ({
      sourceType: 'upload' as const,
      sourceId: w.projectA,
      chunkIndex: i,
      content: `upload part ${i}`,
      embedding: clustered(rand, centers, i),
    }));
    // the first attempt got through half the batches before failing
    await as('member', (tx) =>
      ingestChunks(tx, { tenantId: w.tenantA, modelId: model, chunks: chunks.slice(0, 5), batchSize: 5 }),
    );
    const retry = await as('member', (tx) =>
      ingestChunks(tx, { tenantId: w.tenantA, modelId: model, chunks, batchSize: 5 }),
    );
    expect(retry).toMatchObject({ inserted: 5, skipped: 5 });
    const [n] = rowsOf<{ n: number }>(
      await t().db.execute(
        sql`select count(*)::int as n from chunks where source_type = 'upload' and source_id = ${w.projectA}`,
      ),
    );
    expect(n!.n).toBe(10);
  });

  it('refuses an embedding of the wrong dimension, writing nothing', async () => {
    const before = rowsOf<{ n: number }>(await t().db.execute(sql`select count(*)::int as n from chunks`))[0]!.n;
    const err = await rejectsWith(
      as('member', (tx) =>
        ingestChunks(tx, {
          tenantId: w.tenantA,
          modelId: model,
          chunks: [
            {
              sourceType: 'manual',
              sourceId: w.projectA,
              chunkIndex: 900,
              content: 'ok',
              embedding: clustered(rand, centers, 1),
            },
            { sourceType: 'manual', sourceId: w.projectA, chunkIndex: 901, content: 'bad', embedding: [1, 2, 3] },
          ],
        }),
      ),
      ValidationError,
    );
    expect(err.issues[0]!.path).toEqual(['chunks', 1, 'embedding']);
    expect(rowsOf<{ n: number }>(await t().db.execute(sql`select count(*)::int as n from chunks`))[0]!.n).toBe(before);
    await rejectsWith(
      as('member', (tx) => searchSimilar(tx, { tenantId: w.tenantA, modelId: model, embedding: [1, 2] })),
      ValidationError,
    );
    await rejectsWith(
      as('member', (tx) => searchSimilar(tx, { tenantId: w.tenantA, modelId: small, embedding: vectors[0]!.v })),
      ValidationError,
    );
    await rejectsWith(
      as('member', (tx) => searchSimilar(tx, { tenantId: w.tenantA, modelId: model, embedding: [Number.NaN] })),
      ValidationError,
    );
  });

  it('returns the exact top-k for a small scope, without the HNSW graph', async () => {
    const q = clustered(rand, centers, 3);
    const hits = await as('member', (tx) =>
      searchSimilar(tx, {
        tenantId: w.tenantA,
        modelId: model,
        embedding: q,
        k: 10,
        filters: { sourceTypes: ['manual'] },
      }),
    );
    const truth = vectors
      .map((x) => ({ i: x.i, d: cosine(q, x.v) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 10);
    expect(hits.map((h) => h.chunkIndex)).toEqual(truth.map((x) => x.i));
    expect(hits[0]!.distance).toBeCloseTo(truth[0]!.d, 5);
    const plan = await as('member', (tx) => explainSearch(tx, { tenantId: w.tenantA, modelId: model, embedding: q }));
    expect(plan.plan).toBe('exact');
    expect(plan.explain).not.toContain('hnsw_idx');
    expect(plan.explain).toMatch(/chunks_tenant_id/);
  });

  it('uses the HNSW index with iterative scans for a large scope', async () => {
    const q = clustered(rand, centers, 2);
    // a handle on which this tenant's 300 rows count as large (settings belong to the handle)
    const small = withSettings(t().db, { search: { exactMaxRows: 50 } });
    const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2]) =>
      withActor(small, { userId: w.users[who], tenantId: w.tenantA }, fn);
    {
      const plan = await as('member', (tx) =>
        explainSearch(tx, { tenantId: w.tenantA, modelId: model, embedding: q, k: 10 }),
      );
      expect(plan.plan).toBe('hnsw');
      expect(plan.explain).toContain('hnsw.iterative_scan = relaxed_order');
      const hits = await as('member', (tx) =>
        searchSimilar(tx, {
          tenantId: w.tenantA,
          modelId: model,
          embedding: q,
          k: 10,
          filters: { sourceTypes: ['manual'] },
        }),
      );
      expect(hits).toHaveLength(10);
      const truth = vectors
        .map((x) => ({ i: x.i, d: cosine(q, x.v) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 10)
        .map((x) => x.i);
      const recall = hits.filter((h) => truth.includes(h.chunkIndex)).length / 10;
      expect(recall).toBeGreaterThanOrEqual(0.9);
      // a filter so selective that the graph walk may run out still gets k rows (exact fallback)
      const rare = await as('member', (tx) =>
        searchSimilar(tx, {
          tenantId: w.tenantA,
          modelId: model,
          embedding: q,
          k: 5,
          filters: { metadata: { range: ['n', { gte: 295 }] } },
        }),
      );
      expect(rare.map((h) => h.chunkIndex).sort()).toEqual([295, 296, 297, 298, 299]);
    }
    // the original handle was not changed by the view
    const plan = await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
      explainSearch(tx, { tenantId: w.tenantA, modelId: model, embedding: q, k: 10 }),
    );
    expect(plan.plan).toBe('exact');
  });

  it('filters by project, source, tags, metadata, time and distance', async () => {
    const q = clustered(rand, centers, 0);
    const base = { tenantId: w.tenantA, modelId: model, embedding: q, k: 500 };
    const run = (filters: object, extra: object = {}) =>
      as('member', (tx) => searchSimilar(tx, { ...base, filters, ...extra }));
    expect((await run({ tagsAny: ['t1'], sourceTypes: ['manual'] })).every((h) => h.tags.includes('t1'))).toBe(true);
    const all = await run({ tagsAll: ['t0', 'odd'] });
    expect(all.length).toBe(50);
    expect(all.every((h) => h.tags.includes('t0') && h.tags.includes('odd'))).toBe(true);
    expect((await run({ metadata: { eq: ['kind', 'spec'] } })).length).toBe(75);
    expect((await run({ metadata: { eq: [['nested', 'level'], 4] } })).length).toBe(60);
    expect((await run({ metadata: { in: ['kind', ['spec', 'memo']] } })).length).toBe(300);
    expect(
      (await run({ metadata: { and: [{ range: ['n', { gte: 10, lt: 20 }] }, { not: { eq: ['kind', 'spec'] } }] } }))
        .length,
    ).toBe(8);
    expect(
      (await run({ metadata: { or: [{ eq: ['n', 1] }, { eq: ['n', 2] }] } })).map((h) => h.chunkIndex).sort(),
    ).toEqual([1, 2]);
    expect((await run({ metadata: { exists: 'nope' } })).length).toBe(0);
    expect((await run({ metadata: { contains: ['nested', { level: 1 }] } })).length).toBe(60);
    expect((await run({ createdAfter: new Date(Date.now() + 60_000) })).length).toBe(0);
    const near = await run({}, { maxDistance: 0.2 });
    expect(near.every((h) => h.distance <= 0.2)).toBe(true);
    expect((await run({ projectIds: [w.projectB] })).length).toBe(0);
  });

  it('compiles the filter DSL to parameters only; injection attempts are refused or match nothing', async () => {
    const hostile = [
      { eq: ["kind'); drop table chunks; --", 'x'] },
      { eq: [['a', 'b c'], 1] },
      { range: ['n', {}] },
      { exists: '' },
      { raw: 'true' },
      { eq: ['kind'] },
    ];
    for (const f of hostile) expect(metadataFilter.safeParse(f).success, JSON.stringify(f)).toBe(false);
    const q = clustered(rand, centers, 0);
    await rejectsWith(
      as('member', (tx) =>
        searchSimilar(tx, {
          tenantId: w.tenantA,
          modelId: model,
          embedding: q,
          filters: { metadata: hostile[0] as never },
        }),
      ),
      ValidationError,
    );
    // SQL-looking values are just values
    const values = ["' or 1=1 --", '"; drop table chunks; --', '\\x00'];
    for (const v of values) {
      const hits = await as('member', (tx) =>
        searchSimilar(tx, {
          tenantId: w.tenantA,
          modelId: model,
          embedding: q,
          filters: { metadata: { eq: ['kind', v] }, tagsAny: [v] },
        }),
      );
      expect(hits).toEqual([]);
    }
    const compiled = new PgDialect().sqlToQuery(compileMetadataFilter({ eq: ['kind', "x' or '1'='1"] }));
    expect(compiled.sql).not.toContain("or '1'='1");
    expect(compiled.params).toEqual(['{"kind"}', "\"x' or '1'='1\""]);
    expect(
      rowsOf<{ n: number }>(
        await t().db.execute(sql`select count(*)::int as n from chunks where model_id = ${model}`),
      )[0]!.n,
    ).toBeGreaterThan(300);
  });

  it('fuses full-text and vector rankings (hybrid), with every filter in both branches', async () => {
    // chunk 5 ("fatigue note 5 about the pier") is the nearest vector to its own embedding and
    // the best text match (both terms); ties among the other matches are broken by id, so the
    // assertions below hold for any uuids the database hands out
    const q = vectors[5]!.v;
    const hits = await as('member', (tx) =>
      searchHybrid(tx, { tenantId: w.tenantA, modelId: model, embedding: q, query: 'fatigue or "note 5"', k: 10 }),
    );
    expect(hits).toHaveLength(10);
    expect(hits[0]).toMatchObject({ content: 'fatigue note 5 about the pier', vectorRank: 1, textRank: 1 });
    expect(hits.every((h) => h.vectorRank !== null || h.content.includes('fatigue'))).toBe(true);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    const onlyText = await as('member', (tx) =>
      searchHybrid(tx, {
        tenantId: w.tenantA,
        modelId: model,
        embedding: q,
        query: 'cable',
        k: 5,
        weights: { vector: 0, text: 1 },
        filters: { tagsAny: ['even'] },
      }),
    );
    expect(onlyText.every((h) => h.content.includes('cable') && h.tags.includes('even'))).toBe(true);
    const none = await as('member', (tx) =>
      searchHybrid(tx, {
        tenantId: w.tenantA,
        modelId: model,
        embedding: q,
        query: 'cable',
        k: 5,
        filters: { projectIds: [w.projectB] },
      }),
    );
    expect(none).toEqual([]);
  });

  it('keeps models apart and replaces a source atomically', async () => {
    const src = w.projectA;
    await as('member', (tx) =>
      ingestChunks(tx, {
        tenantId: w.tenantA,
        modelId: small,
        chunks: [
          {
            sourceType: 'code_file',
            sourceId: src,
            chunkIndex: 0,
            content: 'fn main',
            embedding: [1, 0, 0, 0, 0, 0, 0, 0],
          },
        ],
      }),
    );
    const hits = await as('member', (tx) =>
      searchSimilar(tx, { tenantId: w.tenantA, modelId: small, embedding: [1, 0, 0, 0, 0, 0, 0, 0], k: 50 }),
    );
    expect(hits.map((h) => h.content)).toEqual(['fn main']);
    const res = await as('member', (tx) =>
      replaceSourceChunks(tx, {
        tenantId: w.tenantA,
        modelId: small,
        sourceType: 'code_file',
        sourceId: src,
        chunks: [
          {
            sourceType: 'code_file',
            sourceId: src,
            chunkIndex: 0,
            content: 'fn main v2',
            embedding: [0, 1, 0, 0, 0, 0, 0, 0],
          },
          {
            sourceType: 'code_file',
            sourceId: src,
            chunkIndex: 1,
            content: 'fn helper',
            embedding: [0, 0, 1, 0, 0, 0, 0, 0],
          },
        ],
      }),
    );
    expect(res).toMatchObject({ deleted: 1, inserted: 2 });
    // a failing replacement leaves the old chunks in place
    await rejectsWith(
      as('member', (tx) =>
        replaceSourceChunks(tx, {
          tenantId: w.tenantA,
          modelId: small,
          sourceType: 'code_file',
          sourceId: src,
          chunks: [{ sourceType: 'code_file', sourceId: src, chunkIndex: 0, content: 'x', embedding: [1] }],
        }),
      ),
      ValidationError,
    );
    expect(
      (
        await as('member', (tx) =>
          searchSimilar(tx, { tenantId: w.tenantA, modelId: small, embedding: [0, 1, 0, 0, 0, 0, 0, 0], k: 5 }),
        )
      )
        .map((h) => h.content)
        .sort(),
    ).toEqual(['fn helper', 'fn main v2']);
    expect(
      await as('member', (tx) =>
        deleteChunksBySource(tx, { tenantId: w.tenantA, sourceType: 'code_file', sourceId: src }),
      ),
    ).toBe(2);
    await rejectsWith(
      as('member', (tx) => searchSimilar(tx, { tenantId: w.tenantA, modelId: w.projectA, embedding: [1] })),
      NotFoundError,
    );
  });
});

describeBackends('per-tenant vector indexes (maintainSearchIndexes)', (t) => {
  it('gives a large tenant its own index, searches it exactly as well, rebuilds it as the tenant grows and drops it as it shrinks', async () => {
    // a handle on which 300 rows count as large (settings belong to the handle)
    const db = withSettings(t().db, { search: { exactMaxRows: 100 } });
    const w = await createWorld(t().db);
    const rand = mulberry32(11);
    const [m] = await t()
      .db.insert(s.embeddingModels)
      .values({ tenantId: w.tenantA, name: 'ivf-384', dimensions: DIMS })
      .returning();
    // tight groups of 10: a query near a group has a clear true top 10
    const groups = Array.from({ length: 250 }, () => clustered(rand, centersOf(rand, 1), 0));
    const near = (c: number[], spread: number) => {
      const v = c.map((x) => x + (rand() - 0.5) * spread);
      const len = Math.hypot(...v);
      return v.map((x) => x / len);
    };
    const vs: number[][] = [];
    const ingest = (from: number, to: number) =>
      ingestChunks(t().db, {
        tenantId: w.tenantA,
        modelId: m!.id,
        chunks: Array.from({ length: to - from }, (_, j) => {
          const v = near(groups[Math.floor((from + j) / 10)]!, 0.02);
          vs[from + j] = v;
          return { sourceType: 'manual' as const, sourceId: w.projectA, chunkIndex: from + j, content: `c${from + j}`, embedding: v, metadata: { n: from + j } };
        }),
      });
    await ingest(0, 300);
    const name = tenantIndexName(w.tenantA, m!.id);

    // dry run: reports, changes nothing
    const planned = await maintainSearchIndexes(db, { dryRun: true });
    expect(planned).toEqual([expect.objectContaining({ action: 'create', index: name, tenantId: w.tenantA, rows: 300, dims: DIMS })]);
    expect((await listSearchIndexes(t().db)).map((e) => e.index)).not.toContain(name);

    expect((await maintainSearchIndexes(db)).map((a) => [a.action, a.index])).toEqual([['create', name]]);
    expect(await maintainSearchIndexes(db)).toEqual([]); // idempotent
    expect(await listSearchIndexes(t().db)).toContainEqual(
      expect.objectContaining({ index: name, tenantId: w.tenantA, modelId: m!.id, dims: DIMS, valid: true, builtRows: 300 }),
    );

    const member = { userId: w.users.member, tenantId: w.tenantA };
    const q = near(groups[17]!, 0.01);
    const truth = vs
      .map((v, i) => ({ i, d: cosine(q, v) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 10)
      .map((x) => x.i);
    const plan = await withActor(db, member, (tx) => explainSearch(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q }));
    expect(plan.plan).toBe('ivf');
    expect(plan.explain).toContain(name);
    const { hits, sortAfter, jitAfter } = await withActor(db, member, async (tx) => {
      await tx.execute(sql`set local jit = on`);
      const hits = await searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q });
      const [st] = rowsOf<{ s: string; j: string }>(
        await tx.execute(sql`select current_setting('enable_sort') as s, current_setting('jit') as j`),
      );
      return { hits, sortAfter: st!.s, jitAfter: st!.j };
    });
    expect(hits.map((h) => h.chunkIndex).sort((a, b) => a - b)).toEqual([...truth].sort((a, b) => a - b));
    // the plan's settings do not outlive the search in the caller's transaction
    expect([sortAfter, jitAfter]).toEqual(['on', 'on']);

    // a filter whose scope is small is answered exactly (the plan counts the filtered scope)
    const filtered = { tenantId: w.tenantA, modelId: m!.id, embedding: q, k: 5, filters: { metadata: { range: ['n', { gte: 290 }] } } } as const;
    expect((await withActor(db, member, (tx) => explainSearch(tx, filtered))).plan).toBe('exact');
    expect((await withActor(db, member, (tx) => searchSimilar(tx, filtered))).map((h) => h.chunkIndex).every((i) => i >= 290)).toBe(true);

    // RLS still decides: tenant B's member naming tenant A gets nothing through the index
    const outsider = await withActor(db, { userId: w.users.outsider, tenantId: w.tenantB }, (tx) =>
      searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q, strategy: 'ivf' }),
    );
    expect(outsider).toEqual([]);

    // grown past twice the rows it was built on: rebuilt (under a new name, then swapped)
    await ingest(300, 700);
    expect((await maintainSearchIndexes(db)).map((a) => [a.action, a.rows])).toEqual([['rebuild', 700]]);
    expect(await listSearchIndexes(t().db)).toContainEqual(expect.objectContaining({ index: name, builtRows: 700, valid: true }));

    // below half the threshold: dropped; the search falls back to the shared index
    const bigger = withSettings(t().db, { search: { exactMaxRows: 2000 } });
    expect((await maintainSearchIndexes(bigger)).map((a) => [a.action, a.index])).toEqual([['drop', name]]);
    expect((await listSearchIndexes(t().db)).map((e) => e.index)).not.toContain(name);
    const after = await withActor(withSettings(t().db, { search: { exactMaxRows: 100, scopeTtlSeconds: 1 } }), member, (tx) =>
      explainSearch(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q }),
    );
    expect(after.plan).toBe('hnsw');
    await rejectsWith(maintainSearchIndexes(db, { minRows: 5 } as never), ValidationError);

    // the CLI job: a dry run lists what it would create and creates nothing
    if (t().url) {
      // a build pgvector refuses for maintenance_work_mem (500k rows needed 672 MB, the
      // default is 64 MB) is retried on one connection with what it asked for
      const dbName = new URL(t().url!).pathname.slice(1);
      await t().db.execute(sql.raw(`alter database "${dbName}" set maintenance_work_mem = '1MB'`));
      const low = await createDb(t().url!, { max: 2, search: { exactMaxRows: 100 } });
      try {
        const [mem] = rowsOf<{ m: string }>(await low.execute(sql`select current_setting('maintenance_work_mem') as m`));
        expect(mem!.m).toBe('1MB');
        await ingest(300, 700);
        const built = await maintainSearchIndexes(low);
        expect(built.map((a) => a.action)).toEqual(['create']);
        expect(await listSearchIndexes(low)).toContainEqual(expect.objectContaining({ index: name, valid: true }));
        const [after] = rowsOf<{ m: string }>(await low.execute(sql`select current_setting('maintenance_work_mem') as m`));
        expect(after!.m).toBe('1MB'); // reset on the connection that built it
        await rejectsWith(maintainSearchIndexes(withSettings(low, { search: { exactMaxRows: 50 } }), { maxMemoryMb: 64, minRows: 100 }).then(async () => {
          await low.exec(`drop index ${name}`);
          return maintainSearchIndexes(low, { maxMemoryMb: 64 });
        }), LimitError);
      } finally {
        await low.close();
        await t().db.execute(sql.raw(`alter database "${dbName}" reset maintenance_work_mem`));
      }
      await ingest(700, 2500);
      const r = spawnSync('npx', ['tsx', 'src/cli/index.ts', 'search-indexes', '--dry-run', '--min-rows', '2000', '--database-url', t().url!], {
        encoding: 'utf8',
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toContain(`would create ${name} (tenant ${w.tenantA}, 384-d, 2500 rows, 10 lists)`);
      expect((await listSearchIndexes(t().db)).map((e) => e.index)).not.toContain(name);
      const bad = spawnSync('npx', ['tsx', 'src/cli/index.ts', 'search-indexes', '--min-rows', '5', '--database-url', t().url!], {
        encoding: 'utf8',
      });
      expect([bad.status, bad.stderr.trim()]).toEqual([2, 'ai-platform-db: --min-rows must be an integer of at least 100']);
    }
  }, 120_000);
});

describeBackends('vector search across tenants (generated)', (t) => {
  it('never returns another tenant’s chunk, whatever filters or model are passed', async () => {
    const { db } = t();
    const rand = mulberry32(11);
    const centers = centersOf(rand, 4);
    const worlds: { w: World; model: string }[] = [];
    const sizes = [3, 15, 60, 120];
    for (const size of sizes) {
      const w = await createWorld(db);
      const [m] = await db
        .insert(s.embeddingModels)
        .values({ tenantId: w.tenantA, name: 'e', dimensions: DIMS })
        .returning();
      await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        ingestChunks(tx, {
          tenantId: w.tenantA,
          modelId: m!.id,
          projectId: w.projectA,
          chunks: Array.from({ length: size }, (_, i) => ({
            sourceType: 'manual' as const,
            sourceId: w.projectA,
            chunkIndex: i,
            content: `c${i}`,
            embedding: clustered(rand, centers, i),
            tags: ['x'],
          })),
        }),
      );
      worlds.push({ w, model: m!.id });
    }
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const me = worlds[trial % worlds.length]!;
      const other = worlds[(trial + 1) % worlds.length]!;
      const q = clustered(rand, centers, trial);
      const variants = [
        { tenantId: me.w.tenantA, modelId: me.model },
        { tenantId: other.w.tenantA, modelId: other.model }, // naming another tenant
        { tenantId: me.w.tenantA, modelId: other.model }, // another tenant's model
        { tenantId: me.w.tenantA, modelId: me.model, filters: { projectIds: [other.w.projectA] } },
      ];
      for (const v of variants) {
        const out = await withActor(db, { userId: me.w.users.member, tenantId: me.w.tenantA }, (tx) =>
          searchSimilar(tx, { ...v, embedding: q, k: 20, strategy: trial % 2 ? 'exact' : 'auto' }),
        ).catch((e) => e);
        if (Array.isArray(out)) {
          const ids = out.map((h) => h.id);
          if (ids.length) {
            const owners = rowsOf<{ tenant_id: string }>(
              await db.execute(sql`select distinct tenant_id from chunks where id = any (${pgArray(ids)}::uuid[])`),
            );
            expect(owners.map((o) => o.tenant_id)).toEqual([me.w.tenantA]);
          }
        } else {
          expect(out).toBeInstanceOf(NotFoundError); // another tenant's model is invisible
        }
        checked++;
      }
    }
    expect(checked).toBe(160);
  });
});

describeBackends(
  'vector search plans on a large tenant',
  (t) => {
    it('uses the HNSW index with an iterative scan once the scope is large, and keeps recall', async () => {
      const { db } = t();
      const w = await createWorld(db);
      const rand = mulberry32(3);
      const centers = centersOf(rand, 16);
      const [m] = await db
        .insert(s.embeddingModels)
        .values({ tenantId: w.tenantA, name: 'big', dimensions: DIMS })
        .returning();
      const n = db.settings.search.exactMaxRows + 2000;
      // groups of 10 tight around a point of a cluster: a query near a group has a clear true
      // top 10 (in 384-d, the members of one broad cluster are all about equally far from a
      // query, which made recall a coin toss of the graph's random levels, not of the plan)
      const groups: number[][] = [];
      const near = (c: number[], spread: number) => {
        const v = c.map((x) => x + (rand() - 0.5) * spread);
        const len = Math.hypot(...v);
        return v.map((x) => x / len);
      };
      const vs: number[][] = [];
      for (let start = 0; start < n; start += 2000) {
        const chunk = Array.from({ length: Math.min(2000, n - start) }, (_, j) => {
          const g = Math.floor((start + j) / 10);
          groups[g] ??= clustered(rand, centers, g);
          const v = near(groups[g]!, 0.02);
          vs.push(v);
          return {
            sourceType: 'manual' as const,
            sourceId: w.projectA,
            chunkIndex: start + j,
            content: `c${start + j}`,
            embedding: v,
          };
        });
        await ingestChunks(db, { tenantId: w.tenantA, modelId: m!.id, chunks: chunk, batchSize: 1000 });
      }
      await db.execute(sql`analyze chunks`);
      const q = near(groups[537]!, 0.01);
      const plan = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        explainSearch(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q, k: 10 }),
      );
      expect(plan.plan).toBe('hnsw');
      expect(plan.explain).toContain('chunks_embedding_384_hnsw_idx');
      expect(plan.explain).toContain('hnsw.iterative_scan = relaxed_order');
      const hits = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q, k: 10 }),
      );
      const truth = vs
        .map((v, i) => ({ i, d: cosine(q, v) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 10)
        .map((x) => x.i);
      expect(truth.every((i) => Math.floor(i / 10) === 537)).toBe(true);
      expect(hits.filter((h) => truth.includes(h.chunkIndex)).length).toBeGreaterThanOrEqual(9);
    }, 120_000);
  },
  { serverOnly: 'builds an HNSW graph of 12k vectors (minutes in WASM)' },
);

describe('metadata filter DSL', () => {
  it('accepts nested boolean structure up to its limits', () => {
    expect(metadataFilter.safeParse({ and: [{ eq: ['a', 1] }, { not: { exists: ['b', 'c'] } }] }).success).toBe(true);
    expect(metadataFilter.safeParse({ eq: [Array.from({ length: 9 }, () => 'k'), 1] }).success).toBe(false);
  });
});

describeBackends('vector search over indexable filters (app.chunk_candidates)', (t) => {
  // A small tenant with small bounds: the plans of a large tenant, at a size PGlite runs fast.
  // Near-duplicate groups: a filter keeps a few rows of each group, so the true filtered
  // neighbours lie all over the tenant — where an index walk from the query never goes.
  let w: World;
  let model: string;
  let hidden: string; // a project the tenant member is not in
  const rand = mulberry32(23);
  const centers = centersOf(rand, 60);
  const N = 600;
  const bounded = () => withSettings(t().db, { search: { exactMaxRows: 50, filteredExactMaxRows: 200 } });
  const near = (c: number[], spread: number) => {
    const v = c.map((x) => x + (rand() - 0.5) * spread);
    const len = Math.hypot(...v);
    return v.map((x) => x / len);
  };

  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    model = (await db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'f', dimensions: DIMS }).returning())[0]!.id;
    hidden = (await db.insert(s.projects).values({ tenantId: w.tenantA, name: 'Hidden' }).returning())[0]!.id;
    const chunks = Array.from({ length: N }, (_, i) => ({
      sourceType: 'manual' as const,
      sourceId: w.projectA,
      projectId: i % 50 === 7 ? hidden : w.projectA,
      chunkIndex: i,
      content: `c${i}`,
      embedding: near(centers[Math.floor(i / 10)]!, 0.02),
      tags: [`g${i % 10}`, i % 2 ? 'odd' : 'even'],
      // obj: {a:1} for 6 rows, {a:1,b:2} (contains {a:1} without equalling it) for a tenth
      metadata: { grp: i % 10, pct: i % 100, obj: i % 100 === 3 ? { a: 1 } : i % 10 === 4 ? { a: 1, b: 2 } : {}, __proto__x: 1 },
    }));
    await ingestChunks(db, { tenantId: w.tenantA, modelId: model, chunks });
    await db.execute(sql`update chunks set metadata = metadata || '{"toString": "s"}'::jsonb where model_id = ${model} and chunk_index % 3 = 0`);
    await db.execute(sql`analyze chunks`);
  });

  const member = () => ({ userId: w.users.member, tenantId: w.tenantA });
  async function both(filters: SearchFilters, actor = member(), k = 10) {
    const db = bounded();
    const q = near(centers[Math.floor(rand() * centers.length)]!, 0.3);
    const base = { tenantId: w.tenantA, modelId: model, embedding: q, k, filters };
    const plan = await withActor(db, actor, (tx) => explainSearch(tx, base));
    const got = await withActor(db, actor, (tx) => searchSimilar(tx, base));
    const exact = await withActor(db, actor, (tx) => searchSimilar(tx, { ...base, strategy: 'exact' }));
    return { plan, got: got.map((h) => h.id), exact: exact.map((h) => h.id) };
  }

  it('answers a selective metadata filter in a large scope exactly, over the rows the GIN index finds', async () => {
    for (let i = 0; i < 8; i++) {
      const r = await both({ metadata: { eq: ['grp', i % 10] } });
      expect(r.plan.plan).toBe('exact');
      expect(r.plan.explain).toMatch(/Index Cond: .*\(id = ANY/);
      expect(r.got).toHaveLength(10);
      expect(r.got).toEqual(r.exact);
    }
    // 1 % and a conjunction (merged into one containment), and tags
    for (const filters of [
      { metadata: { eq: ['pct', 42] } },
      { metadata: { and: [{ eq: ['grp', 2] }, { range: ['pct', { lt: 50 }] }, { eq: ['obj', {}] }] } },
      { tagsAll: ['g5', 'odd'] },
      { tagsAny: ['g1', 'g2'], metadata: { exists: 'grp' } },
    ] satisfies SearchFilters[]) {
      const r = await both(filters);
      expect(r.plan.explain).toMatch(/Index Cond: .*\(id = ANY/);
      expect(r.got).toEqual(r.exact);
    }
  });

  it('re-checks every filter: containment looser than equality falls back to all the candidates', async () => {
    // obj = {a:1} holds for 6 rows, obj @> {a:1} for 66: most of the nearest candidates are
    // {a:1,b:2}, which equality refuses, so the search re-runs over every candidate
    for (let i = 0; i < 6; i++) {
      const r = await both({ metadata: { eq: ['obj', { a: 1 }] } });
      expect(r.got).toHaveLength(6);
      expect(r.got).toEqual(r.exact);
    }
    // keys that are names of Object.prototype members are plain keys
    for (const key of ['toString', '__proto__x', 'constructor']) {
      const r = await both({ metadata: { and: [{ eq: [key, key === 'toString' ? 's' : 1] }, { eq: ['grp', 3] }] } });
      expect(r.got).toEqual(r.exact);
    }
    // not / or imply no containment: the plain plans answer, still exactly here
    const r = await both({ metadata: { or: [{ eq: ['grp', 1] }, { eq: ['grp', 2] }] } });
    expect(r.plan.explain).not.toMatch(/\(id = ANY/);
  });

  it('searches any narrowing filter exactly up to filteredExactMaxRows, and walks an index beyond', async () => {
    // a range is no GIN condition: its scope is counted under RLS; 120 rows (> exactMaxRows 50)
    for (let i = 0; i < 4; i++) {
      const r = await both({ metadata: { range: ['pct', { lt: 20 }] } });
      expect(r.plan.plan).toBe('exact');
      expect(r.plan.explain).not.toMatch(/\(id = ANY/);
      expect(r.got).toEqual(r.exact);
    }
    const admin = { userId: w.users.admin, tenantId: w.tenantA };
    const r = await both({ projectIds: [hidden] }, admin);
    expect(r.plan.plan).toBe('exact');
    expect(r.got).toEqual(r.exact);
    // 360 rows: over the bound of 200
    expect((await both({ metadata: { range: ['pct', { lt: 60 }] } })).plan.plan).not.toBe('exact');
  });

  it('returns through app.chunk_candidates exactly what the caller may SELECT, for every kind of actor', async () => {
    const { db } = t();
    const actors = [
      ['owner', w.tenantA],
      ['admin', w.tenantA],
      ['member', w.tenantA],
      ['viewer', w.tenantA],
      ['outsider', w.tenantA], // acts for a tenant it does not belong to
      ['outsider', w.tenantB],
      ['stranger', w.tenantA],
    ] as const;
    const seen: number[] = [];
    for (const [who, tenantId] of actors) {
      for (const [meta, tags, text] of [
        ['{"grp": 7}', null, null],
        [null, '{odd}', null],
        [null, null, 'c7 | c57 | c107'],
      ] as const) {
        const res = await withActor(db, { userId: w.users[who], tenantId }, async (tx) => {
          const via = rowsOf<{ id: string }>(
            await tx.execute(sql`select c as id from app.chunk_candidates(${w.tenantA}::uuid, ${model}::uuid, ${meta}::jsonb, ${tags}::text[], null, to_tsquery('english', ${text}), null, 100000) c`),
          );
          const plain = rowsOf<{ id: string }>(
            await tx.execute(
              sql`select id from chunks where tenant_id = ${w.tenantA} and model_id = ${model}
                  and (${meta}::jsonb is null or metadata @> ${meta}::jsonb) and (${tags}::text[] is null or tags @> ${tags}::text[])
                  and (${text}::text is null or search_vector @@ to_tsquery('english', ${text}))`,
            ),
          );
          return { via: via.map((r) => r.id).sort(), plain: plain.map((r) => r.id).sort() };
        }).catch((e: unknown) => e as Error);
        if (res instanceof Error) {
          // an actor that is no member of the tenant it names is refused before any query
          if (!(who === 'outsider' || who === 'stranger')) throw res;
          expect(who === 'outsider' || who === 'stranger').toBe(true);
          continue;
        }
        expect(res.via).toEqual(res.plain);
        seen.push(res.via.length);
      }
    }
    // the member does not see the hidden project's chunks; the admin does; other tenants see none
    const count = (who: 'member' | 'admin') =>
      withActor(db, { userId: w.users[who], tenantId: w.tenantA }, async (tx) =>
        rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from app.chunk_candidates(${w.tenantA}::uuid, ${model}::uuid, null, null, null, null, null, 100000) c`),
        )[0]!.n,
      );
    expect(await count('admin')).toBe(N);
    expect(await count('member')).toBe(N - N / 50);
    expect(seen.some((n) => n > 0)).toBe(true);
    // as the service (no RLS): every row
    const svc = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from app.chunk_candidates(${w.tenantA}::uuid, ${model}::uuid, null, null, null, null, null, 100000) c`),
    );
    expect(svc[0]!.n).toBe(N);
  });
});
