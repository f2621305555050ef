/** Task review: operations, the state machine (TypeScript and database), review rules, visibility, races. */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../src/queries/errors.js';
import {
  appendAgentLog,
  assignTask,
  computeRiskScore,
  createAgentTask,
  createDeliverable,
  createDeliverableSchema,
  createTask,
  listAgentLogs,
  reopenTask,
  reviewQueue,
  reviewVersion,
  startTask,
  submitVersion,
  taskHistory,
  updateAgentTask,
} from '../src/queries/tasks.js';
import * as s from '../src/schema/index.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('task review', (t) => {
  let w: World;
  let lead: string;
  let lead2: string;
  let schemaId: string;
  let deliverableId: string;
  const as = <T>(who: string, fn: Parameters<typeof withActor<T>>[2]) =>
    withActor(t().db, { userId: who, tenantId: w.tenantA }, fn);
  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    const mk = async (name: string) =>
      (
        await db
          .insert(s.users)
          .values({ email: `${name}-${w.tenantA.slice(0, 8)}@example.test` })
          .returning()
      )[0]!.id;
    lead = await mk('lead');
    lead2 = await mk('lead2');
    await db.insert(s.tenantMemberships).values([
      { tenantId: w.tenantA, userId: lead, role: 'member' },
      { tenantId: w.tenantA, userId: lead2, role: 'member' },
    ]);
    await db.insert(s.projectMembers).values([
      { tenantId: w.tenantA, projectId: w.projectA, userId: lead, role: 'lead' },
      { tenantId: w.tenantA, projectId: w.projectA, userId: lead2, role: 'reviewer' },
    ]).onConflictDoNothing();
    const schema = await as(w.users.admin, (tx) =>
      createDeliverableSchema(tx, {
        tenantId: w.tenantA,
        name: 'beam-check',
        outputSchema: {
          type: 'object',
          required: ['utilisation'],
          properties: { utilisation: { type: 'number', minimum: 0 } },
        },
        riskRules: [
          { path: 'utilisation', op: 'gt', value: 0.9, weight: 0.6 },
          { path: 'notes', op: 'missing', weight: 0.2 },
        ],
      }),
    );
    schemaId = schema.id;
    deliverableId = (
      await as(lead, (tx) =>
        createDeliverable(tx, {
          tenantId: w.tenantA,
          projectId: w.projectA,
          name: 'Beams',
          type: 'structural',
          schemaId,
        }),
      )
    ).id;
  });

  const newTask = (title = 'Check beam B1') =>
    as(lead, (tx) =>
      createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, deliverableId, title, assigneeId: w.users.member }),
    );

  it('runs a review round trip: create, start, submit, request changes, resubmit, approve', async () => {
    const task = await newTask();
    const key = { tenantId: w.tenantA, taskId: task.id };
    expect(task.status).toBe('pending');
    await as(w.users.member, (tx) => startTask(tx, key));
    const sub = await as(w.users.member, (tx) => submitVersion(tx, { ...key, outputData: { utilisation: 0.95 } }));
    expect(sub.version.version).toBe(1);
    expect(sub.version.riskScore).toBeCloseTo(0.8); // 0.6 (> 0.9) + 0.2 (no notes)
    expect(sub.task.status).toBe('awaiting_review');
    const r1 = await as(lead, (tx) =>
      reviewVersion(tx, { ...key, version: 1, decision: 'request_changes', comments: 'add notes' }),
    );
    expect(r1.task.status).toBe('awaiting_clarification');
    const sub2 = await as(w.users.member, (tx) =>
      submitVersion(tx, { ...key, outputData: { utilisation: 0.7, notes: 'ok' }, riskScore: 0.1 }),
    );
    expect(sub2.version).toMatchObject({ version: 2, riskScore: 0.1 });
    const r2 = await as(lead2, (tx) => reviewVersion(tx, { ...key, version: 2, decision: 'approve' }));
    expect(r2.task.status).toBe('completed');
    const h = await as(lead, (tx) => taskHistory(tx, key));
    expect(h.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(h.reviews.map((r) => [r.version, r.decision])).toEqual([
      [1, 'request_changes'],
      [2, 'approve'],
    ]);
    const transitions = h.events
      .filter((e) => e.kind === 'status_changed')
      .map((e) => `${e.fromStatus}->${e.toStatus}`);
    expect(transitions).toEqual([
      'pending->in_progress',
      'in_progress->awaiting_review',
      'awaiting_review->awaiting_clarification',
      'awaiting_clarification->awaiting_review',
      'awaiting_review->completed',
    ]);
    expect(h.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['created', 'assigned', 'submitted', 'reviewed']),
    );
    expect(h.events.find((e) => e.kind === 'reviewed' && e.version === 1)?.note).toBe('request_changes: add notes');
    expect(h.events.filter((e) => e.kind === 'status_changed').every((e) => e.actorId)).toBe(true);
    // rejected tasks are reopened; completed ones too
    await as(lead, (tx) => reopenTask(tx, key));
  });

  it('validates the output against the deliverable schema, writing nothing on failure', async () => {
    const task = await newTask();
    const key = { tenantId: w.tenantA, taskId: task.id };
    const err = await rejectsWith(
      as(w.users.member, (tx) => submitVersion(tx, { ...key, outputData: { utilisation: -1 } })),
      ValidationError,
    );
    expect(err.issues[0]!.path).toEqual(['outputData', 'utilisation']);
    await rejectsWith(
      as(w.users.member, (tx) => submitVersion(tx, { ...key, outputData: { utilisation: 'x' }, riskScore: 2 })),
      ValidationError,
    );
    const [after] = await t()
      .db.select()
      .from(s.tasks)
      .where(sql`id = ${task.id}`);
    expect(after).toMatchObject({ status: 'pending', currentVersion: 0 });
    await rejectsWith(
      as(w.users.admin, (tx) =>
        createDeliverableSchema(tx, { tenantId: w.tenantA, name: 'bad', outputSchema: { type: 'not-a-type' } }),
      ),
      ValidationError,
    );
  });

  it('refuses stale versions, self-review, reviewers without the role, and double decisions', async () => {
    const task = await newTask();
    const key = { tenantId: w.tenantA, taskId: task.id };
    await as(w.users.member, (tx) => submitVersion(tx, { ...key, outputData: { utilisation: 0.5 } }));
    await as(lead, (tx) => reviewVersion(tx, { ...key, version: 1, decision: 'request_changes' }));
    await as(w.users.member, (tx) => submitVersion(tx, { ...key, outputData: { utilisation: 0.4 } }));
    const stale = await rejectsWith(
      as(lead, (tx) => reviewVersion(tx, { ...key, version: 1, decision: 'approve' })),
      ConflictError,
    );
    expect(stale.current).toEqual({ version: 2 });
    // the author (even when also a tenant admin) cannot review their own version
    await t()
      .db.update(s.tenantMemberships)
      .set({ role: 'admin' })
      .where(sql`user_id = ${w.users.member} and tenant_id = ${w.tenantA}`);
    await rejectsWith(
      as(w.users.member, (tx) => reviewVersion(tx, { ...key, version: 2, decision: 'approve' })),
      ForbiddenError,
    );
    await t()
      .db.update(s.tenantMemberships)
      .set({ role: 'member' })
      .where(sql`user_id = ${w.users.member} and tenant_id = ${w.tenantA}`);
    // the project viewer may not review; neither may the tenant viewer
    await rejectsWith(
      as(w.users.viewer, (tx) => reviewVersion(tx, { ...key, version: 2, decision: 'approve' })),
      NotFoundError,
    );
    // nothing was written by the refusals
    const revs = await t()
      .db.select()
      .from(s.reviews)
      .where(sql`task_id = ${task.id}`);
    expect(revs).toHaveLength(1);
    // the database refuses a raw review by the author, too
    await rejectsWith(
      as(w.users.member, (tx) =>
        tx.insert(s.reviews).values({
          tenantId: w.tenantA,
          taskId: task.id,
          projectId: w.projectA,
          version: 2,
          reviewerId: w.users.member,
          decision: 'approve',
        }),
      ),
      ForbiddenError,
    );
    await as(lead, (tx) => reviewVersion(tx, { ...key, version: 2, decision: 'reject' }));
    await rejectsWith(
      as(lead2, (tx) => reviewVersion(tx, { ...key, version: 2, decision: 'approve' })),
      InvalidTransitionError,
    );
  });

  it('enforces the state machine in TypeScript and in the database', async () => {
    const task = await newTask();
    const key = { tenantId: w.tenantA, taskId: task.id };
    const e = await rejectsWith(
      as(lead, (tx) => reopenTask(tx, key)),
      InvalidTransitionError,
    );
    expect(e.from).toBe('pending');
    await as(w.users.member, (tx) => startTask(tx, key));
    await rejectsWith(
      as(w.users.member, (tx) => startTask(tx, key)),
      InvalidTransitionError,
    );
    await rejectsWith(
      as(w.users.member, (tx) => tx.execute(sql`update tasks set status = 'completed' where id = ${task.id}`)),
      InvalidTransitionError,
    );
    const [row] = await t()
      .db.select()
      .from(s.tasks)
      .where(sql`id = ${task.id}`);
    expect(row!.status).toBe('in_progress');
  });

  it("follows seed 000's visibility: the assignee and the project's leads/reviewers see a task, others do not", async () => {
    const task = await newTask('Visible?');
    const sees = async (who: string) =>
      (
        await as(who, (tx) =>
          tx
            .select({ id: s.tasks.id })
            .from(s.tasks)
            .where(sql`id = ${task.id}`),
        )
      ).length === 1;
    expect(await sees(w.users.member)).toBe(true); // assignee
    expect(await sees(lead)).toBe(true); // project lead
    expect(await sees(lead2)).toBe(true); // project reviewer
    expect(await sees(w.users.admin)).toBe(true); // tenant admin
    expect(await sees(w.users.viewer)).toBe(false); // project viewer, not assigned
    expect(
      await withActor(t().db, { userId: w.users.outsider, tenantId: w.tenantB }, (tx) =>
        tx
          .select()
          .from(s.tasks)
          .where(sql`id = ${task.id}`),
      ),
    ).toEqual([]);
    // reassigning moves visibility and is recorded
    await as(lead, (tx) =>
      assignTask(tx, { tenantId: w.tenantA, taskId: task.id, assigneeId: w.users.viewer, note: 'handover' }),
    );
    expect(await sees(w.users.viewer)).toBe(true);
    expect(await sees(w.users.member)).toBe(false);
  });

  it('builds the review queue for a reviewer: oldest first, keyset-paginated, never their own work', async () => {
    const [p] = await t().db.insert(s.projects).values({ tenantId: w.tenantA, name: 'Queue' }).returning();
    await t()
      .db.insert(s.projectMembers)
      .values([
        { tenantId: w.tenantA, projectId: p!.id, userId: lead, role: 'lead' },
        { tenantId: w.tenantA, projectId: p!.id, userId: w.users.member, role: 'contributor' },
      ]).onConflictDoNothing();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const task = await as(lead, (tx) =>
        createTask(tx, {
          tenantId: w.tenantA,
          projectId: p!.id,
          title: `q${i}`,
          assigneeId: i === 4 ? lead : w.users.member,
        }),
      );
      await as(i === 4 ? lead : w.users.member, (tx) =>
        submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { i } }),
      );
      ids.push(task.id);
    }
    const seen: string[] = [];
    let after: { submittedAt: string; taskId: string } | undefined;
    do {
      const page = await as(lead, (tx) =>
        reviewQueue(tx, { tenantId: w.tenantA, projectId: p!.id, limit: 2, ...(after ? { after } : {}) }),
      );
      seen.push(...page.items.map((x) => x.taskId));
      after = page.next;
    } while (after);
    expect(seen).toEqual(ids.slice(0, 4)); // the lead's own submission (q4) is not in their queue
    const forMember = await as(w.users.member, (tx) => reviewQueue(tx, { tenantId: w.tenantA, projectId: p!.id }));
    expect(forMember.items).toEqual([]); // a contributor reviews nothing
    const first = (await as(lead, (tx) => reviewQueue(tx, { tenantId: w.tenantA, projectId: p!.id, limit: 1 })))
      .items[0]!;
    expect(first).toMatchObject({ title: 'q0', version: 1, projectId: p!.id });
  });

  it('keeps agent tasks to their owner, with progress 0..100 and an append-only log', async () => {
    const at = await as(w.users.member, (tx) =>
      createAgentTask(tx, { tenantId: w.tenantA, prompt: 'Fix the login bug', repoUrl: 'https://git.example/repo' }),
    );
    expect(at.userId).toBe(w.users.member);
    const key = { tenantId: w.tenantA, taskId: at.id };
    for (const message of ['cloning', 'analysing', 'patching'])
      await as(w.users.member, (tx) => appendAgentLog(tx, { ...key, message }));
    const logs = await as(w.users.member, (tx) => listAgentLogs(tx, { ...key, limit: 2 }));
    expect(logs.items.map((l) => [l.seq, l.message])).toEqual([
      [1, 'cloning'],
      [2, 'analysing'],
    ]);
    expect(
      (await as(w.users.member, (tx) => listAgentLogs(tx, { ...key, afterSeq: logs.next! }))).items.map((l) => l.seq),
    ).toEqual([3]);
    expect(
      (await as(w.users.member, (tx) => updateAgentTask(tx, { ...key, progress: 60, status: 'processing' }))).progress,
    ).toBe(60);
    await rejectsWith(
      as(w.users.member, (tx) => updateAgentTask(tx, { ...key, progress: 101 })),
      ValidationError,
    );
    await rejectsWith(
      as(w.users.admin, (tx) => appendAgentLog(tx, { ...key, message: 'not mine' })),
      NotFoundError,
    );
    await rejectsWith(
      as(w.users.member, (tx) => tx.execute(sql`update agent_task_logs set message = 'x' where task_id = ${at.id}`)),
      ForbiddenError,
    );
  });
});

describeBackends(
  'task review races',
  (t) => {
    it('lets exactly one of two racing reviewers decide; the other gets a typed error', async () => {
      const { db } = t();
      const w = await createWorld(db);
      const mk = async (n: string) =>
        (
          await db
            .insert(s.users)
            .values({ email: `${n}-${w.tenantA.slice(0, 8)}@race.test` })
            .returning()
        )[0]!.id;
      const r1 = await mk('r1');
      const r2 = await mk('r2');
      await db.insert(s.tenantMemberships).values([
        { tenantId: w.tenantA, userId: r1, role: 'member' },
        { tenantId: w.tenantA, userId: r2, role: 'member' },
      ]);
      await db.insert(s.projectMembers).values([
        { tenantId: w.tenantA, projectId: w.projectA, userId: r1, role: 'reviewer' },
        { tenantId: w.tenantA, projectId: w.projectA, userId: r2, role: 'reviewer' },
      ]).onConflictDoNothing();
      const pool = await t().connect(4);
      for (let round = 0; round < 10; round++) {
        const task = await withActor(db, { userId: w.users.admin, tenantId: w.tenantA }, (tx) =>
          createTask(tx, {
            tenantId: w.tenantA,
            projectId: w.projectA,
            title: `race ${round}`,
            assigneeId: w.users.member,
          }),
        );
        await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
          submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { round } }),
        );
        const results = await Promise.allSettled(
          [
            [r1, 'approve'],
            [r2, 'reject'],
          ].map(([who, decision]) =>
            withActor(pool, { userId: who!, tenantId: w.tenantA }, (tx) =>
              reviewVersion(tx, {
                tenantId: w.tenantA,
                taskId: task.id,
                version: 1,
                decision: decision as 'approve' | 'reject',
              }),
            ),
          ),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).toHaveLength(1);
        expect(failed[0]!.reason).toBeInstanceOf(InvalidTransitionError);
        const revs = rowsOf<{ n: number }>(
          await db.execute(sql`select count(*)::int as n from reviews where task_id = ${task.id}`),
        );
        expect(revs[0]!.n).toBe(1);
        const [row] = await db
          .select()
          .from(s.tasks)
          .where(sql`id = ${task.id}`);
        expect(['completed', 'rejected']).toContain(row!.status);
      }
    });
  },
  { serverOnly: 'needs two concurrent connections (PGlite has one)' },
);

describe('computeRiskScore', () => {
  it('adds the weights of matching rules, capped at 1', () => {
    const rules = [
      { path: 'a.b', op: 'gt' as const, value: 1, weight: 0.5 },
      { path: 'c', op: 'exists' as const, weight: 0.7 },
      { path: 'd', op: 'eq' as const, value: 'x', weight: 0.1 },
    ];
    expect(computeRiskScore({ a: { b: 2 } }, rules)).toBe(0.5);
    expect(computeRiskScore({ a: { b: 2 }, c: null }, rules)).toBe(1);
    expect(computeRiskScore({ d: 'x' }, rules)).toBe(0.1);
    expect(computeRiskScore({}, [])).toBe(0);
  });
});
