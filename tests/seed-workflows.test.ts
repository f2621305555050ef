/**
 * The seed platforms as their users work (the parts built so far): a member who creates a
 * project is its owner and works in it at once (seeds 001, 003; before, every insert into it
 * was refused by RLS), a personal project is its owner's alone, and an agent task with logs
 * can be deleted with them (seed 002's clean-up by status; before: "agent_task_logs is
 * append-only: DELETE refused").
 */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import { recordUsage } from '../src/queries/metering.js';
import { createSession, appendMessage } from '../src/queries/conversations.js';
import { createDocument, createProjectVersion } from '../src/queries/documents.js';
import { AppendOnlyError, InvalidTransitionError } from '../src/queries/errors.js';
import { createProject } from '../src/queries/projects.js';
import {
  appendAgentLog,
  completeTask,
  createAgentTask,
  createTask,
  deleteAgentTasks,
  reviewVersion,
  startTask,
  submitVersion,
  updateAgentTask,
} from '../src/queries/tasks.js';
import { rows } from '../src/queries/util.js';
import * as s from '../src/schema/index.js';
import { rejectsWith, sqlState } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('seed workflows', (t) => {
  let w: World;
  const as = (who: keyof World['users']) => ({ userId: w.users[who], tenantId: w.tenantA });
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('a member who creates a project owns it and works in it: documents, tasks, chats, versions, members', async () => {
    const project = await withActor(t().db, as('member'), (tx) => createProject(tx, { tenantId: w.tenantA, name: 'Mine' }));
    const role = await rows<{ role: string }>(
      t().db,
      sql`select role::text from project_members where project_id = ${project.id} and user_id = ${w.users.member}`,
    );
    expect(role).toEqual([{ role: 'owner' }]);
    await withActor(t().db, as('member'), async (tx) => {
      await createDocument(tx, { tenantId: w.tenantA, projectId: project.id, kind: 'prd', title: 'PRD', content: {} });
      await createTask(tx, { tenantId: w.tenantA, projectId: project.id, title: 'first', assigneeId: w.users.member });
      const session = await createSession(tx, { tenantId: w.tenantA, projectId: project.id, title: 'chat' });
      await appendMessage(tx, { tenantId: w.tenantA, sessionId: session.id, role: 'user', content: 'hello' });
      await createProjectVersion(tx, { tenantId: w.tenantA, projectId: project.id, changeNote: 'v1' });
      await tx.insert(s.projectMembers).values({ tenantId: w.tenantA, projectId: project.id, userId: w.users.viewer, role: 'viewer' });
    });
    // the owner role cannot be granted by a raw insert of someone else
    expect(
      await sqlState(
        withActor(t().db, as('viewer'), (tx) =>
          tx.execute(sql`insert into project_members (tenant_id, project_id, user_id, role) values (${w.tenantA}, ${project.id}, ${w.users.viewer}, 'owner')`),
        ),
      ),
    ).toBeDefined();
  });

  it('a personal project is its owner’s alone: tenant admins and owners see and touch nothing in it', async () => {
    const mine = await withActor(t().db, as('member'), (tx) =>
      createProject(tx, { tenantId: w.tenantA, name: 'Notebook', isPersonal: true }),
    );
    const { document } = await withActor(t().db, as('member'), async (tx) => {
      const d = await createDocument(tx, { tenantId: w.tenantA, projectId: mine.id, kind: 'other', title: 'private', content: {} });
      const chat = await createSession(tx, { tenantId: w.tenantA, projectId: mine.id, title: 'private chat' });
      await appendMessage(tx, { tenantId: w.tenantA, sessionId: chat.id, role: 'user', content: 'a private thought' });
      await createTask(tx, { tenantId: w.tenantA, projectId: mine.id, title: 'private task', assigneeId: w.users.member });
      return d;
    });
    const count = (who: keyof World['users']) =>
      withActor(t().db, as(who), (tx) =>
        rows<{ n: number }>(
          tx,
          sql`select (select count(*)::int from projects where id = ${mine.id})
                   + (select count(*)::int from documents where project_id = ${mine.id})
                   + (select count(*)::int from document_revisions where project_id = ${mine.id})
                   + (select count(*)::int from tasks where project_id = ${mine.id})
                   + (select count(*)::int from chat_sessions where project_id = ${mine.id})
                   + (select count(*)::int from chat_messages m join chat_sessions c on c.id = m.session_id where c.project_id = ${mine.id})
                   + (select count(*)::int from chat_messages where content = 'a private thought')
                   + (select count(*)::int from chat_participants p where p.session_id in (select id from chat_sessions where project_id = ${mine.id}))
                   + (select count(*)::int from project_members where project_id = ${mine.id}) as n`,
        ),
      ).then((r) => r[0]!.n);
    expect(await count('member')).toBeGreaterThanOrEqual(9);
    for (const who of ['viewer', 'admin', 'owner'] as const) expect([who, await count(who)]).toEqual([who, 0]);
    // nor write into it: a document, a member, an edit
    for (const who of ['admin', 'owner'] as const) {
      expect(
        await sqlState(
          withActor(t().db, as(who), (tx) =>
            createDocument(tx, { tenantId: w.tenantA, projectId: mine.id, kind: 'other', title: 'x', content: {} }),
          ),
        ),
        who,
      ).toBeDefined();
      await withActor(t().db, as(who), (tx) => tx.update(s.documents).set({ title: 'taken' }).where(sql`id = ${document.id}`));
      await expect(
        withActor(t().db, as(who), (tx) =>
          tx.execute(sql`insert into project_members (tenant_id, project_id, user_id, role) values (${w.tenantA}, ${mine.id}, ${w.users[who]}, 'viewer')`),
        ),
      ).rejects.toThrow();
    }
    const [d] = await rows<{ title: string }>(t().db, sql`select title from documents where id = ${document.id}`);
    expect(d!.title).toBe('private');
    // the admin still reaches the tenant's other projects
    const shared = await withActor(t().db, as('admin'), (tx) =>
      rows<{ n: number }>(tx, sql`select count(*)::int as n from projects where id = ${w.projectA}`),
    );
    expect(shared[0]!.n).toBe(1);
  });

  it('seed 000 with two approvals: a version is accepted when two reviewers approved it, each once; one rejection moves it back', async () => {
    const { db } = t();
    // the project owner is the tenant owner; admin and owner review, member does the work
    const project = await withActor(db, as('owner'), (tx) =>
      createProject(tx, { tenantId: w.tenantA, name: 'Two keys', requiredApprovals: 2 }),
    );
    await withActor(db, as('owner'), async (tx) => {
      await tx.insert(s.projectMembers).values([
        { tenantId: w.tenantA, projectId: project.id, userId: w.users.member, role: 'contributor' },
        { tenantId: w.tenantA, projectId: project.id, userId: w.users.viewer, role: 'reviewer' },
      ]);
    });
    const submitted = async () => {
      const task = await withActor(db, as('owner'), (tx) =>
        createTask(tx, { tenantId: w.tenantA, projectId: project.id, title: 'Check', assigneeId: w.users.member }),
      );
      await withActor(db, as('member'), async (tx) => {
        await startTask(tx, { tenantId: w.tenantA, taskId: task.id });
        await submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { ok: true } });
      });
      return task.id;
    };
    const review = (who: keyof World['users'], taskId: string, decision: 'approve' | 'reject') =>
      withActor(db, as(who), (tx) => reviewVersion(tx, { tenantId: w.tenantA, taskId, version: 1, decision }));

    const a = await submitted();
    expect((await review('viewer', a, 'approve')).task.status).toBe('awaiting_review');
    // the same reviewer twice does not make two approvals
    await expect(review('viewer', a, 'approve')).rejects.toThrow();
    // nor does a raw UPDATE complete the task with one approval
    expect(
      await sqlState(withActor(db, as('owner'), (tx) => tx.execute(sql`update tasks set status = 'completed' where id = ${a}`))),
    ).toBeDefined();
    expect((await review('owner', a, 'approve')).task.status).toBe('completed');

    const b = await submitted();
    await review('viewer', b, 'approve');
    expect((await review('owner', b, 'reject')).task.status).toBe('rejected');
  });

  it('the smaller seed rules: immutable system admins, many metrics per evaluation, unique Stripe ids, audited projects/tasks/reviews, time indexes', async () => {
    const { db } = t();
    // seed 004: an immutable system admin is neither removed nor made mutable, even by the service role
    const [fixed] = await db.insert(s.users).values({ email: `root-${Date.now()}@example.test` }).returning();
    const [temp] = await db.insert(s.users).values({ email: `temp-${Date.now()}@example.test` }).returning();
    await db.insert(s.systemAdmins).values([{ userId: fixed!.id }, { userId: temp!.id, immutable: false }]);
    await rejectsWith(withService(db, (tx) => tx.delete(s.systemAdmins).where(sql`user_id = ${fixed!.id}`)), AppendOnlyError);
    await rejectsWith(withService(db, (tx) => tx.update(s.systemAdmins).set({ immutable: false }).where(sql`user_id = ${fixed!.id}`)), AppendOnlyError);
    await withService(db, (tx) => tx.delete(s.systemAdmins).where(sql`user_id = ${temp!.id}`));
    // seed 004: metrics are rows of their own, several per evaluation
    const [ev] = await db.insert(s.ragEvaluations).values({ tenantId: w.tenantA, query: 'q' }).returning();
    await db.insert(s.ragMetrics).values([
      { tenantId: w.tenantA, evaluationId: ev!.id, relevanceScore: 0.4 },
      { tenantId: w.tenantA, evaluationId: ev!.id, relevanceScore: 0.6 },
    ]);
    // seed 002: a webhook finds the subscription by Stripe's id through an index; the user's
    // Stripe customer id is unique (users are global, so the index needs no tenant)
    const plan = await rows<{ plan: string }>(
      db,
      sql`select indexdef as plan from pg_indexes where indexname in ('subscriptions_stripe_subscription_id_idx', 'subscriptions_stripe_customer_id_idx')`,
    );
    expect(plan).toHaveLength(2);
    await db.update(s.users).set({ stripeCustomerId: 'cus_seed' }).where(sql`id = ${w.users.member}`);
    expect(await sqlState(db.update(s.users).set({ stripeCustomerId: 'cus_seed' }).where(sql`id = ${w.users.viewer}`))).toBe('23505');
    // seeds 000/001: projects, tasks and reviews are audited
    const project = await withActor(db, as('admin'), (tx) => createProject(tx, { tenantId: w.tenantA, name: 'Audited' }));
    await withActor(db, as('admin'), (tx) =>
      createTask(tx, { tenantId: w.tenantA, projectId: project.id, title: 'audited task', assigneeId: w.users.member }),
    );
    const audited = await rows<{ table_name: string }>(
      db,
      sql`select distinct table_name from audit_logs where tenant_id = ${w.tenantA} and table_name in ('projects', 'tasks', 'reviews')`,
    );
    expect(audited.map((r) => r.table_name)).toEqual(expect.arrayContaining(['projects', 'tasks']));
    const triggers = await rows<{ t: string }>(
      db,
      sql`select tgname as t from pg_trigger where tgname in ('projects_audit', 'tasks_audit', 'reviews_audit') order by 1`,
    );
    expect(triggers.map((r) => r.t)).toEqual(['projects_audit', 'reviews_audit', 'tasks_audit']);
    // time-ordered tables list by (tenant_id, created_at)
    const missing = await rows<{ t: string }>(
      db,
      sql`select t from unnest(array['agent_failures','agent_tasks','artifacts','chat_sessions','credit_consumptions','documents',
                 'file_uploads','fragments','projects','rag_reports','reviews','task_events','tasks','token_purchases','chunks']) t
          where not exists (select 1 from pg_indexes i where i.tablename = t and i.indexdef like '%(tenant_id, created_at)%')`,
    );
    expect(missing).toEqual([]);
  });

  it('agent tasks are deleted with their logs by their owner (by status), never by a raw DELETE of history', async () => {
    const make = (who: keyof World['users']) =>
      withActor(t().db, as(who), async (tx) => {
        const task = await createAgentTask(tx, { tenantId: w.tenantA, prompt: 'build it' });
        await appendAgentLog(tx, { tenantId: w.tenantA, taskId: task.id, level: 'info', message: 'started' });
        await updateAgentTask(tx, { tenantId: w.tenantA, taskId: task.id, status: 'completed', progress: 100 });
        return task;
      });
    const mine = await make('member');
    const theirs = await make('viewer');
    await rejectsWith(
      withActor(t().db, as('member'), (tx) => tx.execute(sql`delete from agent_tasks where id = ${mine.id}`)),
      AppendOnlyError,
    );
    const n = await withActor(t().db, as('member'), (tx) =>
      deleteAgentTasks(tx, { tenantId: w.tenantA, statuses: ['completed'] }),
    );
    expect(n).toBe(1);
    const left = await rows<{ id: string; logs: number }>(
      t().db,
      sql`select t.id::text, (select count(*)::int from agent_task_logs l where l.task_id = t.id) as logs
          from agent_tasks t where t.id in (${mine.id}, ${theirs.id})`,
    );
    expect(left).toEqual([{ id: theirs.id, logs: 1 }]);
    // another user's task by id: untouched
    expect(await withActor(t().db, as('member'), (tx) => deleteAgentTasks(tx, { tenantId: w.tenantA, taskIds: [theirs.id] }))).toBe(0);
  });

  it('seed 003: in a direct workflow the assignee completes a task (pending → completed); in a review workflow nobody can', async () => {
    const direct = await withActor(t().db, as('member'), (tx) =>
      createProject(tx, { tenantId: w.tenantA, name: 'Sprint board', taskWorkflow: 'direct' }),
    );
    await t().db.insert(s.projectMembers).values({ tenantId: w.tenantA, projectId: direct.id, userId: w.users.viewer, role: 'contributor' }).onConflictDoNothing();
    const mk = (projectId: string, assignee: keyof World['users']) =>
      withActor(t().db, as('member'), (tx) => createTask(tx, { tenantId: w.tenantA, projectId, title: 'do it', assigneeId: w.users[assignee] }));
    const mine = await mk(direct.id, 'member');
    const done = await withActor(t().db, as('member'), (tx) => completeTask(tx, { tenantId: w.tenantA, taskId: mine.id }));
    expect(done.status).toBe('completed');
    // by raw UPDATE too (the database's rule, not the operation's)
    const raw = await mk(direct.id, 'member');
    expect(
      await sqlState(withActor(t().db, as('member'), (tx) => tx.execute(sql`update tasks set status = 'completed' where id = ${raw.id}`))),
    ).toBeUndefined();
    // someone else's task: a contributor who is neither assignee nor lead is refused
    const other = await mk(direct.id, 'member');
    await sqlState(withActor(t().db, as('viewer'), (tx) => tx.execute(sql`update tasks set status = 'completed' where id = ${other.id}`)));
    const still = await rows<{ status: string }>(t().db, sql`select status::text from tasks where id = ${other.id}`);
    expect(still).toEqual([{ status: 'pending' }]);
    // review workflow (the default): completeTask and raw UPDATE are both refused
    const reviewed = await withActor(t().db, as('member'), (tx) => createProject(tx, { tenantId: w.tenantA, name: 'Reviewed' }));
    const task = await mk(reviewed.id, 'member');
    await rejectsWith(withActor(t().db, as('member'), (tx) => completeTask(tx, { tenantId: w.tenantA, taskId: task.id })), InvalidTransitionError);
    expect(
      await sqlState(withActor(t().db, as('member'), (tx) => tx.execute(sql`update tasks set status = 'completed' where id = ${task.id}`))),
    ).toBe('AP002');
    // the events show the direct completion
    const events = await rows<{ to_status: string }>(
      t().db,
      sql`select to_status::text from task_events where task_id = ${mine.id} and to_status is not null order by created_at`,
    );
    expect(events.map((e) => e.to_status)).toContain('completed');
  });

  it('time-partitioned tables never refuse a valid row: far dates wait in a default partition, the maintenance job moves them', async () => {
    const far = ['2031-06-15T10:00:00Z', '1999-03-01T00:00:00Z'];
    await withService(t().db, (tx) =>
      recordUsage(
        tx,
        far.map((at, i) => ({ tenantId: w.tenantA, kind: 'chat' as const, tokensIn: 1, idempotencyKey: `far-${i}`, occurredAt: at })),
      ),
    );
    await t().db.execute(
      sql`insert into audit_logs (tenant_id, action, table_name, created_at) values (${w.tenantA}, 'far', 'x', '2031-06-20T00:00:00Z')`,
    );
    const where = async () =>
      rows<{ part: string; n: number }>(
        t().db,
        sql`select tableoid::regclass::text as part, count(*)::int as n from usage_events
            where tenant_id = ${w.tenantA} and idempotency_key like 'far-%' group by 1 order by 1`,
      );
    expect(await where()).toEqual([{ part: 'usage_events_default', n: 2 }]);
    await withService(t().db, (tx) => tx.execute(sql`select app.ensure_partitions(0, '2031-06-01'::date)`));
    expect(await where()).toEqual([
      { part: 'usage_events_default', n: 1 },
      { part: 'usage_events_p203106', n: 1 },
    ]);
    const audit = await rows<{ part: string }>(
      t().db,
      sql`select tableoid::regclass::text as part from audit_logs where tenant_id = ${w.tenantA} and action = 'far'`,
    );
    expect(audit).toEqual([{ part: 'audit_logs_p203106' }]);
    // the moved partition is like any other: RLS forced, nothing granted
    const [p] = await rows<{ rls: boolean; forced: boolean; anon: boolean }>(
      t().db,
      sql`select relrowsecurity as rls, relforcerowsecurity as forced,
                 has_table_privilege('anon', oid, 'SELECT') or has_table_privilege('authenticated', oid, 'SELECT') as anon
          from pg_class where relname = 'usage_events_p203106'`,
    );
    expect(p).toEqual({ rls: true, forced: true, anon: false });
  });
});
