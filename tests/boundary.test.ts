/**
 * The database is the security boundary: every attack below is plain DML as `authenticated`
 * (what a signed-in user can send through Supabase's Data API), and each one worked before.
 * Each is now refused (SQLSTATE or typed error) or neutralised by the database, and nothing
 * changed.
 */
import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import type { Db } from '../src/db.js';
import { runRetention } from '../src/jobs/compliance.js';
import { verifyApiKey } from '../src/jobs/apiKeys.js';
import { createDocument, getDocument } from '../src/queries/documents.js';
import { createSession } from '../src/queries/conversations.js';
import { issueApiKey } from '../src/queries/apiKeys.js';
import { createTask, reviewQueue, reviewVersion, startTask, submitVersion } from '../src/queries/tasks.js';
import { createDeliverable, createDeliverableSchema } from '../src/queries/tasks.js';
import { rows } from '../src/queries/util.js';
import { SECRET_COLUMNS } from '../src/rls/policies.js';
import { sqlState } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('the database as the boundary (raw SQL as authenticated)', (t) => {
  let w: World;
  const as = (who: keyof World['users'], tenant?: string) => ({
    userId: w.users[who],
    tenantId: tenant ?? (who === 'outsider' ? w.tenantB : w.tenantA),
  });
  /** Runs raw SQL as `who`; the SQLSTATE it failed with, or undefined. */
  const raw = (who: keyof World['users'], q: SQL, tenant?: string) =>
    sqlState(withActor(t().db, as(who, tenant), (tx) => tx.execute(q)));
  const one = async <T>(q: SQL) => (await rows<T>(t().db, q))[0]!;
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('users: only full_name and phone are self-service; co-members cannot read phone or billing ids', async () => {
    const me = w.users.member;
    const before = await one<{ status: string }>(sql`select status from users where id = ${me}`);
    for (const set of [
      sql`status = 'active'`,
      sql`is_pro = true`,
      sql`stripe_customer_id = 'cus_other'`,
      sql`confirmed_at = now()`,
      sql`email = 'taken@example.test'`,
      sql`deleted_at = null`,
    ]) {
      expect(await raw('member', sql`update users set ${set} where id = ${me}`)).toBe('42501');
    }
    expect(await raw('member', sql`update users set full_name = 'Mem Ber', phone = '+1555' where id = ${me}`)).toBeUndefined();
    const after = await one<{ status: string; is_pro: boolean; phone: string }>(sql`select status, is_pro, phone from users where id = ${me}`);
    expect(after).toMatchObject({ status: before.status, is_pro: false, phone: '+1555' });
    // PII: not even the column is readable by the application role
    expect(await raw('admin', sql`select phone from users where id = ${me}`)).toBe('42501');
    expect(await raw('viewer', sql`select stripe_customer_id from users`)).toBe('42501');
    const priv = (who: keyof World['users']) =>
      withActor(t().db, as(who), (tx) => rows<{ phone: string }>(tx, sql`select * from app.user_private(${me})`));
    expect(await priv('member')).toEqual([{ phone: '+1555', stripe_customer_id: null }]);
    expect(await priv('admin')).toHaveLength(1);
    expect(await priv('viewer')).toEqual([]);
    expect(await withActor(t().db, as('outsider'), (tx) => rows(tx, sql`select * from app.user_private(${me})`))).toEqual([]);
  });

  it('tenants: an owner edits presentation only; domains, is_global, status, slug and retention are the service’s', async () => {
    for (const set of [
      sql`company_email_domains = '{victim.example}'`,
      sql`is_global = true`,
      sql`status = 'active'`,
      sql`slug = 'taken'`,
      sql`retention_days = 1`,
    ]) {
      expect(await raw('owner', sql`update tenants set ${set} where id = ${w.tenantA}`)).toBe('42501');
    }
    expect(await raw('owner', sql`update tenants set name = 'Renamed', settings = '{"a":1}' where id = ${w.tenantA}`)).toBeUndefined();
    const row = await one<{ company_email_domains: string[]; is_global: boolean; retention_days: number | null }>(
      sql`select company_email_domains, is_global, retention_days from tenants where id = ${w.tenantA}`,
    );
    expect(row).toEqual({ company_email_domains: [], is_global: false, retention_days: null });
  });

  it('tasks: no completion by UPDATE, one decision per version, events only by triggers, deliverable fixed once started', async () => {
    const schema = await withActor(t().db, as('admin'), (tx) =>
      createDeliverableSchema(tx, { tenantId: w.tenantA, name: 'n', outputSchema: { type: 'object', required: ['ok'] } }),
    );
    const d = await withActor(t().db, as('admin'), (tx) =>
      createDeliverable(tx, { tenantId: w.tenantA, projectId: w.projectA, name: 'D', type: 'other', schemaId: schema.id }),
    );
    const task = await withActor(t().db, as('admin'), (tx) =>
      createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'T', assigneeId: w.users.member, deliverableId: d.id }),
    );
    await withActor(t().db, as('member'), (tx) => startTask(tx, { tenantId: w.tenantA, taskId: task.id }));
    // the deliverable (and its schema) cannot be dropped once work started
    expect(await raw('member', sql`update tasks set deliverable_id = null where id = ${task.id}`)).toBe('AP002');
    await withActor(t().db, as('member'), (tx) =>
      submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { ok: true } }),
    );
    // the assignee completes by UPDATE: refused (no approving review)
    expect(await raw('member', sql`update tasks set status = 'completed' where id = ${task.id}`)).toBe('AP002');
    expect(await raw('admin', sql`update tasks set status = 'completed' where id = ${task.id}`)).toBe('AP002');
    // events are the database's: no raw INSERT
    expect(
      await raw('member', sql`insert into task_events (tenant_id, task_id, project_id, kind, actor_id, to_status)
                               values (${w.tenantA}, ${task.id}, ${w.projectA}, 'status_changed', ${w.users.admin}, 'completed')`),
    ).toBe('42501');
    // a raw review decides and moves the task; a second, conflicting one is refused
    expect(
      await raw('admin', sql`insert into reviews (tenant_id, task_id, project_id, version, reviewer_id, decision)
                             values (${w.tenantA}, ${task.id}, ${w.projectA}, 1, ${w.users.owner}, 'reject')`),
    ).toBeUndefined();
    expect(
      await raw('owner', sql`insert into reviews (tenant_id, task_id, project_id, version, reviewer_id, decision)
                             values (${w.tenantA}, ${task.id}, ${w.projectA}, 1, ${w.users.owner}, 'approve')`),
    ).toBeDefined();
    const after = await one<{ status: string; n: number; reviewer: string }>(
      sql`select t.status, (select count(*)::int from reviews r where r.task_id = t.id) as n,
                 (select reviewer_id::text from reviews r where r.task_id = t.id) as reviewer
          from tasks t where t.id = ${task.id}`,
    );
    // the reviewer is who acted (admin), not the owner the client named
    expect(after).toEqual({ status: 'rejected', n: 1, reviewer: w.users.admin });
  });

  it('the review queue’s order is the database’s: a client cannot jump the queue', async () => {
    const mk = (title: string) =>
      withActor(t().db, as('admin'), (tx) =>
        createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, title, assigneeId: w.users.member }),
      );
    const first = await mk('first in line');
    const second = await mk('second in line');
    for (const task of [first, second]) {
      await withActor(t().db, as('member'), (tx) => startTask(tx, { tenantId: w.tenantA, taskId: task.id }));
      await withActor(t().db, as('member'), (tx) =>
        submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { ok: true } }),
      );
    }
    const stamp = async (id: string) =>
      (await one<{ at: string | null }>(sql`select review_requested_at::text as at from tasks where id = ${id}`)).at;
    const before = await stamp(second.id);
    expect(before).not.toBeNull();
    // the assignee backdates the second task to the front of the queue: kept as it was
    expect(await raw('member', sql`update tasks set review_requested_at = '2000-01-01' where id = ${second.id}`)).toBeUndefined();
    expect(await stamp(second.id)).toBe(before);
    // a task inserted straight into awaiting_review with a forged time gets the database's
    const refused = await raw('admin', sql`insert into tasks (tenant_id, project_id, title, status, review_requested_at)
                                           values (${w.tenantA}, ${w.projectA}, 'forged', 'awaiting_review', '2000-01-01')`);
    const forged = await one<{ at: string | null } | undefined>(
      sql`select review_requested_at::text as at from tasks where tenant_id = ${w.tenantA} and title = 'forged'`,
    );
    // either refused outright, or stamped with the database's time
    if (refused === undefined) expect(forged?.at).not.toMatch(/^2000-/);
    else expect(forged).toBeUndefined();
    const queue = await withActor(t().db, as('admin'), (tx) => reviewQueue(tx, { tenantId: w.tenantA, limit: 50 }));
    const order = queue.items.map((i) => i.taskId);
    expect(order.indexOf(first.id)).toBeLessThan(order.indexOf(second.id));
    // leaving awaiting_review clears the stamp
    await withActor(t().db, as('admin'), (tx) =>
      reviewVersion(tx, { tenantId: w.tenantA, taskId: first.id, version: 1, decision: 'reject' }),
    );
    expect(await stamp(first.id)).toBeNull();
  });

  it('authorship is stamped by the database, not taken from the client', async () => {
    const { document } = await withActor(t().db, as('member'), (tx) =>
      createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'other', title: 'mine', content: {} }),
    );
    expect(
      await raw('member', sql`insert into document_revisions (tenant_id, project_id, document_id, rev, content, content_hash, created_by)
                              values (${w.tenantA}, ${w.projectA}, ${document.id}, 0, '{"x":1}', repeat('a', 64), ${w.users.owner})`),
    ).toBeUndefined();
    const rev = await one<{ created_by: string; rev: number }>(
      sql`select created_by::text, rev from document_revisions where document_id = ${document.id} order by rev desc limit 1`,
    );
    expect(rev).toEqual({ created_by: w.users.member, rev: 2 });
    const session = await withActor(t().db, as('member'), (tx) => createSession(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 's' }));
    await raw(
      'member',
      sql`insert into chat_messages (tenant_id, session_id, sequence, role, content, created_by)
          values (${w.tenantA}, ${session.id}, 0, 'user', 'hi', ${w.users.owner})`,
    );
    const msg = await one<{ created_by: string }>(sql`select created_by::text from chat_messages where session_id = ${session.id}`);
    expect(msg.created_by).toBe(w.users.member);
  });

  it('counters cannot be preset at INSERT', async () => {
    expect(
      await raw('member', sql`insert into documents (tenant_id, project_id, kind, title, current_rev)
                              values (${w.tenantA}, ${w.projectA}, 'other', 'preset', 41)`),
    ).toBe('AP009');
    expect(
      await raw('admin', sql`insert into tasks (tenant_id, project_id, title, current_version)
                             values (${w.tenantA}, ${w.projectA}, 'preset', 5)`),
    ).toBe('AP009');
    expect(
      await raw('member', sql`insert into chat_sessions (tenant_id, project_id, user_id, title, last_sequence)
                              values (${w.tenantA}, ${w.projectA}, ${w.users.member}, 'preset', 10)`),
    ).toBe('AP009');
    expect((await one<{ n: number }>(sql`select count(*)::int as n from documents where title = 'preset'`)).n).toBe(0);
  });

  it('chat: a project viewer who is not a participant cannot write into a member’s session', async () => {
    const session = await withActor(t().db, as('member'), (tx) =>
      createSession(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'private' }),
    );
    expect(
      await raw('viewer', sql`insert into chat_messages (tenant_id, session_id, sequence, role, content)
                              values (${w.tenantA}, ${session.id}, 0, 'user', 'intrusion')`),
    ).toBe('42501');
    expect((await one<{ n: number }>(sql`select count(*)::int as n from chat_messages where session_id = ${session.id}`)).n).toBe(0);
  });

  it('deletion requests: progress is the job’s; tenant erasure and erasure of an owner are the owner’s', async () => {
    expect(
      await raw('admin', sql`insert into deletion_requests (tenant_id, scope, user_id, progress)
                             values (${w.tenantA}, 'user', ${w.users.viewer}, '{"step": 99}')`),
    ).toBe('AP007');
    expect(
      await raw('admin', sql`insert into deletion_requests (tenant_id, scope, user_id, status)
                             values (${w.tenantA}, 'user', ${w.users.viewer}, 'completed')`),
    ).toBe('AP007');
    expect(await raw('admin', sql`insert into deletion_requests (tenant_id, scope) values (${w.tenantA}, 'tenant')`)).toBe('AP007');
    expect(
      await raw('admin', sql`insert into deletion_requests (tenant_id, scope, user_id) values (${w.tenantA}, 'user', ${w.users.owner})`),
    ).toBe('AP007');
    expect(await raw('admin', sql`update deletion_requests set status = 'completed'`)).toBe('42501');
    expect(
      await raw('admin', sql`insert into deletion_requests (tenant_id, scope, user_id, requested_by)
                             values (${w.tenantA}, 'user', ${w.users.viewer}, ${w.users.owner})`),
    ).toBeUndefined();
    const req = await one<{ requested_by: string }>(
      sql`select requested_by::text from deletion_requests where tenant_id = ${w.tenantA} and user_id = ${w.users.viewer}`,
    );
    expect(req.requested_by).toBe(w.users.admin);
    expect(await raw('owner', sql`insert into deletion_requests (tenant_id, scope) values (${w.tenantA}, 'tenant')`)).toBeUndefined();
  });

  it('audit rows outlive a tenant’s short retention (a floor the tenant cannot lower)', async () => {
    const w2 = await createWorld(t().db);
    await t().db.execute(sql`update tenants set retention_days = 1 where id = ${w2.tenantA}`);
    const old = new Date(Date.now() - 10 * 86_400_000);
    await t().db.execute(sql`select app.ensure_partitions(1, ${old.toISOString().slice(0, 10)}::date)`);
    await t().db.execute(
      sql`insert into audit_logs (tenant_id, action, table_name, created_at) values (${w2.tenantA}, 'x', 'y', ${old.toISOString()}::timestamptz)`,
    );
    await t().db.execute(
      sql`insert into usage_events (tenant_id, kind, occurred_at) values (${w2.tenantA}, 'chat', ${old.toISOString()}::timestamptz)`,
    );
    await runRetention(t().db, { tenantId: w2.tenantA });
    const left = await one<{ audit: number; usage: number }>(
      sql`select (select count(*)::int from audit_logs where tenant_id = ${w2.tenantA} and action = 'x') as audit,
                 (select count(*)::int from usage_events where tenant_id = ${w2.tenantA}) as usage`,
    );
    expect(left).toEqual({ audit: 1, usage: 0 });
  });

  it('touch_project does nothing to another tenant’s project', async () => {
    const before = await one<{ u: string }>(sql`select updated_at::text as u from projects where id = ${w.projectA}`);
    expect(await raw('outsider', sql`select app.touch_project(${w.tenantA}::uuid, ${w.projectA}::uuid)`)).toBeUndefined();
    const after = await one<{ u: string }>(sql`select updated_at::text as u from projects where id = ${w.projectA}`);
    expect(after.u).toBe(before.u);
  });

  it('API key scopes are checked by the database: no unknown scope, * for tenant admins only', async () => {
    const insertKey = (who: keyof World['users'], scopes: string) =>
      raw(
        who,
        sql`insert into api_keys (tenant_id, user_id, name, prefix, key_hash, scopes)
            values (${w.tenantA}, ${w.users[who]}, 'raw', ${`p${Math.random().toString(36).slice(2, 13)}`}, ${'0'.repeat(64)}, ${scopes}::text[])`,
      );
    expect(await insertKey('member', '{*}')).toBe('AP007');
    expect(await insertKey('member', '{root}')).toBe('22023');
    expect(await insertKey('member', '{documents:read}')).toBeUndefined();
    expect(await insertKey('admin', '{*}')).toBeUndefined();
    // the typed operation says the same, as a typed error
    await expect(
      withActor(t().db, as('member'), (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'x', scopes: ['*'] })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { key } = await withActor(t().db, as('member'), (tx) =>
      issueApiKey(tx, { tenantId: w.tenantA, name: 'ok', scopes: ['documents:read'] }),
    );
    expect((await verifyApiKey(t().db, { key, requiredScopes: ['documents:read'] })).ok).toBe(true);
  });

  it('partitions grant nothing to anon or authenticated, those made later too', async () => {
    await withService(t().db, (tx) => tx.execute(sql`select app.ensure_partitions(14)`));
    const leaks = await rows<{ part: string; role: string; p: string }>(
      t().db,
      sql`select c.relname as part, r.rolname as role, p.p
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
          cross join (values ('anon'), ('authenticated')) r(rolname)
          cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) p(p)
          where i.inhparent in ('public.chat_messages'::regclass, 'public.usage_events'::regclass, 'public.audit_logs'::regclass)
            and has_table_privilege(r.rolname, c.oid, p.p)`,
    );
    expect(leaks).toEqual([]);
  });

  it('a temporary table named like a package table never shadows it', async () => {
    const db: Db = t().backend === 'server' ? await t().connect(1) : t().db;
    const { document } = await withActor(db, as('member'), (tx) =>
      createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'other', title: 'real', content: {} }),
    );
    await db.execute(sql`create temporary table documents (like public.documents)`);
    try {
      await db.execute(sql`grant all on pg_temp.documents to authenticated`);
      const seen = await withActor(db, as('member'), (tx) => getDocument(tx, { tenantId: w.tenantA, documentId: document.id }));
      expect(seen.title).toBe('real');
      const n = await withActor(db, as('member'), (tx) => rows<{ n: number }>(tx, sql`select count(*)::int as n from documents`));
      expect(n[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.execute(sql`drop table if exists pg_temp.documents`);
    }
  });

  it('the audit log never copies a secret or hidden column (derived from the declarations)', async () => {
    const [fn] = await rows<{ def: string }>(t().db, sql`select pg_get_functiondef('app.audit_row_change()'::regprocedure) as def`);
    for (const col of SECRET_COLUMNS) expect(fn!.def).toContain(`'${col}'`);
    expect(SECRET_COLUMNS).toEqual(expect.arrayContaining(['key_hash', 'phone', 'stripe_customer_id', 'access_token_encrypted']));
  });
});
