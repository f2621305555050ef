/**
 * Faults (server): the backend running an operation is terminated — while the operation
 * waits on a lock it needs (a point inside it), and after seeded random delays (any point) —
 * in appendRevision, submitVersion, reviewVersion, ingestChunks and consumeCredits (the GDPR
 * purge has its own in compliance.test.ts). Afterwards there is no partial state, and a
 * retry completes exactly once. Lock and statement timeouts surface as TimeoutError.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import { createDb, type Db } from '../src/db.js';
import { appendRevision, createDocument } from '../src/queries/documents.js';
import { ConflictError, InvalidTransitionError, TimeoutError } from '../src/queries/errors.js';
import { consumeCredits, grantCredits } from '../src/queries/metering.js';
import { ingestChunks } from '../src/queries/search.js';
import { createTask, reviewVersion, startTask, submitVersion } from '../src/queries/tasks.js';
import * as s from '../src/schema/index.js';
import { mulberry32 } from '../bench/lib.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';
import { backendOf } from './support/server.js';

const ROOT = join(import.meta.dirname, '..');
const SEED = Number(process.env.FAULT_SEED ?? 7);

describeBackends(
  'faults',
  (t) => {
    let w: World;
    let n = 0;
    const member = () => ({ userId: w.users.member, tenantId: w.tenantA });
    const owner = () => ({ userId: w.users.owner, tenantId: w.tenantA });
    const one = async <T>(q: SQL) => rowsOf<T>(await t().db.execute(q))[0]!;

    beforeAll(async () => {
      w = await createWorld(t().db);
      await t()
        .db.insert(s.projectMembers)
        .values({ tenantId: w.tenantA, projectId: w.projectA, userId: w.users.owner, role: 'lead' }).onConflictDoNothing();
    });

    /** Runs `op` in a child process; resolves when it exits. */
    function victim(op: string, params: unknown, actor?: { userId: string; tenantId: string }) {
      const app = `fault-victim-${process.pid}-${n++}`;
      const child = spawn(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        [join(ROOT, 'tests/support/fault-victim.ts'), JSON.stringify({ url: t().url, app, op, params, actor })],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      const done = new Promise<{ code: number | null; out: string }>((resolve) =>
        child.on('exit', (code) => resolve({ code, out })),
      );
      return { app, done };
    }

    const pidOf = (app: string, waitingOnLock: boolean) => backendOf(t().db, app, waitingOnLock);

    /** Kills the victim while it waits on the lock `lock` holds (a point inside the operation). */
    async function killAtLock(lock: SQL, op: string, params: unknown, actor?: { userId: string; tenantId: string }) {
      const blocker: Db = await t().connect(1);
      await blocker.execute(sql`begin`);
      await blocker.execute(lock);
      const v = victim(op, params, actor);
      const pid = await pidOf(v.app, true);
      expect(pid, `${op} never waited on the lock`).toBeDefined();
      await t().db.execute(sql`select pg_terminate_backend(${pid!}::int)`);
      await blocker.execute(sql`rollback`);
      const res = await v.done;
      expect(res.code, `${op} should have died`).not.toBe(0);
    }

    /** Kills the victim's backend after `ms` (it may have finished by then). */
    async function killAfter(ms: number, op: string, params: unknown, actor?: { userId: string; tenantId: string }) {
      const v = victim(op, params, actor);
      const pid = await pidOf(v.app, false);
      await new Promise((r) => setTimeout(r, ms));
      if (pid) await t().db.execute(sql`select pg_terminate_backend(${pid}::int)`);
      return v.done;
    }
    const delays = () => {
      const rand = mulberry32(SEED);
      return [0, 1, 2].map(() => Math.floor(rand() * 40));
    };

    it('appendRevision: killed inside, nothing half-written; the retry appends once', async () => {
      const { document } = await withActor(t().db, member(), (tx) =>
        createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'F', content: { n: 1 } }),
      );
      const params = { tenantId: w.tenantA, documentId: document.id, expectedRev: 1, content: { n: 2 } };
      await killAtLock(
        sql`select 1 from documents where id = ${document.id} for update`,
        'appendRevision',
        params,
        member(),
      );
      const state = async () =>
        one<{ revs: number; cur: number }>(
          sql`select (select count(*)::int from document_revisions where document_id = ${document.id}) as revs,
                     (select current_rev from documents where id = ${document.id}) as cur`,
        );
      expect(await state()).toEqual({ revs: 1, cur: 1 });
      expect(await withActor(t().db, member(), (tx) => appendRevision(tx, params))).toMatchObject({
        rev: 2,
        created: true,
      });
      // a second retry of the same change is recognised: same content, nothing written
      expect(await withActor(t().db, member(), (tx) => appendRevision(tx, params))).toMatchObject({
        rev: 2,
        created: false,
      });
      await rejectsWith(
        withActor(t().db, member(), (tx) => appendRevision(tx, { ...params, content: { n: 3 } })),
        ConflictError,
      );
      // any point: killed or not, the revision is there at most once, and a blind retry makes it exactly once
      for (const [i, ms] of delays().entries()) {
        const content = { n: 10 + i };
        await killAfter(ms, 'appendRevision', { tenantId: w.tenantA, documentId: document.id, content }, member());
        const before = await state();
        expect(before.revs).toBe(before.cur);
        await withActor(t().db, member(), (tx) =>
          appendRevision(tx, { tenantId: w.tenantA, documentId: document.id, content }),
        );
        const copies = await one<{ n: number }>(
          sql`select count(*)::int as n from document_revisions where document_id = ${document.id} and content = ${JSON.stringify(content)}::jsonb`,
        );
        expect(copies.n).toBe(1);
      }
      const revs = rowsOf<{ rev: number }>(
        await t().db.execute(sql`select rev from document_revisions where document_id = ${document.id} order by rev`),
      ).map((r) => r.rev);
      expect(revs).toEqual(Array.from({ length: revs.length }, (_, i) => i + 1));
    });

    it('submitVersion and reviewVersion: killed inside, no version, review or event half-written; retries once', async () => {
      const task = await withActor(t().db, owner(), (tx) =>
        createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'F', assigneeId: w.users.member }),
      );
      await withActor(t().db, member(), (tx) => startTask(tx, { tenantId: w.tenantA, taskId: task.id }));
      const state = () =>
        one<{ status: string; cur: number; versions: number; reviews: number; events: number }>(
          sql`select t.status::text, t.current_version as cur,
                     (select count(*)::int from task_versions v where v.task_id = t.id) as versions,
                     (select count(*)::int from reviews r where r.task_id = t.id) as reviews,
                     (select count(*)::int from task_events e where e.task_id = t.id) as events
              from tasks t where t.id = ${task.id}`,
        );
      const s0 = await state();
      const submit = { tenantId: w.tenantA, taskId: task.id, outputData: { ok: true } };
      await killAtLock(sql`select 1 from tasks where id = ${task.id} for update`, 'submitVersion', submit, member());
      expect(await state()).toEqual(s0);
      await withActor(t().db, member(), (tx) => submitVersion(tx, submit));
      await rejectsWith(
        withActor(t().db, member(), (tx) => submitVersion(tx, submit)),
        InvalidTransitionError,
      );
      const s1 = await state();
      expect(s1).toMatchObject({ status: 'awaiting_review', cur: 1, versions: 1 });
      const review = { tenantId: w.tenantA, taskId: task.id, version: 1, decision: 'approve' as const };
      await killAtLock(sql`select 1 from tasks where id = ${task.id} for update`, 'reviewVersion', review, owner());
      expect(await state()).toEqual(s1);
      await withActor(t().db, owner(), (tx) => reviewVersion(tx, review));
      await rejectsWith(
        withActor(t().db, owner(), (tx) => reviewVersion(tx, review)),
        InvalidTransitionError,
      );
      expect(await state()).toMatchObject({ status: 'completed', versions: 1, reviews: 1 });
    });

    it('ingestChunks: killed inside or at any point, all chunks or none; the retry fills in exactly once', async () => {
      const model = (
        await t().db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'f-8', dimensions: 8 }).returning()
      )[0]!.id;
      const chunks = (src: string) =>
        Array.from({ length: 300 }, (_, i) => ({
          sourceType: 'manual' as const,
          sourceId: src,
          chunkIndex: i,
          content: `c${i}`,
          embedding: Array.from({ length: 8 }, (_, j) => Math.cos(i * 8 + j) + 1.5),
        }));
      const count = async (src: string) =>
        (await one<{ n: number }>(sql`select count(*)::int as n from chunks where source_id = ${src}`)).n;
      const src0 = '00000000-0000-4000-8000-00000000f000';
      const params = { tenantId: w.tenantA, modelId: model, chunks: chunks(src0), batchSize: 100 };
      await killAtLock(
        sql`select 1 from embedding_models where id = ${model} for update`,
        'ingestChunks',
        params,
        member(),
      );
      expect(await count(src0)).toBe(0);
      expect(await withActor(t().db, member(), (tx) => ingestChunks(tx, params))).toMatchObject({ inserted: 300 });
      for (const [i, ms] of delays().entries()) {
        const src = `00000000-0000-4000-8000-00000000f00${i + 1}`;
        const p = { tenantId: w.tenantA, modelId: model, chunks: chunks(src), batchSize: 100 };
        await killAfter(ms, 'ingestChunks', p, member());
        expect([0, 300]).toContain(await count(src));
        const r = await withActor(t().db, member(), (tx) => ingestChunks(tx, p));
        expect(r.inserted + r.skipped).toBe(300);
        expect(await count(src)).toBe(300);
      }
    });

    it('consumeCredits: killed inside, nothing consumed; at any point, balance and consumption stay consistent', async () => {
      await withService(t().db, (tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, add: 5 }));
      const bal = () =>
        one<{ remaining: number; consumed: number }>(
          sql`select remaining, consumed::int from credit_balances where tenant_id = ${w.tenantA} and user_id = ${w.users.member}`,
        );
      const params = { tenantId: w.tenantA, userId: w.users.member, amount: 1 };
      await killAtLock(
        sql`select 1 from credit_balances where tenant_id = ${w.tenantA} and user_id = ${w.users.member} for update`,
        'consumeCredits',
        params,
        member(),
      );
      expect(await bal()).toEqual({ remaining: 5, consumed: 0 });
      expect(await withActor(t().db, member(), (tx) => consumeCredits(tx, params))).toEqual({ remaining: 4 });
      for (const ms of delays()) {
        const before = await bal();
        await killAfter(ms, 'consumeCredits', params, member());
        const after = await bal();
        expect(before.remaining - after.remaining).toBe(after.consumed - before.consumed);
        expect([0, 1]).toContain(after.consumed - before.consumed);
      }
    });

    it('turns lock and statement timeouts into TimeoutError instead of hanging', async () => {
      const { document } = await withActor(t().db, member(), (tx) =>
        createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'T', content: { n: 1 } }),
      );
      const blocker: Db = await t().connect(1);
      await blocker.execute(sql`begin`);
      await blocker.execute(sql`select 1 from documents where id = ${document.id} for update`);
      // the handle's timeouts are what every actor transaction runs with (SET LOCAL)
      for (const timeouts of [{ lockMs: 200 }, { statementMs: 200, lockMs: 0 }]) {
        const db = await createDb(t().url!, { max: 1, timeouts });
        const started = Date.now();
        await rejectsWith(
          withActor(db, member(), (tx) =>
            appendRevision(tx, { tenantId: w.tenantA, documentId: document.id, content: { n: 9 } }),
          ),
          TimeoutError,
        );
        expect(Date.now() - started).toBeLessThan(5000);
        await db.close();
      }
      await blocker.execute(sql`rollback`);
    });
  },
  { serverOnly: 'kills backends and needs several connections (PGlite has one)' },
);
