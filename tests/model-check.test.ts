/**
 * Concurrency model check (server): a seeded random workload — many actors in several
 * tenants running the operations concurrently for a bounded time — then the invariants:
 * revisions, versions and message sequences gapless; counters equal to the rows they count;
 * balances never negative and equal to grants minus what clients saw consumed; subscriptions
 * credited exactly by completed purchases; nothing of another tenant ever visible; an audit
 * row for every audited change; a task event for every transition. MODEL_SEED and
 * MODEL_SECONDS override the defaults; a broken invariant names the seed.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import type { Db } from '../src/db.js';
import { appendRevision, createDocument } from '../src/queries/documents.js';
import { DbError } from '../src/queries/errors.js';
import { appendMessage, createSession } from '../src/queries/conversations.js';
import { issueApiKey, revokeApiKey } from '../src/queries/apiKeys.js';
import { consumeCredits, grantCredits, recordTokenPurchase } from '../src/queries/metering.js';
import { ingestChunks, searchSimilar } from '../src/queries/search.js';
import { createTask, reviewVersion, startTask, submitVersion } from '../src/queries/tasks.js';
import * as s from '../src/schema/index.js';
import { mulberry32 } from '../bench/lib.js';
import { rowsOf } from './support/expect.js';
import { describeBackends } from './support/harness.js';

const SEED = Number(process.env.MODEL_SEED ?? 42);
const SECONDS = Number(process.env.MODEL_SECONDS ?? 12);
const WORKERS = 12;

interface Tenant {
  id: string;
  project: string;
  owner: string;
  admin: string;
  members: string[];
  viewer: string;
  docs: string[];
  session: string;
  model: string;
}

describeBackends(
  'concurrency model check',
  (t) => {
    const tenants: Tenant[] = [];
    const granted = new Map<string, number>(); // tenant:user -> credits granted
    const consumedSeen = new Map<string, number>(); // tenant:user -> credits clients saw consumed
    const errors = new Map<string, number>();
    const untyped: string[] = [];
    const leaks: string[] = [];
    let ops = 0;

    beforeAll(async () => {
      const { db } = t();
      for (let k = 0; k < 3; k++) {
        const label = `m${SEED}-${k}-${Date.now().toString(36)}`;
        const [ten] = await db
          .insert(s.tenants)
          .values({ name: `Model ${k}`, slug: label })
          .returning();
        const mk = async (who: string) =>
          (
            await db
              .insert(s.users)
              .values({ email: `${who}-${label}@example.test` })
              .returning()
          )[0]!.id;
        const owner = await mk('owner');
        const admin = await mk('admin');
        const members = [await mk('m1'), await mk('m2'), await mk('m3')];
        const viewer = await mk('viewer');
        await db
          .insert(s.tenantMemberships)
          .values([
            { tenantId: ten!.id, userId: owner, role: 'owner' },
            { tenantId: ten!.id, userId: admin, role: 'admin' },
            ...members.map((u) => ({ tenantId: ten!.id, userId: u, role: 'member' as const })),
            { tenantId: ten!.id, userId: viewer, role: 'viewer' },
          ]);
        const [p] = await db
          .insert(s.projects)
          .values({ tenantId: ten!.id, name: 'P', ownerId: owner, createdBy: owner })
          .returning();
        await db
          .insert(s.projectMembers)
          .values([
            { tenantId: ten!.id, projectId: p!.id, userId: owner, role: 'lead' },
            { tenantId: ten!.id, projectId: p!.id, userId: admin, role: 'reviewer' },
            ...members.map((u) => ({ tenantId: ten!.id, projectId: p!.id, userId: u, role: 'contributor' as const })),
            { tenantId: ten!.id, projectId: p!.id, userId: viewer, role: 'viewer' },
          ]).onConflictDoNothing();
        const as0 = { userId: members[0]!, tenantId: ten!.id };
        const docs: string[] = [];
        for (let d = 0; d < 3; d++)
          docs.push(
            (
              await withActor(db, as0, (tx) =>
                createDocument(tx, {
                  tenantId: ten!.id,
                  projectId: p!.id,
                  kind: 'tech',
                  title: `D${d}`,
                  content: { d },
                }),
              )
            ).document.id,
          );
        const session = (
          await withActor(db, as0, (tx) => createSession(tx, { tenantId: ten!.id, participants: members.slice(1) }))
        ).id;
        const model = (
          await db.insert(s.embeddingModels).values({ tenantId: ten!.id, name: 'm-8', dimensions: 8 }).returning()
        )[0]!.id;
        for (const u of members) {
          await withService(db, (tx) => grantCredits(tx, { tenantId: ten!.id, userId: u, add: 40 }));
          granted.set(`${ten!.id}:${u}`, 40);
        }
        tenants.push({ id: ten!.id, project: p!.id, owner, admin, members, viewer, docs, session, model });
      }
    }, 60_000);

    it(`keeps every invariant under a random concurrent workload (seed ${SEED}, ${SECONDS} s, ${WORKERS} workers)`, async () => {
      const pool: Db = await t().connect(WORKERS + 2);
      const deadline = Date.now() + SECONDS * 1000;
      const worker = async (wi: number) => {
        const rand = mulberry32(SEED * 1000 + wi);
        const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
        while (Date.now() < deadline) {
          const ten = pick(tenants);
          const other = pick(tenants.filter((x) => x !== ten));
          const member = pick(ten.members);
          const me = { userId: member, tenantId: ten.id };
          const action = Math.floor(rand() * 10);
          const label = [
            'revision',
            'task',
            'credits',
            'purchase',
            'key',
            'message',
            'ingest',
            'peek',
            'review',
            'search',
          ][action]!;
          ops++;
          try {
            switch (action) {
              case 0: {
                const doc = pick(ten.docs);
                const [d] = await pool
                  .select({ rev: s.documents.currentRev })
                  .from(s.documents)
                  .where(sql`id = ${doc}`);
                const stale = rand() < 0.3;
                await withActor(pool, me, (tx) =>
                  appendRevision(tx, {
                    tenantId: ten.id,
                    documentId: doc,
                    content: { w: wi, r: rand() },
                    ...(rand() < 0.5 ? { expectedRev: stale ? Math.max(1, d!.rev - 1) : d!.rev } : {}),
                  }),
                );
                break;
              }
              case 1: {
                const task = await withActor(pool, { userId: ten.owner, tenantId: ten.id }, (tx) =>
                  createTask(tx, { tenantId: ten.id, projectId: ten.project, title: `T${wi}`, assigneeId: member }),
                );
                await withActor(pool, me, (tx) => startTask(tx, { tenantId: ten.id, taskId: task.id }));
                await withActor(pool, me, (tx) =>
                  submitVersion(tx, { tenantId: ten.id, taskId: task.id, outputData: { v: rand() } }),
                );
                break;
              }
              case 2: {
                const amount = 1 + Math.floor(rand() * 3);
                await withActor(pool, me, (tx) => consumeCredits(tx, { tenantId: ten.id, userId: member, amount }));
                const k = `${ten.id}:${member}`;
                consumedSeen.set(k, (consumedSeen.get(k) ?? 0) + amount);
                break;
              }
              case 3:
                await withService(pool, (tx) =>
                  recordTokenPurchase(tx, {
                    tenantId: ten.id,
                    paymentIntentId: `pi_${Math.floor(rand() * 6)}`,
                    tokenAmount: 1000,
                    pricePaid: 10,
                    status: pick(['pending', 'completed', 'completed', 'failed'] as const),
                  }),
                );
                break;
              case 4: {
                const { apiKey } = await withActor(pool, me, (tx) =>
                  issueApiKey(tx, { tenantId: ten.id, name: `k${wi}` }),
                );
                if (rand() < 0.5)
                  await withActor(pool, { userId: ten.admin, tenantId: ten.id }, (tx) =>
                    revokeApiKey(tx, { tenantId: ten.id, keyId: apiKey.id }),
                  );
                break;
              }
              case 5:
                await withActor(pool, me, (tx) =>
                  appendMessage(tx, {
                    tenantId: ten.id,
                    sessionId: ten.session,
                    role: 'user',
                    content: `w${wi} ${rand()}`,
                  }),
                );
                break;
              case 6:
                await withActor(pool, me, (tx) =>
                  ingestChunks(tx, {
                    tenantId: ten.id,
                    modelId: ten.model,
                    projectId: ten.project,
                    chunks: [
                      {
                        sourceType: 'manual',
                        sourceId: ten.project,
                        chunkIndex: Math.floor(rand() * 50),
                        content: `c ${Math.floor(rand() * 5)}`,
                        embedding: Array.from({ length: 8 }, () => rand() + 0.01),
                      },
                    ],
                  }),
                );
                break;
              case 7: {
                // another tenant's rows, through every door: direct reads with a forged tenant id
                const seen = await withActor(pool, me, async (tx) => [
                  ...(await tx
                    .select({ id: s.documents.id })
                    .from(s.documents)
                    .where(sql`tenant_id = ${other.id}`)),
                  ...(await tx
                    .select({ id: s.chatMessages.id })
                    .from(s.chatMessages)
                    .where(sql`tenant_id = ${other.id}`)),
                  ...(await tx
                    .select({ id: s.tasks.id })
                    .from(s.tasks)
                    .where(sql`tenant_id = ${other.id}`)),
                ]);
                if (seen.length) leaks.push(`${member} of ${ten.id} saw ${seen.length} rows of ${other.id}`);
                const forged = await withActor(pool, { userId: member, tenantId: other.id }, (tx) =>
                  tx.select({ id: s.documents.id }).from(s.documents),
                );
                if (forged.length) leaks.push(`${member} forging ${other.id} saw ${forged.length} documents`);
                break;
              }
              case 8: {
                const [task] = rowsOf<{ id: string; v: number }>(
                  await pool.execute(
                    sql`select id, current_version as v from tasks where tenant_id = ${ten.id} and status = 'awaiting_review' order by random() limit 1`,
                  ),
                );
                if (task)
                  await withActor(pool, { userId: pick([ten.owner, ten.admin]), tenantId: ten.id }, (tx) =>
                    reviewVersion(tx, {
                      tenantId: ten.id,
                      taskId: task.id,
                      version: task.v,
                      decision: pick(['approve', 'reject', 'request_changes'] as const),
                    }),
                  );
                break;
              }
              case 9: {
                const hits = await withActor(pool, me, (tx) =>
                  searchSimilar(tx, {
                    tenantId: other.id,
                    modelId: other.model,
                    embedding: Array.from({ length: 8 }, () => rand() + 0.01),
                  }),
                );
                if (hits.length) leaks.push(`${member} searched ${other.id} and got ${hits.length} hits`);
                break;
              }
            }
          } catch (err) {
            if (err instanceof DbError)
              errors.set(`${label}:${err.code}`, (errors.get(`${label}:${err.code}`) ?? 0) + 1);
            else untyped.push(`${label}: ${String((err as Error).message ?? err).split('\n')[0]}`);
          }
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
      console.log(
        `[model] seed ${SEED}: ${ops} operations in ${SECONDS} s; typed refusals ${JSON.stringify(Object.fromEntries(errors))}`,
      );
      const ctx = `seed ${SEED}`;
      expect(untyped, ctx).toEqual([]);
      expect(leaks, ctx).toEqual([]);
      expect(ops, ctx).toBeGreaterThan(200);

      const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t().db.execute(query));
      const ids = `{${tenants.map((x) => x.id).join(',')}}`;
      // gapless numbering, counters equal to the rows they count
      expect(
        await q(sql`select d.id from documents d where d.tenant_id = any (${ids}::uuid[]) and
          (select count(*) from document_revisions r where r.document_id = d.id) <> d.current_rev
          or exists (select 1 from document_revisions r where r.document_id = d.id and (r.rev < 1 or r.rev > d.current_rev))`),
        ctx,
      ).toEqual([]);
      expect(
        await q(sql`select t.id from tasks t where t.tenant_id = any (${ids}::uuid[]) and
          ((select count(*) from task_versions v where v.task_id = t.id) <> t.current_version
           or exists (select 1 from task_versions v where v.task_id = t.id and (v.version < 1 or v.version > t.current_version)))`),
        ctx,
      ).toEqual([]);
      expect(
        await q(sql`select c.id from chat_sessions c where c.tenant_id = any (${ids}::uuid[]) and
          ((select count(*) from chat_messages m where m.tenant_id = c.tenant_id and m.session_id = c.id) <> c.last_sequence
           or (select count(distinct sequence) from chat_messages m where m.tenant_id = c.tenant_id and m.session_id = c.id) <> c.last_sequence)`),
        ctx,
      ).toEqual([]);
      // balances: never negative; granted - consumed, and consumed is what clients were told
      for (const b of await q<{ tenant_id: string; user_id: string; remaining: number; consumed: number }>(
        sql`select tenant_id, user_id, remaining, consumed::int from credit_balances where tenant_id = any (${ids}::uuid[])`,
      )) {
        const k = `${b.tenant_id}:${b.user_id}`;
        expect(b.remaining, ctx).toBeGreaterThanOrEqual(0);
        expect(b.remaining + b.consumed, `${ctx}: ${k}`).toBe(granted.get(k));
        expect(b.consumed, `${ctx}: ${k}`).toBe(consumedSeen.get(k) ?? 0);
      }
      // subscriptions credited exactly by completed purchases
      expect(
        await q(sql`select t.id from tenants t where t.id = any (${ids}::uuid[]) and
          coalesce((select additional_tokens from subscriptions s where s.tenant_id = t.id), 0)
          <> coalesce((select sum(token_amount) from token_purchases p where p.tenant_id = t.id and p.status = 'completed'), 0)`),
        ctx,
      ).toEqual([]);
      // an audit row for every key issued and every revocation
      expect(
        await q(sql`select k.id from api_keys k where k.tenant_id = any (${ids}::uuid[]) and (
          not exists (select 1 from audit_logs a where a.tenant_id = k.tenant_id and a.table_name = 'api_keys' and a.action = 'INSERT' and a.record_id = k.id::text)
          or (k.revoked_at is not null and not exists (select 1 from audit_logs a where a.tenant_id = k.tenant_id and a.table_name = 'api_keys'
               and a.action = 'UPDATE' and a.record_id = k.id::text and a.new_data ->> 'revoked_at' is not null)))`),
        ctx,
      ).toEqual([]);
      // a task event for every creation, submission and review; a completed task has an approval
      expect(
        await q(sql`select t.id from tasks t where t.tenant_id = any (${ids}::uuid[]) and (
          (select count(*) from task_events e where e.task_id = t.id and e.kind = 'created') <> 1
          or (select count(*) from task_events e where e.task_id = t.id and e.kind = 'submitted') <> t.current_version
          or (select count(*) from task_events e where e.task_id = t.id and e.kind = 'reviewed') <> (select count(*) from reviews r where r.task_id = t.id)
          or (t.status = 'completed' and not exists (select 1 from reviews r where r.task_id = t.id and r.decision = 'approve' and r.version = t.current_version)))`),
        ctx,
      ).toEqual([]);
    }, 120_000);
  },
  { serverOnly: 'a concurrent workload needs a pool of connections (PGlite has one)' },
);
