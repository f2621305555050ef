/**
 * Isolation anomalies (server), explicitly interleaved on two connections: A does its
 * read-modify-write and holds its transaction open; B starts the conflicting one and must
 * wait for A (asserted from pg_stat_activity); A commits; B must then see A's write — no lost
 * update, no write skew — for every read-modify-write the package does: credits, quotas,
 * the current-revision pointer, review decisions, status workflows, task transitions,
 * purchase completion.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService, type Actor } from '../src/actor.js';
import { createDb, type AppTransaction, type Db } from '../src/db.js';
import { appendRevision, createDocument, setDocumentStatus } from '../src/queries/documents.js';
import {
  ConflictError,
  DbError,
  InsufficientCreditsError,
  InvalidTransitionError,
  QuotaExceededError,
} from '../src/queries/errors.js';
import { consumeCredits, grantCredits, recordTokenPurchase, recordUsageWithinQuota } from '../src/queries/metering.js';
import { createTask, reviewVersion, startTask, submitVersion } from '../src/queries/tasks.js';
import * as s from '../src/schema/index.js';
import { rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';
import { backendOf } from './support/server.js';

type Who = Actor | 'service';

describeBackends(
  'isolation anomalies',
  (t) => {
    let w: World;
    let n = 0;
    const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t().db.execute(q))[0]!;
    const run = <T>(db: Db, who: Who, fn: (tx: AppTransaction) => Promise<T>) =>
      who === 'service' ? withService(db, fn) : withActor(db, who, fn);

    beforeAll(async () => {
      w = await createWorld(t().db);
      await t()
        .db.insert(s.projectMembers)
        .values([
          { tenantId: w.tenantA, projectId: w.projectA, userId: w.users.owner, role: 'lead' },
          { tenantId: w.tenantA, projectId: w.projectA, userId: w.users.admin, role: 'reviewer' },
        ]).onConflictDoNothing();
    });

    /** A runs `first` and keeps its transaction open; B runs `second`; then A commits. */
    async function interleave<A, B>(
      a: { who: Who; fn: (tx: AppTransaction) => Promise<A> },
      b: { who: Who; fn: (tx: AppTransaction) => Promise<B> },
    ): Promise<{ a: A; bWaited: boolean; b: { ok: true; value: B } | { ok: false; error: unknown } }> {
      const tag = `iso-${process.pid}-${n++}`;
      const dbA = await createDb(t().url!, { max: 1, connection: { application_name: `${tag}-a` } });
      const dbB = await createDb(t().url!, { max: 1, connection: { application_name: `${tag}-b` } });
      try {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let ran!: (v: A) => void;
        let failed!: (e: unknown) => void;
        const aRan = new Promise<A>((res, rej) => ((ran = res), (failed = rej)));
        const aTx = run(dbA, a.who, async (tx) => {
          const v = await a.fn(tx);
          ran(v);
          await gate;
          return v;
        }).catch((e: unknown) => failed(e));
        const aValue = await aRan;
        const bTx = run(dbB, b.who, b.fn).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        const bWaited = (await backendOf(t().db, `${tag}-b`, true, 2000)) !== undefined;
        release();
        await aTx;
        return { a: aValue, bWaited, b: await bTx };
      } finally {
        await dbA.close();
        await dbB.close();
      }
    }
    const failedWith = (b: { ok: boolean; error?: unknown }, cls: abstract new (...args: never[]) => DbError) =>
      !b.ok && b.error instanceof cls;

    it('credits: no lost update, and the last credit is spent once (no write skew)', async () => {
      await withService(t().db, (tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, add: 10 }));
      const me = { userId: w.users.member, tenantId: w.tenantA };
      const spend = (amount: number) => ({
        who: me,
        fn: (tx: AppTransaction) => consumeCredits(tx, { tenantId: w.tenantA, userId: w.users.member, amount }),
      });
      const r1 = await interleave(spend(3), spend(4));
      expect(r1.bWaited).toBe(true);
      expect(r1.b).toMatchObject({ ok: true, value: { remaining: 3 } });
      const r2 = await interleave(spend(3), spend(1));
      expect(r2.bWaited).toBe(true);
      expect(failedWith(r2.b, InsufficientCreditsError)).toBe(true);
      expect(
        await one(
          sql`select remaining, consumed::int from credit_balances where tenant_id = ${w.tenantA} and user_id = ${w.users.member}`,
        ),
      ).toEqual({ remaining: 0, consumed: 10 });
    });

    it('quotas: two callers cannot both take the last of a quota', async () => {
      await t().db.insert(s.tenantQuotas).values({ tenantId: w.tenantB, maxTokensPerDay: 100 });
      const use = (tokens: number) => ({
        who: 'service' as const,
        fn: (tx: AppTransaction) =>
          recordUsageWithinQuota(tx, {
            event: { tenantId: w.tenantB, kind: 'chat', tokensIn: tokens },
            dimension: 'tokens',
          }),
      });
      const r = await interleave(use(60), use(60));
      expect(r.bWaited).toBe(true);
      expect(failedWith(r.b, QuotaExceededError)).toBe(true);
      const used = await one<{ n: number }>(
        sql`select coalesce(sum(tokens_in + tokens_out), 0)::int as n from usage_events where tenant_id = ${w.tenantB}`,
      );
      expect(used.n).toBe(60);
      const r2 = await interleave(use(30), use(10));
      expect(r2.b).toMatchObject({ ok: true, value: { used: 90, remaining: 0 } });
    });

    it('the current-revision pointer: a stale writer gets a conflict, blind writers both land, gapless', async () => {
      const me = { userId: w.users.member, tenantId: w.tenantA };
      const { document } = await withActor(t().db, me, (tx) =>
        createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'I', content: { v: 1 } }),
      );
      const append = (content: unknown, expectedRev?: number) => ({
        who: me,
        fn: (tx: AppTransaction) =>
          appendRevision(tx, { tenantId: w.tenantA, documentId: document.id, content, expectedRev }),
      });
      const r1 = await interleave(append({ v: 'a' }, 1), append({ v: 'b' }, 1));
      expect(r1.bWaited).toBe(true);
      expect(failedWith(r1.b, ConflictError)).toBe(true);
      const r2 = await interleave(append({ v: 'c' }), append({ v: 'd' }));
      expect(r2.b).toMatchObject({ ok: true, value: { rev: 4 } });
      const revs = rowsOf<{ rev: number }>(
        await t().db.execute(sql`select rev from document_revisions where document_id = ${document.id} order by rev`),
      ).map((x) => x.rev);
      expect(revs).toEqual([1, 2, 3, 4]);
      // status workflow: review -> approved and review -> draft race; the second sees the first's result
      const admin = { userId: w.users.admin, tenantId: w.tenantA };
      await withActor(t().db, admin, (tx) =>
        setDocumentStatus(tx, { tenantId: w.tenantA, documentId: document.id, status: 'review' }),
      );
      const status = (to: 'approved' | 'draft') => ({
        who: admin,
        fn: (tx: AppTransaction) => setDocumentStatus(tx, { tenantId: w.tenantA, documentId: document.id, status: to }),
      });
      const r3 = await interleave(status('approved'), status('draft'));
      expect(r3.bWaited).toBe(true);
      expect(failedWith(r3.b, InvalidTransitionError)).toBe(true);
    });

    it('review decisions and task transitions: one outcome each', async () => {
      const lead = { userId: w.users.owner, tenantId: w.tenantA };
      const member = { userId: w.users.member, tenantId: w.tenantA };
      const reviewer = { userId: w.users.admin, tenantId: w.tenantA };
      const task = await withActor(t().db, lead, (tx) =>
        createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'I', assigneeId: w.users.member }),
      );
      const start = {
        who: member,
        fn: (tx: AppTransaction) => startTask(tx, { tenantId: w.tenantA, taskId: task.id }),
      };
      const r0 = await interleave(start, start);
      expect(r0.bWaited).toBe(true);
      expect(failedWith(r0.b, InvalidTransitionError)).toBe(true);
      await withActor(t().db, member, (tx) =>
        submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { x: 1 } }),
      );
      const decide = (who: Actor, decision: 'approve' | 'reject') => ({
        who,
        fn: (tx: AppTransaction) => reviewVersion(tx, { tenantId: w.tenantA, taskId: task.id, version: 1, decision }),
      });
      const r = await interleave(decide(lead, 'approve'), decide(reviewer, 'reject'));
      expect(r.bWaited).toBe(true);
      expect(r.b.ok).toBe(false);
      expect((r.b as { error: unknown }).error).toBeInstanceOf(DbError);
      const state = await one<{ status: string; reviews: number }>(
        sql`select status::text, (select count(*)::int from reviews where task_id = ${task.id}) as reviews from tasks where id = ${task.id}`,
      );
      expect(state).toEqual({ status: 'completed', reviews: 1 });
    });

    it('purchase completion: a webhook delivered twice at once credits once', async () => {
      const complete = {
        who: 'service' as const,
        fn: (tx: AppTransaction) =>
          recordTokenPurchase(tx, {
            tenantId: w.tenantA,
            paymentIntentId: 'pi_race',
            tokenAmount: 700,
            pricePaid: 7,
            status: 'completed',
          }),
      };
      const r = await interleave(complete, complete);
      expect(r.bWaited).toBe(true);
      expect(r.b).toMatchObject({ ok: true, value: { additionalTokens: 700 } });
      expect(
        await one(sql`select additional_tokens::int as n from subscriptions where tenant_id = ${w.tenantA}`),
      ).toEqual({ n: 700 });
    });
  },
  { serverOnly: 'needs two connections (PGlite has one)' },
);
