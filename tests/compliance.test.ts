/** GDPR purge (dry run, batches, resume, tombstone), retention, partition maintenance, audit reads. */
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import type { Db } from '../src/db.js';
import { deletionDryRun, ensurePartitions, executeDeletion, listPartitions, runRetention } from '../src/jobs/compliance.js';
import {
  getDeletionRequest,
  listAuditLog,
  requestDeletion,
} from '../src/queries/compliance.js';
import {
  AppendOnlyError,
  ForbiddenError,
  InvalidTransitionError,
  mapErrors,
  ValidationError,
} from '../src/queries/errors.js';
import { issueApiKey, revokeApiKey } from '../src/queries/apiKeys.js';
import { appendRevision, createDocument } from '../src/queries/documents.js';
import { appendAgentLog, createAgentTask } from '../src/queries/tasks.js';
import { tablesByName } from '../src/rls/drizzle.js';
import * as s from '../src/schema/index.js';
import { KEPT_USER_REFERENCES, userReferenceColumns } from '../src/sql/purge.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { untilSleeping } from './support/server.js';
import { createWorld, seedEveryTable, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const TENANT_TABLES = [...tablesByName.keys()]
  .filter((t) => !(s.GLOBAL_TABLES as readonly string[]).includes(t))
  .sort();

async function countsOf(db: Db, tenant: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TENANT_TABLES)
    out[t] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from ${sql.identifier(t)} where tenant_id = ${tenant}`),
    )[0]!.n;
  return out;
}

async function references(db: Db, tenant: string, user: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [t, c] of userReferenceColumns()) {
    const n = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from ${sql.identifier(t)} where tenant_id = ${tenant} and ${sql.identifier(c)} = ${user}`,
      ),
    )[0]!.n;
    if (n) out[`${t}.${c}`] = n;
  }
  const mention = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from audit_logs where tenant_id = ${tenant}
      and strpos(coalesce(old_data::text, '') || coalesce(new_data::text, '') || coalesce(record_id, ''), ${user}) > 0`),
  )[0]!.n;
  if (mention) out['audit_logs (mentions)'] = mention;
  const notes = rowsOf<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from task_events where tenant_id = ${tenant} and strpos(note, ${user}) > 0`,
    ),
  )[0]!.n;
  if (notes) out['task_events.note'] = notes;
  return out;
}

describeBackends('GDPR purge', (t) => {
  let w: World;
  let other: World;
  const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
    withActor(t().db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);

  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    await seedEveryTable(db, w);
    other = await createWorld(db);
    await seedEveryTable(db, other);
    // the admin's own data in the same tenant, which must survive the member's erasure
    await as('admin', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'admin key' }));
    // an audit row that names the member (an admin revokes the member's key)
    const { apiKey } = await as('member', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: 'to revoke' }));
    await as('admin', (tx) => revokeApiKey(tx, { tenantId: w.tenantA, keyId: apiKey.id }));
  });

  it('covers every column that references a user (a new one fails here until the plan handles it)', () => {
    const cols = userReferenceColumns().map(([t, c]) => `${t}.${c}`);
    expect(cols).toContain('document_revisions.created_by');
    expect(cols).toContain('chat_messages.created_by');
    expect(cols).toContain('audit_logs.actor_id');
    for (const k of KEPT_USER_REFERENCES) expect(cols).toContain(k);
    // every users foreign key of a tenant table is in the list
    for (const [name, table] of tablesByName) {
      if ((s.GLOBAL_TABLES as readonly string[]).includes(name)) continue;
      for (const fk of getTableConfig(table).foreignKeys) {
        const ref = fk.reference();
        if (getTableConfig(ref.foreignTable).name === 'users')
          for (const c of ref.columns) expect(cols).toContain(`${name}.${c.name}`);
      }
    }
  });

  it('files requests as a tenant admin only; the purge path is the service role’s', async () => {
    await rejectsWith(
      as('member', (tx) => requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: w.users.viewer })),
      ForbiddenError,
    );
    await rejectsWith(
      as('admin', (tx) => requestDeletion(tx, { tenantId: w.tenantA, scope: 'user' } as never)),
      ValidationError,
    );
    const r = await as('admin', (tx) =>
      requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: w.users.viewer }),
    );
    // executing before the dry run is refused, and the app role cannot call the purge at all
    await rejectsWith(executeDeletion(t().db, { tenantId: w.tenantA, requestId: r.id }), InvalidTransitionError);
    await rejectsWith(
      as('admin', (tx) =>
        mapErrors(() => tx.execute(sql`select app.gdpr_purge_step(${w.tenantA}::uuid, ${r.id}::uuid, 10)`)),
      ),
      ForbiddenError,
    );
    // history stays protected outside the purge path, even for the service role with the flag set
    await rejectsWith(
      withService(t().db, (tx) =>
        mapErrors(async () => {
          await tx.execute(sql`select set_config('app.history_purge', 'on', true)`);
          await tx.execute(sql`delete from document_revisions where tenant_id = ${w.tenantA}`);
        }),
      ),
      ForbiddenError,
    );
    // another tenant's admin sees no request
    expect(
      await withActor(t().db, { userId: w.users.outsider, tenantId: w.tenantB }, (tx) =>
        tx.select().from(s.deletionRequests),
      ),
    ).toEqual([]);
  });

  it('dry-runs, purges one user in resumable batches, leaves a tombstone and nothing of the user', async () => {
    const { db } = t();
    const u = w.users.member;
    const beforeRefs = await references(db, w.tenantA, u);
    expect(Object.keys(beforeRefs).length).toBeGreaterThan(20);
    const otherBefore = await countsOf(db, other.tenantA);
    const adminRefsBefore = await references(db, w.tenantA, w.users.admin);
    const docsBefore = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from document_revisions where tenant_id = ${w.tenantA}`),
    )[0]!.n;

    const req = await as('admin', (tx) => requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: u }));
    const report = await deletionDryRun(db, { tenantId: w.tenantA, requestId: req.id });
    expect(report.total).toBeGreaterThan(0);
    const byKey = Object.fromEntries(report.steps.map((s) => [s.key, s.rows]));
    // de-identification counts are exactly the references found independently
    for (const [key, n] of Object.entries(beforeRefs))
      if (byKey[key] !== undefined && !key.startsWith('audit_logs')) expect([key, byKey[key]]).toEqual([key, n]);
    // nothing was deleted by the dry run (the new request names the user)
    expect(await references(db, w.tenantA, u)).toEqual({ ...beforeRefs, 'deletion_requests.user_id': 1 });

    // a crash after two batches: the next run resumes from the stored progress
    const first = await executeDeletion(db, { tenantId: w.tenantA, requestId: req.id, batchSize: 1, maxBatches: 2 });
    expect(first.done).toBe(false);
    expect((await as('admin', (tx) => getDeletionRequest(tx, { tenantId: w.tenantA, requestId: req.id }))).status).toBe(
      'running',
    );
    const rest = await executeDeletion(db, { tenantId: w.tenantA, requestId: req.id, batchSize: 2 });
    expect(rest.done).toBe(true);
    const done = await as('admin', (tx) => getDeletionRequest(tx, { tenantId: w.tenantA, requestId: req.id }));
    expect(done.status).toBe('completed');
    // what went is what the dry run said would go (audit rows written by the purge itself aside)
    const rows = (done.progress as { rows: Record<string, number> }).rows;
    for (const s of report.steps)
      if (s.key !== 'audit_logs') expect([s.key, rows[s.key] ?? 0]).toEqual([s.key, s.rows]);

    // nothing of the user remains in the tenant (the request itself keeps the id on purpose)
    const after = await references(db, w.tenantA, u);
    expect(after).toEqual({ 'deletion_requests.user_id': 1 });
    // the tombstone: counts, not identities
    const [tomb] = rowsOf<{ new_data: unknown; record_id: string }>(
      await db.execute(
        sql`select new_data, record_id from audit_logs where tenant_id = ${w.tenantA} and action = 'gdpr.purge'`,
      ),
    );
    expect(tomb!.record_id).toBe(req.id);
    expect(JSON.stringify(tomb!.new_data)).not.toContain(u);
    // everyone else's data is untouched: another tenant, the admin's references, the shared documents
    expect(await countsOf(db, other.tenantA)).toEqual(otherBefore);
    const adminRefs = await references(db, w.tenantA, w.users.admin);
    // (the admin filed this request, and the purge's own audit rows name the admin as actor)
    for (const [k, n] of Object.entries(adminRefsBefore))
      if (!k.startsWith('audit_logs') && !k.startsWith('deletion_requests')) expect([k, adminRefs[k]]).toEqual([k, n]);
    expect(
      rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from document_revisions where tenant_id = ${w.tenantA}`),
      )[0]!.n,
    ).toBe(docsBefore);
    // running it again is a no-op
    expect(await executeDeletion(db, { tenantId: w.tenantA, requestId: req.id })).toMatchObject({ done: true });
  });

  it('erases a whole tenant, keeping only the request, the tombstone and the tenant row marked deleted', async () => {
    const { db } = t();
    const before = await countsOf(db, other.tenantA);
    expect(Object.values(before).filter((n) => n > 0).length).toBeGreaterThan(40);
    const keepB = await countsOf(db, other.tenantB);
    // erasing the whole tenant is the owner's decision (an admin is refused: boundary.test.ts)
    const req = await withActor(db, { userId: other.users.owner, tenantId: other.tenantA }, (tx) =>
      requestDeletion(tx, { tenantId: other.tenantA, scope: 'tenant' }),
    );
    const report = await deletionDryRun(db, { tenantId: other.tenantA, requestId: req.id });
    for (const step of report.steps)
      if (step.key !== 'audit_logs') expect([step.key, step.rows]).toEqual([step.key, before[step.key] ?? 0]);
    const res = await executeDeletion(db, { tenantId: other.tenantA, requestId: req.id, batchSize: 500 });
    expect(res.done).toBe(true);
    const after = await countsOf(db, other.tenantA);
    // left: the deletion requests (the seeded one and this one), the tombstone and the audit
    // record of the tenant row being marked deleted
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([
      ['audit_logs', 2],
      ['deletion_requests', 2],
    ]);
    const actions = rowsOf<{ action: string; table_name: string }>(
      await db.execute(
        sql`select action, table_name from audit_logs where tenant_id = ${other.tenantA} order by action`,
      ),
    );
    expect(actions).toEqual([
      { action: 'UPDATE', table_name: 'tenants' },
      { action: 'gdpr.purge', table_name: 'deletion_requests' },
    ]);
    const [tenant] = await db
      .select()
      .from(s.tenants)
      .where(sql`id = ${other.tenantA}`);
    expect(tenant).toMatchObject({ status: 'deleted' });
    expect(tenant!.deletedAt).toBeInstanceOf(Date);
    expect(await countsOf(db, other.tenantB)).toEqual(keepB);
  });
});

describeBackends('retention and partitions', (t) => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('deletes expired rows per tenant and drops partitions whose rows all expired', async () => {
    const { db } = t();
    await db.execute(sql`update tenants set retention_days = 30 where id = ${w.tenantA}`);
    expect(await ensurePartitions(db, { fromMonth: '2025-01-01', monthsAhead: 2 })).toBe(9);
    expect(await ensurePartitions(db, { fromMonth: '2025-01-01', monthsAhead: 2 })).toBe(0);
    const ev = (tenant: string, at: string) =>
      db.insert(s.usageEvents).values({ tenantId: tenant, kind: 'request', occurredAt: new Date(at) });
    await ev(w.tenantA, '2025-01-15T00:00:00Z');
    await ev(w.tenantA, '2025-02-15T00:00:00Z');
    await ev(w.tenantB, '2025-02-20T00:00:00Z'); // tenant B keeps data forever
    await ev(w.tenantA, new Date().toISOString());
    await db
      .insert(s.auditLogs)
      .values({ tenantId: w.tenantA, action: 'old', createdAt: new Date('2025-01-02T00:00:00Z') });
    const now = new Date();
    const out = await runRetention(db, { now, batchSize: 1 });
    const job = out.jobs.find((j) => j.tenantId === w.tenantA)!;
    expect(job.status).toBe('completed');
    expect((job.result as { removed: Record<string, number> }).removed).toMatchObject({
      usage_events: 2,
      audit_logs: 1,
    });
    expect(out.partitionsDropped).toEqual(
      expect.arrayContaining([
        'usage_events_p202501',
        'audit_logs_p202501',
        'chat_messages_p202502',
        'usage_events_p202503',
      ]),
    );
    expect(out.partitionsDropped).not.toContain('usage_events_p202502'); // tenant B's row lives there
    const left = rowsOf<{ tenant_id: string; occurred_at: string }>(
      await db.execute(sql`select tenant_id, occurred_at::text from usage_events order by occurred_at`),
    );
    expect(left.map((r) => r.tenant_id)).toEqual([w.tenantB, w.tenantA]);
    // the job is audited; the current window is never touched
    expect(
      rowsOf<{ n: number }>(
        await db.execute(
          sql`select count(*)::int as n from audit_logs where action = 'retention.purge' and tenant_id = ${w.tenantA}`,
        ),
      )[0]!.n,
    ).toBe(1);
    const parts = (await listPartitions(db)).map((p) => p.partition);
    const month = now.toISOString().slice(0, 7).replace('-', '');
    expect(parts).toContain(`usage_events_p${month}`);
    // idempotent
    const again = await runRetention(db, { now });
    expect(again.partitionsDropped).toEqual([]);
  });

  it('keeps a row outside the partition window in the default partition (never refused); bad maintenance input is a typed error', async () => {
    await t()
      .db.insert(s.usageEvents)
      .values({ tenantId: w.tenantA, kind: 'request', occurredAt: new Date('2099-01-01') });
    const [r] = rowsOf<{ part: string }>(
      await t().db.execute(
        sql`select tableoid::regclass::text as part from usage_events where tenant_id = ${w.tenantA} and occurred_at = '2099-01-01'`,
      ),
    );
    expect(r!.part).toBe('usage_events_default');
    await rejectsWith(ensurePartitions(t().db, { monthsAhead: 500 }), ValidationError);
  });

  it('lets tenant admins read their audit log by actor, resource and time, paged; nobody else', async () => {
    const { db } = t();
    const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
      withActor(db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);
    for (let i = 0; i < 3; i++) await as('member', (tx) => issueApiKey(tx, { tenantId: w.tenantA, name: `k${i}` }));
    const page1 = await as('admin', (tx) =>
      listAuditLog(tx, { tenantId: w.tenantA, tableName: 'api_keys', actorId: w.users.member, limit: 2 }),
    );
    expect(page1.items).toHaveLength(2);
    expect(page1.items.every((r) => r.actorId === w.users.member && r.action === 'INSERT')).toBe(true);
    const page2 = await as('admin', (tx) =>
      listAuditLog(tx, {
        tenantId: w.tenantA,
        tableName: 'api_keys',
        actorId: w.users.member,
        limit: 2,
        before: page1.next,
      }),
    );
    expect(page2.items).toHaveLength(1);
    expect(page2.next).toBeUndefined();
    const times = [...page1.items, ...page2.items].map((r) => r.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const none = await as('admin', (tx) =>
      listAuditLog(tx, { tenantId: w.tenantA, tableName: 'api_keys', to: new Date('2000-01-01') }),
    );
    expect(none.items).toEqual([]);
    expect((await as('member', (tx) => listAuditLog(tx, { tenantId: w.tenantA }))).items).toEqual([]);
    expect((await as('outsider', (tx) => listAuditLog(tx, { tenantId: w.tenantA }), w.tenantB)).items).toEqual([]);
    await rejectsWith(
      as('admin', (tx) =>
        listAuditLog(tx, { tenantId: w.tenantA, from: new Date('2026-02-01'), to: new Date('2026-01-01') }),
      ),
      ValidationError,
    );
    // write-only: not even an admin edits it
    await rejectsWith(
      as('admin', (tx) => mapErrors(() => tx.execute(sql`delete from audit_logs where tenant_id = ${w.tenantA}`))),
      ForbiddenError,
    );
    await rejectsWith(
      mapErrors(() => db.execute(sql`delete from audit_logs where tenant_id = ${w.tenantA}`)),
      AppendOnlyError,
    );
  });
});

describeBackends(
  'partition maintenance and purge under concurrency and crashes',
  (t) => {
    it('resumes a purge whose backend was killed mid-batch, losing nothing and deleting once', async () => {
      const { db } = t();
      const w = await createWorld(db);
      await seedEveryTable(db, w);
      const req = await withActor(db, { userId: w.users.admin, tenantId: w.tenantA }, (tx) =>
        requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: w.users.member }),
      );
      const report = await deletionDryRun(db, { tenantId: w.tenantA, requestId: req.id });
      const victim = await t().connect(1);
      await victim.execute(sql`begin`);
      await victim.execute(sql`select set_config('role', 'service_role', true)`);
      const [{ pid } = { pid: 0 }] = rowsOf<{ pid: number }>(await victim.execute(sql`select pg_backend_pid() as pid`));
      // batches until one deletes rows (the first steps may have nothing of this user)
      let deleted = 0;
      for (let i = 0; i < 10 && deleted === 0; i++) {
        const res = rowsOf<{ r: { rows: number } }>(
          await victim.execute(sql`select app.gdpr_purge_step(${w.tenantA}::uuid, ${req.id}::uuid, 1000) as r`),
        );
        deleted = Number(res[0]!.r.rows);
      }
      expect(deleted).toBeGreaterThan(0);
      // drizzle runs a query when it is awaited: start it now, a real Promise, and settle it at
      // once (a rejection left unhandled until the kill returns is an unhandled rejection)
      const sleeping = victim.execute(sql`select pg_sleep(30)`).then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await untilSleeping(db, pid);
      await db.execute(sql`select pg_terminate_backend(${pid}::int)`);
      expect(await sleeping).toBeInstanceOf(Error);
      // the killed batch left no trace: same progress, same rows
      const [r1] = await db
        .select()
        .from(s.deletionRequests)
        .where(sql`id = ${req.id}`);
      expect(r1).toMatchObject({ status: 'dry_run', progress: {} });
      const out = await executeDeletion(db, { tenantId: w.tenantA, requestId: req.id, batchSize: 3 });
      expect(out.done).toBe(true);
      for (const step of report.steps)
        if (step.key !== 'audit_logs') expect([step.key, out.rows[step.key] ?? 0]).toEqual([step.key, step.rows]);
    });

    it('lets 6 concurrent maintainers create each partition once', async () => {
      const pool = await t().connect(6);
      const created = await Promise.all(
        Array.from({ length: 6 }, () => ensurePartitions(pool, { fromMonth: '2030-01-01', monthsAhead: 11 })),
      );
      expect(created.reduce((a, b) => a + b, 0)).toBe(36);
      const parts = (await listPartitions(pool)).filter((p) => p.partition.includes('_p2030'));
      expect(parts).toHaveLength(36);
      expect(new Set(parts.map((p) => p.partition)).size).toBe(36);
      expect(parts.find((p) => p.partition === 'usage_events_p203012')).toMatchObject({
        from: expect.stringContaining('2030-12-01'),
        to: expect.stringContaining('2031-01-01'),
      });
    });
  },
  { serverOnly: 'needs concurrent connections (PGlite has one)' },
);

describeBackends('erasure of a global-workspace user (seed 001: everyone owns a personal project)', (t) => {
  it('erases the user with their personal project and what it held; the workspace and its admin stay', async () => {
    const { db } = t();
    const [global] = await db.insert(s.tenants).values({ name: 'Everyone', slug: `global-${Date.now()}`, isGlobal: true }).returning();
    const [admin] = await db.insert(s.users).values({ email: `admin-${Date.now()}@example.test` }).returning();
    // (the new-user trigger made the admin a member of the global tenant: promote)
    await db.update(s.tenantMemberships).set({ role: 'admin' }).where(sql`tenant_id = ${global!.id} and user_id = ${admin!.id}`);
    // sign-up: the new-user trigger joins the global tenant and creates the personal project
    const [user] = await db.insert(s.users).values({ email: `solo-${Date.now()}@example.test` }).returning();
    const [personal] = await db
      .select()
      .from(s.projects)
      .where(sql`tenant_id = ${global!.id} and owner_id = ${user!.id} and is_personal`);
    expect(personal).toBeDefined();
    const asUser = { userId: user!.id, tenantId: global!.id };
    const { document } = await withActor(db, asUser, (tx) =>
      createDocument(tx, { tenantId: global!.id, projectId: personal!.id, kind: 'other', title: 'Mine', content: { a: 1 } }),
    );
    await withActor(db, asUser, (tx) =>
      appendRevision(tx, { tenantId: global!.id, documentId: document.id, content: { a: 2 } }),
    );
    const req = await withActor(db, { userId: admin!.id, tenantId: global!.id }, (tx) =>
      requestDeletion(tx, { tenantId: global!.id, scope: 'user', userId: user!.id }),
    );
    const report = await deletionDryRun(db, { tenantId: global!.id, requestId: req.id });
    expect(report.steps.find((x) => x.key === 'projects')!.rows).toBe(1);
    const out = await executeDeletion(db, { tenantId: global!.id, requestId: req.id, batchSize: 2 });
    expect(out.done).toBe(true);
    const left = rowsOf<{ projects: number; docs: number; revs: number; members: number; admin: number }>(
      await db.execute(sql`select
        (select count(*)::int from projects where tenant_id = ${global!.id} and owner_id = ${user!.id}) as projects,
        (select count(*)::int from documents where id = ${document.id}) as docs,
        (select count(*)::int from document_revisions where document_id = ${document.id}) as revs,
        (select count(*)::int from tenant_memberships where tenant_id = ${global!.id} and user_id = ${user!.id}) as members,
        (select count(*)::int from tenant_memberships where tenant_id = ${global!.id} and user_id = ${admin!.id}) as admin`),
    )[0]!;
    expect(left).toEqual({ projects: 0, docs: 0, revs: 0, members: 0, admin: 1 });
  });
});

describeBackends('erasure completes for every kind of user', (t) => {
  it('tenant owner, reviewer (admin), author and agent-task owner (member), viewer: nothing of each remains, others’ history stays', async () => {
    const { db } = t();
    const w = await createWorld(db, 'shapes');
    await seedEveryTable(db, w);
    // the viewer also owns an agent task with logs; the admin reviewed; the owner authored a document
    await withActor(db, { userId: w.users.viewer, tenantId: w.tenantA }, async (tx) => {
      const task = await createAgentTask(tx, { tenantId: w.tenantA, prompt: 'p' });
      await appendAgentLog(tx, { tenantId: w.tenantA, taskId: task.id, level: 'info', message: 'm' });
    });
    const revisionsBefore = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from document_revisions where tenant_id = ${w.tenantA}`),
    )[0]!.n;
    for (const who of ['admin', 'member', 'viewer', 'owner'] as const) {
      const user = w.users[who];
      // an owner's erasure is filed by an owner (themselves here); the others by the owner
      const req = await withActor(db, { userId: w.users.owner, tenantId: w.tenantA }, (tx) =>
        requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: user }),
      );
      await deletionDryRun(db, { tenantId: w.tenantA, requestId: req.id });
      const out = await executeDeletion(db, { tenantId: w.tenantA, requestId: req.id, batchSize: 50 });
      expect([who, out.done]).toEqual([who, true]);
      expect([who, await references(db, w.tenantA, user)]).toEqual([who, { 'deletion_requests.user_id': 1 }]);
    }
    // revisions written by others are history: those of the erased authors stay, de-identified
    const revisionsAfter = rowsOf<{ n: number; named: number }>(
      await db.execute(sql`select count(*)::int as n, count(created_by)::int as named from document_revisions where tenant_id = ${w.tenantA}`),
    )[0]!;
    expect(revisionsAfter.n).toBe(revisionsBefore);
  }, 120_000);
});
