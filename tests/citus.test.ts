/**
 * Scale-out on Citus (docs/scale-out.md): runs when CITUS_URL names a database on a Citus
 * coordinator (superuser) with workers registered; each run makes a database of its own on
 * every node. Without CITUS_URL the suite is skipped with that reason: Citus is in no
 * registry this project can install from.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import { createDb, migrate, type Db } from '../src/db.js';
import { distribute } from '../src/jobs/citus.js';
import { deletionDryRun, ensurePartitions, executeDeletion, listPartitions, runRetention } from '../src/jobs/compliance.js';
import { maintainSearchIndexes } from '../src/jobs/searchIndexes.js';
import { requestDeletion } from '../src/queries/compliance.js';
import { appendMessage, createSession, listMessages } from '../src/queries/conversations.js';
import { appendRevision, createDocument, getDocument } from '../src/queries/documents.js';
import { consumeCredits, grantCredits } from '../src/queries/metering.js';
import { ingestChunks, searchSimilar } from '../src/queries/search.js';
import { createTask, reviewVersion, startTask, submitVersion } from '../src/queries/tasks.js';
import * as s from '../src/schema/index.js';
import { mulberry32 } from '../bench/lib.js';
import { rowsOf } from './support/expect.js';
import { freshCitusDatabase, type CitusDb } from './support/citus.js';
import { createWorld, type World } from './support/fixtures.js';
import { leakMatrix, matrixFixtures } from './support/matrix.js';
import { TABLE_ACCESS } from '../src/rls/policies.js';

const CITUS_URL = process.env.CITUS_URL;
const reason = 'CITUS_URL is not set: this suite needs a Citus coordinator with workers (docs/scale-out.md says how to run one)';
if (!CITUS_URL) console.log(`[citus] skipped: ${reason}`);

describe.skipIf(!CITUS_URL)(`Citus (${CITUS_URL ? 'coordinator from CITUS_URL' : `skipped: ${reason}`})`, () => {
  let cluster: CitusDb;
  let db: Db;
  let raw: postgres.Sql;
  let w: World;
  let w2: World;
  let distributed: { step: string; object: string; detail: string }[];

  beforeAll(async () => {
    cluster = await freshCitusDatabase(CITUS_URL!, `aipdb_citus_${process.pid}`);
    const setup = await createDb(cluster.url, { max: 2 });
    await migrate(setup);
    raw = postgres(cluster.url, { max: 2, onnotice: () => {} });
    distributed = await distribute(setup);
    await setup.close();
    // a new handle: its connections start with the database's settings as distribute left them
    db = await createDb(cluster.url, { max: 6 });
    w = await createWorld(db);
    w2 = await createWorld(db);
  }, 600_000);
  afterAll(async () => {
    await raw?.end();
    await db?.close();
    await cluster?.drop();
  });

  it('distributes every table through app.distribute(): tenant tables colocated, the directory as reference tables', async () => {
    expect(db.settings.citus).toBe(true);
    const tables = await raw<{ relname: string; kind: string | null; colocation: number | null }[]>`
      select c.relname, d.partmethod::text as kind, d.colocationid as colocation
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        left join pg_dist_partition d on d.logicalrelid = c.oid
       where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`;
    expect(tables.length).toBeGreaterThan(50);
    expect(tables.filter((t) => t.kind === null).map((t) => t.relname)).toEqual([]);
    const reference = tables.filter((t) => t.kind === 'n').map((t) => t.relname).sort();
    expect(reference).toEqual(['llm_providers', 'system_admins', 'tenant_memberships', 'tenants', 'user_profiles', 'users']);
    const hashed = tables.filter((t) => t.kind === 'h');
    expect(new Set(hashed.map((t) => t.colocation)).size).toBe(1);
    // foreign keys: all back but the one Citus refuses (ON DELETE SET NULL over the distribution column)
    expect(distributed.filter((r) => r.step === 'foreign key not kept').map((r) => r.object)).toEqual([
      'artifacts.artifacts_session_id_fk',
    ]);
    // no policy keeps a subquery
    const withSubquery = await raw`select polname from pg_policy where pg_get_expr(polqual, polrelid) ilike '%select%'
                                     or pg_get_expr(polwithcheck, polrelid) ilike '%select%'`;
    expect(withSubquery).toEqual([]);
    // idempotent: a second run changes nothing but re-installs the trigger functions
    const again = await distribute(db);
    expect(again.map((r) => r.step).filter((s) => !['functions', 'setting'].includes(s))).toEqual([]);
    // definer functions taking the tenant first are delegated to its node
    expect(distributed.filter((r) => r.step === 'function').map((r) => r.object)).toContain('app.consume_credits(uuid,uuid,integer)');
  });

  it('sends the actor to the workers: claims are set on the shards', async () => {
    const rows = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, async (tx) =>
      rowsOf<{ sub: string; tenant: string | null }>(
        await tx.execute(sql`select current_setting('request.jwt.claim.sub', true) as sub, app.current_tenant_id()::text as tenant
                              from projects where tenant_id = ${w.tenantA} and id = ${w.projectA}`),
      ),
    );
    expect(rows).toEqual([{ sub: w.users.member, tenant: w.tenantA }]);
  });

  it('keeps every tenant to itself on every shard', async () => {
    // tenant A's member reads tenant B's rows by naming them: nothing, on whichever node they live
    const seen = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, async (tx) => ({
      projects: rowsOf(await tx.execute(sql`select id from projects where tenant_id = ${w2.tenantA}`)).length,
      all: rowsOf(await tx.execute(sql`select distinct tenant_id::text as t from projects`)).map((r) => (r as { t: string }).t),
    }));
    expect(seen.projects).toBe(0);
    expect(seen.all).toEqual([w.tenantA]);
  });

  it('allows and denies exactly what the declarations say: the leak matrix, every table x actor x command', async () => {
    const w3 = await createWorld(db);
    const f = await matrixFixtures(db, w3);
    const { checked, mismatches } = await leakMatrix(db, w3, f);
    expect(checked).toBe(TABLE_ACCESS.length * 8 * 4);
    if (process.env.CITUS_DEBUG) console.log(mismatches.join('\n'));
    expect(mismatches).toEqual([]);
  }, 600_000);

  it('appends gapless revisions through withActor, with the audit trail written once', async () => {
    const actor = { userId: w.users.member, tenantId: w.tenantA };
    const { document: doc } = await withActor(db, actor, (tx) =>
      createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'Scale', content: { v: 1 } }),
    );
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        withActor(db, actor, (tx) => appendRevision(tx, { tenantId: w.tenantA, documentId: doc.id, content: { v: i + 2 } })),
      ),
    );
    const got = await withActor(db, actor, (tx) => getDocument(tx, { tenantId: w.tenantA, documentId: doc.id }));
    expect(got.currentRev).toBe(9);
    const revs = await withService(db, async (tx) =>
      rowsOf<{ rev: number }>(await tx.execute(sql`select rev from document_revisions where tenant_id = ${w.tenantA} and document_id = ${doc.id} order by rev`)),
    );
    expect(revs.map((r) => r.rev)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const audit = await withService(db, async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from audit_logs where tenant_id = ${w.tenantA} and table_name = 'tenants'`),
      ),
    );
    expect(audit[0]!.n).toBe(1);
  });

  const as = (who: keyof World['users'], world = w) => ({ userId: world.users[who], tenantId: world.tenantA });

  it('gives one review decision per reviewer, and completes a task with its approvals, under concurrency', async () => {
    // as seed 005 has it: a project reviewer and the tenant's owner approve
    await withActor(db, as('owner'), async (tx) => {
      await tx.update(s.projectMembers).set({ role: 'reviewer' }).where(sql`tenant_id = ${w.tenantA} and user_id = ${w.users.viewer}`);
      await tx.update(s.projects).set({ requiredApprovals: 2 }).where(sql`tenant_id = ${w.tenantA} and id = ${w.projectA}`);
    });
    const task = await withActor(db, as('owner'), (tx) =>
      createTask(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'Check', assigneeId: w.users.member }),
    );
    await withActor(db, as('member'), async (tx) => {
      await startTask(tx, { tenantId: w.tenantA, taskId: task.id });
      await submitVersion(tx, { tenantId: w.tenantA, taskId: task.id, outputData: { ok: true } });
    });
    // the same reviewer four times at once: exactly one decision lands
    const tries = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        withActor(db, as('viewer'), (tx) => reviewVersion(tx, { tenantId: w.tenantA, taskId: task.id, version: 1, decision: 'approve' })),
      ),
    );
    if (!tries.some((t) => t.status === 'fulfilled')) throw (tries[0] as PromiseRejectedResult).reason;
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    expect((tries.find((t) => t.status === 'fulfilled') as PromiseFulfilledResult<{ task: { status: string } }>).value.task.status).toBe(
      'awaiting_review',
    );
    const done = await withActor(db, as('owner'), (tx) =>
      reviewVersion(tx, { tenantId: w.tenantA, taskId: task.id, version: 1, decision: 'approve' }),
    );
    expect(done.task.status).toBe('completed');
    const events = await withService(db, async (tx) =>
      rowsOf<{ kind: string }>(await tx.execute(sql`select kind from task_events where tenant_id = ${w.tenantA} and task_id = ${task.id} order by created_at, kind`)),
    );
    expect(events.filter((e) => e.kind === 'reviewed')).toHaveLength(2);
  });

  it('consumes credits exactly under concurrency', async () => {
    await withService(db, (tx) => grantCredits(tx, { tenantId: w.tenantA, userId: w.users.member, add: 10 }));
    const out = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        withActor(db, as('member'), (tx) => consumeCredits(tx, { tenantId: w.tenantA, userId: w.users.member, amount: 1 })),
      ),
    );
    if (!out.some((o) => o.status === 'fulfilled')) throw (out[0] as PromiseRejectedResult).reason;
    expect(out.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
  });

  it('appends messages gaplessly, each session to its participants', async () => {
    const session = await withActor(db, as('member'), (tx) => createSession(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'c' }));
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withActor(db, as('member'), (tx) => appendMessage(tx, { tenantId: w.tenantA, sessionId: session.id, role: 'user', content: `m${i}` })),
      ),
    );
    const page = await withActor(db, as('member'), (tx) => listMessages(tx, { tenantId: w.tenantA, sessionId: session.id }));
    expect(page.items.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    const outsider = await withActor(db, as('member', w2), async (tx) =>
      rowsOf(await tx.execute(sql`select id from chat_messages where tenant_id = ${w.tenantA}`)),
    );
    expect(outsider).toEqual([]);
  });

  it('searches with the same recall as one node (exact, and the tenant\'s own IVFFlat index)', async () => {
    const [m] = await withService(db, (tx) => tx.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'c', dimensions: 384 }).returning());
    const rand = mulberry32(5);
    const vec = () => {
      const v = Array.from({ length: 384 }, () => rand() - 0.5);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const vs = Array.from({ length: 300 }, vec);
    await withActor(db, as('member'), (tx) =>
      ingestChunks(tx, {
        tenantId: w.tenantA,
        modelId: m!.id,
        projectId: w.projectA,
        chunks: vs.map((embedding, i) => ({ sourceType: 'manual' as const, sourceId: w.projectA, chunkIndex: i, content: `c${i}`, embedding, metadata: { k: i % 10 } })),
      }),
    );
    const cosine = (a: number[], b: number[]) => 1 - a.reduce((x, y, i) => x + y * b[i]!, 0);
    let recall = 0;
    for (let i = 0; i < 10; i++) {
      const q = vec();
      const truth = vs.map((v, j) => ({ j, d: cosine(q, v) })).sort((a, b) => a.d - b.d).slice(0, 5).map((x) => `c${x.j}`);
      const hits = await withActor(db, as('member'), (tx) => searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q, k: 5 }));
      recall += hits.filter((h) => truth.includes(h.content)).length / 5;
      const filtered = await withActor(db, as('member'), (tx) =>
        searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q, k: 5, filters: { metadata: { eq: ['k', 3] } } }),
      );
      expect(filtered.every((h) => (h.metadata as { k: number }).k === 3)).toBe(true);
      // another tenant's actor naming this tenant finds nothing
      const other = await withActor(db, as('member', w2), (tx) =>
        searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: q, k: 5 }).catch(() => []),
      );
      expect(other).toEqual([]);
    }
    expect(recall / 10).toBe(1);
    expect(await maintainSearchIndexes(db, { minRows: 100 })).toHaveLength(1);
    const viaIndex = await withActor(db, as('member'), (tx) =>
      searchSimilar(tx, { tenantId: w.tenantA, modelId: m!.id, embedding: vs[7]!, k: 1, strategy: 'ivf' }),
    );
    expect(viaIndex.map((h) => h.content)).toEqual(['c7']);
  });

  it('erases a user: dry run, purge in batches, nothing of the user left', async () => {
    const u = w.users.viewer;
    const req = await withActor(db, as('admin'), (tx) => requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: u }));
    const report = await deletionDryRun(db, { tenantId: w.tenantA, requestId: req.id });
    expect(report.total).toBeGreaterThan(0);
    const res = await executeDeletion(db, { tenantId: w.tenantA, requestId: req.id, batchSize: 5 });
    expect(res.done).toBe(true);
    const left = await withService(db, async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(sql`select (select count(*) from project_members where tenant_id = ${w.tenantA} and user_id = ${u})
                                  + (select count(*) from tenant_memberships where tenant_id = ${w.tenantA} and user_id = ${u})
                                  + (select count(*) from reviews where tenant_id = ${w.tenantA} and reviewer_id = ${u}) as n`),
      ),
    );
    expect(Number(left[0]!.n)).toBe(0);
  });

  it('keeps partitions and retention: new monthly partitions distributed like their parents, expired rows deleted per tenant', async () => {
    const before = (await listPartitions(db)).length;
    expect(await ensurePartitions(db, { monthsAhead: 6 })).toBeGreaterThan(0);
    const parts = await listPartitions(db);
    expect(parts.length).toBeGreaterThan(before);
    const undistributed = await raw`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                                      where not exists (select 1 from pg_dist_partition d where d.logicalrelid = c.oid)
                                        and i.inhparent in ('public.audit_logs'::regclass, 'public.chat_messages'::regclass, 'public.usage_events'::regclass)`;
    expect(undistributed).toEqual([]);
    // a tenant keeping 30 days: its usage event of 400 days ago goes, the other tenant's stays
    await raw`update tenants set retention_days = 30 where id = ${w2.tenantA}`;
    for (const t of [w.tenantA, w2.tenantA])
      await raw`insert into usage_events (tenant_id, kind, occurred_at, requests) values (${t}, 'request', now() - interval '400 days', 1)`;
    const out = await runRetention(db, { batchSize: 100 });
    expect(out.jobs.map((j) => j.tenantId)).toEqual([w2.tenantA]);
    const left = await raw<{ tenant_id: string }[]>`select tenant_id from usage_events where occurred_at < now() - interval '300 days'`;
    expect(left.map((r) => r.tenant_id)).toEqual([w.tenantA]);
  });
});
