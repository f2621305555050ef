/**
 * Bounded work in a shared process: no input may block the event loop for long or crash the
 * process. Each case failed before: a 100,000-element array diff (seconds of blocked loop,
 * then "JavaScript heap out of memory"), `{list:[{id}]}` → `{list:[null]}` (TypeError),
 * `pattern: "^(a+)+$"` (exponential backtracking), a 5,000-deep filter (RangeError), a wide
 * filter (MAX_PARAMETERS_EXCEEDED), a 1 MB OR-filter (seconds of SQL), a bad cursor (22007).
 * Each now ends with a typed error or a bounded result within 100 ms of event-loop time.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { withSettings } from '../src/db.js';
import { LimitError, ValidationError } from '../src/queries/errors.js';
import { appendRevision, createDocument, diffRevisions } from '../src/queries/documents.js';
import { checkFilterLimits, searchSimilar } from '../src/queries/search.js';
import {
  createDeliverable,
  createDeliverableSchema,
  createTask,
  reviewQueue,
  startTask,
  submitVersion,
} from '../src/queries/tasks.js';
import { listSessions } from '../src/queries/conversations.js';
import { listAuditLog } from '../src/queries/compliance.js';
import { DEFAULT_LIMITS } from '../src/settings.js';
import * as s from '../src/schema/index.js';
import { rejectsWith } from './support/expect.js';
import { createWorld, unitVector, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

/** Runs `fn`; its outcome and the longest event-loop stall seen meanwhile (ms). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; maxMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let value: T | undefined;
  let error: unknown;
  try {
    value = await fn();
  } catch (e) {
    error = e;
  } finally {
    h.disable();
  }
  // the histogram's delays include the sampling resolution
  return { value, error, maxMs: h.max / 1e6 - 5 };
}

describe('diff worker', () => {
  it('an abandoned diff whose worker later runs out of memory is not an uncaught exception', async () => {
    const { boundedDiff } = await import('../src/queries/diff.js');
    const n = 60_000;
    const a = { xs: Array.from({ length: n }, (_, i) => i) };
    const b = { xs: Array.from({ length: n }, (_, i) => -i) };
    for (const limits of [
      { ...DEFAULT_LIMITS, diffMs: 150, diffHeapMb: 32 },
      { ...DEFAULT_LIMITS, diffMs: 5_000, diffHeapMb: 16 },
    ]) {
      const err = await boundedDiff({ a, b, textA: '', textB: '', nameA: 'a', nameB: 'b' }, limits).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitError);
    }
    // late events of terminated workers arrive now, if at all; vitest fails the run on an uncaught one
    await new Promise((r) => setTimeout(r, 1500));
  }, 30_000);
});

describe('metadata filter limits (checked before validation)', () => {
  it('a 5,000-deep filter is a LimitError, not a RangeError', () => {
    let f: unknown = { exists: 'x' };
    for (let i = 0; i < 5000; i++) f = { not: f };
    expect(() => checkFilterLimits(f, DEFAULT_LIMITS)).toThrow(LimitError);
    try {
      checkFilterLimits(f, DEFAULT_LIMITS);
    } catch (e) {
      expect((e as LimitError).limit).toBe('limits.filterDepth');
    }
  });
  it('a wide filter (32 × 32 ors) is a LimitError on nodes, before any SQL parameter is made', () => {
    const f = { or: Array.from({ length: 32 }, () => ({ or: Array.from({ length: 32 }, (_, i) => ({ eq: ['k', i] })) })) };
    expect(() => checkFilterLimits(f, DEFAULT_LIMITS)).toThrow(/limits.filterNodes/);
  });
  it('a 1 MB OR-filter is a LimitError on bytes', () => {
    const f = { or: Array.from({ length: 30 }, (_, i) => ({ in: ['k', Array.from({ length: 1000 }, (_, j) => `v${i}-${j}-${'x'.repeat(20)}`)] })) };
    expect(JSON.stringify(f).length).toBeGreaterThan(800_000);
    expect(() => checkFilterLimits(f, DEFAULT_LIMITS)).toThrow(/limits.filterBytes/);
  });
});

describeBackends('bounded work', (t) => {
  let w: World;
  const admin = () => ({ userId: w.users.admin, tenantId: w.tenantA });
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  const twoRevisions = async (a: unknown, b: unknown) =>
    withActor(t().db, admin(), async (tx) => {
      const { document } = await createDocument(tx, {
        tenantId: w.tenantA,
        projectId: w.projectA,
        kind: 'other',
        title: 'big',
        content: a,
      });
      await appendRevision(tx, { tenantId: w.tenantA, documentId: document.id, expectedRev: 1, content: b });
      return document.id;
    });

  it('diffs an array item that becomes null (was a TypeError)', async () => {
    const id = await twoRevisions({ list: [{ id: 'x' }] }, { list: [null] });
    const d = await withActor(t().db, admin(), (tx) => diffRevisions(tx, { tenantId: w.tenantA, documentId: id, from: 1, to: 2 }));
    expect(d.patch.length).toBeGreaterThan(0);
    const back = await withActor(t().db, admin(), (tx) => diffRevisions(tx, { tenantId: w.tenantA, documentId: id, from: 2, to: 1 }));
    expect(back.patch.length).toBeGreaterThan(0);
  });

  it('a 100,000-element array diff ends in a typed error or a result, with the event loop free', async () => {
    const n = 100_000;
    const id = await twoRevisions(
      { xs: Array.from({ length: n }, (_, i) => i) },
      { xs: Array.from({ length: n }, (_, i) => n - i) },
    );
    const r = await measured(() =>
      withActor(t().db, admin(), (tx) => diffRevisions(tx, { tenantId: w.tenantA, documentId: id, from: 1, to: 2 })),
    );
    console.log(`[bounded] 100k-element diff [${t().backend}]: ${r.error ? (r.error as Error).message : `${r.value!.patch.length} ops`}, longest stall ${r.maxMs.toFixed(1)} ms`);
    if (r.error) {
      expect(r.error).toBeInstanceOf(LimitError);
      expect((r.error as LimitError).limit).toMatch(/^limits\.diff(Ms|HeapMb)$/);
    } else expect(r.value!.patch.length).toBeGreaterThan(0);
    if (t().backend === 'server') expect(r.maxMs).toBeLessThan(100); // PGlite runs SQL on this thread
  });

  it('a 1 MB diff ends in a result or a typed error, with the event loop free; over diffBytes is refused first', async () => {
    const big = (k: string) => ({ sections: Array.from({ length: 5000 }, (_, i) => ({ id: `s${i}`, text: `${k} ${'y'.repeat(180)} ${i}` })) });
    const id = await twoRevisions(big('a'), big('b'));
    const r = await measured(() =>
      withActor(t().db, admin(), (tx) => diffRevisions(tx, { tenantId: w.tenantA, documentId: id, from: 1, to: 2 })),
    );
    console.log(`[bounded] 1 MB diff [${t().backend}]: ${r.error ? (r.error as Error).message : `${r.value!.patch.length} ops`}, longest stall ${r.maxMs.toFixed(1)} ms`);
    if (r.error) expect(r.error).toBeInstanceOf(LimitError);
    else expect(r.value!.patch.length).toBe(5000);
    if (t().backend === 'server') expect(r.maxMs).toBeLessThan(100);
    const small = withSettings(t().db, { limits: { diffBytes: 100_000 } });
    const e = await rejectsWith(
      withActor(small, admin(), (tx) => diffRevisions(tx, { tenantId: w.tenantA, documentId: id, from: 1, to: 2 })),
      LimitError,
    );
    expect(e.limit).toBe('limits.diffBytes');
  });

  it('a catastrophic pattern in a tenant admin’s schema runs in linear time; unsupported patterns are refused on save', async () => {
    const schema = await withActor(t().db, admin(), (tx) =>
      createDeliverableSchema(tx, {
        tenantId: w.tenantA,
        name: 'redos',
        outputSchema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } },
      }),
    );
    await rejectsWith(
      withActor(t().db, admin(), (tx) =>
        createDeliverableSchema(tx, {
          tenantId: w.tenantA,
          name: 'backref',
          outputSchema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a)\\1$' } } },
        }),
      ),
      ValidationError,
    );
    const tight = withSettings(t().db, { limits: { patternLength: 10 } });
    await rejectsWith(
      withActor(tight, admin(), (tx) =>
        createDeliverableSchema(tx, {
          tenantId: w.tenantA,
          name: 'long',
          outputSchema: { properties: { c: { type: 'string', pattern: 'a'.repeat(11) } } },
        }),
      ),
      LimitError,
    );
    const deliverable = await withActor(t().db, admin(), (tx) =>
      createDeliverable(tx, { tenantId: w.tenantA, projectId: w.projectA, name: 'D', type: 'other', schemaId: schema.id }),
    );
    const task = await withActor(t().db, admin(), (tx) =>
      createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, deliverableId: deliverable.id, title: 'T', assigneeId: w.users.member }),
    );
    const member = { userId: w.users.member, tenantId: w.tenantA };
    await withActor(t().db, member, (tx) => startTask(tx, { tenantId: w.tenantA, taskId: task.id }));
    const started = Date.now();
    const r = await measured(() =>
      withActor(t().db, member, (tx) =>
        submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { code: `${'a'.repeat(40)}!` } }),
      ),
    );
    console.log(`[bounded] ^(a+)+$ on 41 characters [${t().backend}]: ${Date.now() - started} ms, longest stall ${r.maxMs.toFixed(1)} ms`);
    expect(r.error).toBeInstanceOf(ValidationError);
    expect(Date.now() - started).toBeLessThan(2000);
    if (t().backend === 'server') expect(r.maxMs).toBeLessThan(100);
  });

  it('search filters over the limits are LimitErrors before any SQL', async () => {
    const [m] = await t().db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'm', dimensions: 8 }).returning();
    let deep: unknown = { exists: 'x' };
    for (let i = 0; i < 5000; i++) deep = { not: deep };
    const e = await rejectsWith(
      withActor(t().db, admin(), (tx) =>
        searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: unitVector(8, 1), filters: { metadata: deep as never } }),
      ),
      LimitError,
    );
    expect(e.limit).toBe('limits.filterDepth');
    const wideOr = { or: Array.from({ length: 30 }, (_, i) => ({ in: ['k', Array.from({ length: 1000 }, (_, j) => `v${i}-${j}-${'x'.repeat(20)}`)] })) };
    const r = await measured(() =>
      withActor(t().db, admin(), (tx) =>
        searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: unitVector(8, 1), filters: { metadata: wideOr as never } }),
      ),
    );
    expect(r.error).toBeInstanceOf(LimitError);
    expect(r.maxMs).toBeLessThan(100);
  });

  it('malformed keyset cursors are ValidationErrors, not SQLSTATE 22007', async () => {
    for (const bad of ['yesterday', '2026-13-01 00:00:00+00', "2026-01-01'; drop table x; --"]) {
      await rejectsWith(
        withActor(t().db, admin(), (tx) => reviewQueue(tx, { tenantId: w.tenantA, after: { submittedAt: bad, taskId: w.tenantA } })),
        ValidationError,
      );
      await rejectsWith(
        withActor(t().db, admin(), (tx) => listSessions(tx, { tenantId: w.tenantA, after: { lastActivityAt: bad, id: w.tenantA } })),
        ValidationError,
      );
      await rejectsWith(
        withActor(t().db, admin(), (tx) => listAuditLog(tx, { tenantId: w.tenantA, before: { createdAt: bad, id: w.tenantA } })),
        ValidationError,
      );
    }
    // the package's own cursors are accepted
    const page = await withActor(t().db, admin(), (tx) =>
      reviewQueue(tx, { tenantId: w.tenantA, after: { submittedAt: '2026-11-30 00:45:15.123456+00', taskId: w.tenantA } }),
    );
    expect(page.items).toEqual([]);
  });
});
