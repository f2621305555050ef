/**
 * Property-based fuzzing of every exported operation (fast-check, fixed seed): each input is
 * a valid call with some fields replaced by random, boundary or hostile values — huge
 * strings, NUL bytes, deep JSON, wrong types, NaN/Infinity, SQL-looking text, foreign ids.
 * Every case either succeeds and its result keeps the operation's invariants, or throws one
 * of the package's typed errors and leaves the tables it touches exactly as they were
 * (checksum). Runs on PGlite (the same SQL as the server, one process, fast); the failing
 * seed and path are printed by fast-check. FUZZ_SEED and FUZZ_RUNS override the defaults.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import type { AppTransaction, Db } from '../src/db.js';
import * as q from '../src/queries/index.js';
import * as jobs from '../src/jobs/index.js';
import { DbError } from '../src/queries/errors.js';
import * as s from '../src/schema/index.js';
import { rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { openTestDb } from './support/harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const NUL = '\u0000';

// ---------------------------------------------------------------- hostile values
const sqlish = fc.constantFrom(
  "'; drop table documents; --",
  '" or 1=1 --',
  "') or ('1'='1",
  '$1',
  '\\',
  '%_%',
  '{"a":',
  'null',
  '__proto__',
  'constructor',
);
const hostileString = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  sqlish,
  fc.constantFrom('', '   ', `a${NUL}b`, NUL, '\uD800', 'x'.repeat(1_000_001), 'é'.repeat(3000)),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    2 ** 31,
    -(2 ** 31) - 1,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    0.5,
    -1,
    0,
  ),
  fc.integer(),
  fc.double(),
);
const deep = (n: number): unknown => {
  let v: unknown = {};
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};
const hostileJson = fc.oneof(
  fc.constantFrom(deep(100), [deep(70)], { [NUL]: 1 }, { a: `x${NUL}` }, { n: NaN }, { big: 1e308 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(sqlish, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const wrongType = fc.constantFrom<unknown>(
  null,
  undefined,
  true,
  {},
  [],
  () => 1,
  Symbol('s'),
  10n,
  new Date(NaN),
  new Date(0),
);
const hostileId = fc.oneof(
  fc.uuid(),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'not-a-uuid', "' or 1=1 --"),
);
const hostileEmbedding = fc.oneof(
  fc.array(fc.double(), { minLength: 0, maxLength: 10 }),
  fc.constantFrom([NaN, 1, 2, 3, 4, 5, 6, 7], [Infinity, 0, 0, 0, 0, 0, 0, 0], new Array(20_000).fill(0.1), [
    '1',
    2,
    3,
    4,
    5,
    6,
    7,
    8,
  ]),
);
const hostile = fc.oneof(hostileString, hostileNumber, hostileJson, wrongType, hostileId, hostileEmbedding);

/** A valid input with a random subset of its fields replaced by hostile (or field-specific) values. */
function mutated(
  base: Record<string, unknown>,
  fields: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(fields), 'extra'])];
  const field = (k: string) => (fields[k] ? fc.oneof(fields[k], hostile) : hostile);
  return fc.oneof(
    { weight: 1, arbitrary: hostile }, // not even an object
    {
      weight: 12,
      arbitrary: fc.tuple(fc.subarray(keys, { minLength: 1 }), fc.tuple(...keys.map(field))).map(([picked, values]) => {
        const out: Record<string, unknown> = { ...base };
        for (const k of picked) out[k] = values[keys.indexOf(k)];
        return out;
      }),
    },
  );
}

// ---------------------------------------------------------------- the harness
interface OpSpec {
  name: string;
  /** Tables whose checksum must not move when the call fails. */
  tables: string[];
  input: () => fc.Arbitrary<unknown>;
  run: (input: unknown) => Promise<unknown>;
  check?: (out: unknown, input: unknown) => Promise<void> | void;
}

let cases = 0;

describe('fuzzed operations [embedded]', () => {
  let db: Db;
  let close: () => Promise<void>;
  let w: World;
  const ids: Record<string, string> = {};
  const as = <T>(fn: (tx: AppTransaction) => Promise<T>, who: keyof World['users'] = 'member') =>
    withActor(db, { userId: w.users[who], tenantId: w.tenantA }, fn);
  const checksum = async (tables: string[]) =>
    rowsOf<{ h: string }>(
      await db.execute(
        sql.raw(
          `select md5(${tables
            .map((t) => `coalesce((select string_agg(md5(x::text), '' order by md5(x::text)) from public.${t} x), '')`)
            .join(' || ')}) as h`,
        ),
      ),
    )[0]!.h;

  beforeAll(async () => {
    const h = await openTestDb('embedded');
    db = h.db;
    close = h.close;
    w = await createWorld(db);
    const lead = w.users.owner;
    await db
      .insert(s.projectMembers)
      .values({ tenantId: w.tenantA, projectId: w.projectA, userId: lead, role: 'lead' }).onConflictDoNothing();
    const doc = await as((tx) =>
      q.createDocument(tx, {
        tenantId: w.tenantA,
        projectId: w.projectA,
        kind: 'prd',
        title: 'Fuzz',
        content: { a: 1 },
      }),
    );
    ids.document = doc.document.id;
    await as((tx) => q.appendRevision(tx, { tenantId: w.tenantA, documentId: ids.document!, content: { a: 2 } }));
    ids.model = (
      await db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'fuzz-8', dimensions: 8 }).returning()
    )[0]!.id;
    await as((tx) =>
      q.ingestChunks(tx, {
        tenantId: w.tenantA,
        modelId: ids.model!,
        projectId: w.projectA,
        chunks: Array.from({ length: 20 }, (_, i) => ({
          sourceType: 'manual' as const,
          sourceId: w.projectA,
          chunkIndex: i,
          content: `chunk ${i} about cables`,
          embedding: Array.from({ length: 8 }, (_, j) => Math.sin(i + j)),
          tags: [`t${i % 3}`],
          metadata: { n: i },
        })),
      }),
    );
    const task = await as(
      (tx) =>
        q.createTask(tx, {
          tenantId: w.tenantA,
          projectId: w.projectA,
          title: 'Fuzz task',
          assigneeId: w.users.member,
        }),
      'owner',
    );
    ids.task = task.id;
    await as((tx) => q.startTask(tx, { tenantId: w.tenantA, taskId: ids.task! }));
    await as((tx) => q.submitVersion(tx, { tenantId: w.tenantA, taskId: ids.task!, outputData: { x: 1 } }));
    ids.session = (await as((tx) => q.createSession(tx, { tenantId: w.tenantA, title: 'Fuzz chat' }))).id;
    ids.agentTask = (await as((tx) => q.createAgentTask(tx, { tenantId: w.tenantA, prompt: 'build it' }))).id;
    const key = await as((tx) => q.issueApiKey(tx, { tenantId: w.tenantA, name: 'fuzz' }));
    ids.key = key.key;
    ids.keyId = key.apiKey.id;
    ids.request = (
      await as((tx) => q.requestDeletion(tx, { tenantId: w.tenantA, scope: 'user', userId: w.users.viewer }), 'admin')
    ).id;
    await db.insert(s.creditBalances).values({ tenantId: w.tenantA, userId: w.users.member, remaining: 1_000_000 });
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  const T = () => w.tenantA;
  const emb = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 });
  const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileJson);
  const specs = (): OpSpec[] => [
    // documents
    {
      name: 'createDocument',
      tables: ['documents', 'document_revisions'],
      input: () =>
        mutated(
          { tenantId: T(), projectId: w.projectA, kind: 'prd', title: 'x', content: { a: 1 } },
          { content: json, kind: fc.constantFrom('prd', 'spec', 'bogus') },
        ),
      run: (i) => as((tx) => q.createDocument(tx, i as never)),
      check: (out) => expect((out as { revision: { rev: number } }).revision.rev).toBe(1),
    },
    {
      name: 'appendRevision',
      tables: ['documents', 'document_revisions', 'chunks'],
      input: () =>
        mutated(
          { tenantId: T(), documentId: ids.document, content: { a: 3 } },
          {
            content: json,
            expectedRev: fc.oneof(fc.integer({ min: 0, max: 5 }), hostileNumber),
            bodyMd: hostileString,
          },
        ),
      run: (i) => as((tx) => q.appendRevision(tx, i as never)),
      check: async (out) => {
        const r = out as { rev: number; documentId: string };
        const [d] = await db
          .select()
          .from(s.documents)
          .where(sql`id = ${r.documentId}`);
        expect(d!.currentRev).toBe(r.rev);
      },
    },
    {
      name: 'getDocument',
      tables: [],
      input: () => mutated({ tenantId: T(), documentId: ids.document }),
      run: (i) => as((tx) => q.getDocument(tx, i as never)),
    },
    {
      name: 'getRevision',
      tables: [],
      input: () => mutated({ tenantId: T(), documentId: ids.document, rev: 1 }),
      run: (i) => as((tx) => q.getRevision(tx, i as never)),
    },
    {
      name: 'listRevisions',
      tables: [],
      input: () => mutated({ tenantId: T(), documentId: ids.document, limit: 5 }),
      run: (i) => as((tx) => q.listRevisions(tx, i as never)),
      check: (out) => {
        const revs = (out as { items: { rev: number }[] }).items.map((r) => r.rev);
        expect([...revs].sort((a, b) => b - a)).toEqual(revs);
      },
    },
    {
      name: 'diffRevisions',
      tables: [],
      input: () => mutated({ tenantId: T(), documentId: ids.document, from: 1, to: 2 }),
      run: (i) => as((tx) => q.diffRevisions(tx, i as never)),
    },
    {
      name: 'restoreRevision',
      tables: ['documents', 'document_revisions'],
      input: () => mutated({ tenantId: T(), documentId: ids.document, rev: 1 }),
      run: (i) => as((tx) => q.restoreRevision(tx, i as never)),
    },
    {
      name: 'setDocumentStatus',
      tables: ['documents'],
      input: () =>
        mutated(
          { tenantId: T(), documentId: ids.document, status: 'review' },
          { status: fc.constantFrom('draft', 'review', 'approved', 'archived', 'nope') },
        ),
      run: (i) => as((tx) => q.setDocumentStatus(tx, i as never), 'admin'),
    },
    {
      name: 'lockDocument',
      tables: ['documents'],
      input: () => mutated({ tenantId: T(), documentId: '00000000-0000-4000-8000-000000000000' }),
      run: (i) => as((tx) => q.lockDocument(tx, i as never), 'admin'),
    },
    {
      name: 'unlockDocument',
      tables: ['documents'],
      input: () => mutated({ tenantId: T(), documentId: ids.document }),
      run: (i) => as((tx) => q.unlockDocument(tx, i as never), 'admin'),
    },
    {
      name: 'createProjectVersion',
      tables: ['project_versions', 'project_version_documents', 'projects'],
      input: () => mutated({ tenantId: T(), projectId: w.projectA, changeNote: 'v' }),
      run: (i) => as((tx) => q.createProjectVersion(tx, i as never), 'admin'),
    },
    {
      name: 'getProjectVersion',
      tables: [],
      input: () => mutated({ tenantId: T(), projectId: w.projectA, version: 1 }),
      run: (i) => as((tx) => q.getProjectVersion(tx, i as never)),
    },
    // tasks
    {
      name: 'createDeliverableSchema',
      tables: ['deliverable_schemas'],
      input: () =>
        mutated(
          { tenantId: T(), name: 'n', outputSchema: { type: 'object' } },
          {
            outputSchema: json,
            riskRules: fc.oneof(json, fc.constant([{ path: 'a', op: 'gt', value: 1, weight: 0.5 }])),
          },
        ),
      run: (i) => as((tx) => q.createDeliverableSchema(tx, i as never), 'admin'),
    },
    {
      name: 'createDeliverable',
      tables: ['deliverables'],
      input: () => mutated({ tenantId: T(), projectId: w.projectA, name: 'd' }),
      run: (i) => as((tx) => q.createDeliverable(tx, i as never), 'owner'),
    },
    {
      name: 'createTask',
      tables: ['tasks', 'task_events'],
      input: () => mutated({ tenantId: T(), projectId: w.projectA, title: 't' }),
      run: (i) => as((tx) => q.createTask(tx, i as never), 'owner'),
    },
    {
      name: 'assignTask',
      tables: ['tasks', 'task_events'],
      input: () => mutated({ tenantId: T(), taskId: ids.task, assigneeId: w.users.member }),
      run: (i) => as((tx) => q.assignTask(tx, i as never), 'owner'),
    },
    {
      name: 'startTask',
      tables: ['tasks', 'task_events'],
      input: () => mutated({ tenantId: T(), taskId: ids.task }),
      run: (i) => as((tx) => q.startTask(tx, i as never)),
    },
    {
      name: 'reopenTask',
      tables: ['tasks', 'task_events'],
      input: () => mutated({ tenantId: T(), taskId: ids.task }),
      run: (i) => as((tx) => q.reopenTask(tx, i as never), 'owner'),
    },
    {
      name: 'submitVersion',
      tables: ['tasks', 'task_versions', 'task_events'],
      input: () =>
        mutated(
          { tenantId: T(), taskId: ids.task, outputData: { x: 2 } },
          { outputData: json, inputData: json, riskScore: hostileNumber },
        ),
      run: (i) => as((tx) => q.submitVersion(tx, i as never)),
    },
    {
      name: 'reviewVersion',
      tables: ['tasks', 'reviews', 'task_events'],
      input: () =>
        mutated(
          { tenantId: T(), taskId: ids.task, version: 1, decision: 'request_changes' },
          { decision: fc.constantFrom('approve', 'reject', 'request_changes', 'maybe') },
        ),
      run: (i) => as((tx) => q.reviewVersion(tx, i as never), 'owner'),
    },
    {
      name: 'reviewQueue',
      tables: [],
      input: () => mutated({ tenantId: T(), limit: 10 }),
      run: (i) => as((tx) => q.reviewQueue(tx, i as never), 'owner'),
    },
    {
      name: 'taskHistory',
      tables: [],
      input: () => mutated({ tenantId: T(), taskId: ids.task }),
      run: (i) => as((tx) => q.taskHistory(tx, i as never)),
    },
    {
      name: 'createAgentTask',
      tables: ['agent_tasks'],
      input: () => mutated({ tenantId: T(), prompt: 'p' }),
      run: (i) => as((tx) => q.createAgentTask(tx, i as never)),
    },
    {
      name: 'updateAgentTask',
      tables: ['agent_tasks'],
      input: () => mutated({ tenantId: T(), taskId: ids.agentTask, progress: 50 }),
      run: (i) => as((tx) => q.updateAgentTask(tx, i as never)),
    },
    {
      name: 'appendAgentLog',
      tables: ['agent_task_logs', 'agent_tasks'],
      input: () => mutated({ tenantId: T(), taskId: ids.agentTask, message: 'm' }, { data: json }),
      run: (i) => as((tx) => q.appendAgentLog(tx, i as never)),
    },
    {
      name: 'listAgentLogs',
      tables: [],
      input: () => mutated({ tenantId: T(), taskId: ids.agentTask }),
      run: (i) => as((tx) => q.listAgentLogs(tx, i as never)),
    },
    // search
    {
      name: 'ingestChunks',
      tables: ['chunks'],
      input: () =>
        mutated(
          {
            tenantId: T(),
            modelId: ids.model,
            chunks: [
              {
                sourceType: 'manual',
                sourceId: w.projectA,
                chunkIndex: 999,
                content: 'c',
                embedding: [1, 0, 0, 0, 0, 0, 0, 0],
              },
            ],
          },
          {
            chunks: fc.array(
              mutated(
                {
                  sourceType: 'manual',
                  sourceId: w.projectA,
                  chunkIndex: 1000,
                  content: 'c',
                  embedding: [0, 1, 0, 0, 0, 0, 0, 0],
                },
                { embedding: fc.oneof(emb, hostileEmbedding), metadata: json },
              ),
              { minLength: 0, maxLength: 3 },
            ),
          },
        ),
      run: (i) => as((tx) => q.ingestChunks(tx, i as never)),
      check: (out, i) => {
        const r = out as q.IngestResult;
        expect(r.inserted + r.skipped).toBe((i as { chunks: unknown[] }).chunks.length);
      },
    },
    {
      name: 'searchSimilar',
      tables: [],
      input: () =>
        mutated(
          { tenantId: T(), modelId: ids.model, embedding: [1, 0, 0, 0, 0, 0, 0, 0], k: 5 },
          {
            embedding: fc.oneof(emb, hostileEmbedding),
            filters: fc.record(
              {
                metadata: fc.oneof(
                  hostileJson,
                  fc.constant({ eq: ['n', 1] }),
                  fc.record({ eq: fc.tuple(sqlish, hostile) }),
                ),
                tagsAny: fc.array(hostileString, { maxLength: 2 }),
              },
              { requiredKeys: [] },
            ),
            k: fc.oneof(fc.integer({ min: 1, max: 50 }), hostileNumber),
          },
        ),
      run: (i) => as((tx) => q.searchSimilar(tx, i as never)),
      check: async (out, i) => {
        const hits = out as q.SearchHit[];
        const k = (i as { k?: number }).k ?? 10;
        expect(hits.length).toBeLessThanOrEqual(k);
        for (let n = 1; n < hits.length; n++)
          expect(hits[n]!.distance).toBeGreaterThanOrEqual(hits[n - 1]!.distance - 1e-9);
        if (hits.length) {
          const foreign = rowsOf<{ n: number }>(
            await db.execute(
              sql`select count(*)::int as n from chunks where id = any (${`{${hits.map((h) => h.id).join(',')}}`}::uuid[]) and tenant_id <> ${T()}`,
            ),
          )[0]!.n;
          expect(foreign).toBe(0);
        }
      },
    },
    {
      name: 'searchHybrid',
      tables: [],
      input: () =>
        mutated(
          { tenantId: T(), modelId: ids.model, embedding: [1, 0, 0, 0, 0, 0, 0, 0], query: 'cables', k: 5 },
          { embedding: fc.oneof(emb, hostileEmbedding), query: fc.oneof(hostileString, sqlish) },
        ),
      run: (i) => as((tx) => q.searchHybrid(tx, i as never)),
      check: (out, i) => expect((out as unknown[]).length).toBeLessThanOrEqual((i as { k?: number }).k ?? 10),
    },
    {
      name: 'explainSearch',
      tables: [],
      input: () => mutated({ tenantId: T(), modelId: ids.model, embedding: [1, 0, 0, 0, 0, 0, 0, 0] }),
      run: (i) => as((tx) => q.explainSearch(tx, i as never)),
    },
    {
      name: 'deleteChunksBySource',
      tables: ['chunks'],
      input: () => mutated({ tenantId: T(), sourceType: 'upload', sourceId: '00000000-0000-4000-8000-000000000001' }),
      run: (i) => as((tx) => q.deleteChunksBySource(tx, i as never)),
    },
    {
      name: 'replaceSourceChunks',
      tables: ['chunks'],
      input: () =>
        mutated({
          tenantId: T(),
          modelId: ids.model,
          sourceType: 'upload',
          sourceId: '00000000-0000-4000-8000-000000000002',
          chunks: [
            {
              sourceType: 'upload',
              sourceId: '00000000-0000-4000-8000-000000000002',
              chunkIndex: 0,
              content: 'u',
              embedding: [0, 0, 1, 0, 0, 0, 0, 0],
            },
          ],
        }),
      run: (i) => as((tx) => q.replaceSourceChunks(tx, i as never)),
    },
    // conversations
    {
      name: 'createSession',
      tables: ['chat_sessions', 'chat_participants'],
      input: () => mutated({ tenantId: T(), title: 's' }, { settings: json }),
      run: (i) => as((tx) => q.createSession(tx, i as never)),
    },
    {
      name: 'addParticipants',
      tables: ['chat_participants'],
      input: () => mutated({ tenantId: T(), sessionId: ids.session, userIds: [w.users.viewer] }),
      run: (i) => as((tx) => q.addParticipants(tx, i as never)),
    },
    {
      name: 'appendMessage',
      tables: ['chat_messages', 'chat_sessions'],
      input: () =>
        mutated(
          { tenantId: T(), sessionId: ids.session, role: 'user', content: 'hi' },
          { content: hostileString, parts: json, sequence: hostileNumber, metadata: json },
        ),
      run: (i) => as((tx) => q.appendMessage(tx, i as never)),
      check: async (out) => {
        const [sess] = await db
          .select()
          .from(s.chatSessions)
          .where(sql`id = ${ids.session}`);
        expect((out as { sequence: number }).sequence).toBeLessThanOrEqual(sess!.lastSequence);
      },
    },
    {
      name: 'listMessages',
      tables: [],
      input: () => mutated({ tenantId: T(), sessionId: ids.session, afterSequence: 0 }),
      run: (i) => as((tx) => q.listMessages(tx, i as never)),
    },
    {
      name: 'searchMessages',
      tables: [],
      input: () => mutated({ tenantId: T(), query: 'hi' }, { query: fc.oneof(hostileString, sqlish) }),
      run: (i) => as((tx) => q.searchMessages(tx, i as never)),
    },
    {
      name: 'updateSession',
      tables: ['chat_sessions'],
      input: () => mutated({ tenantId: T(), sessionId: ids.session, summary: 's' }),
      run: (i) => as((tx) => q.updateSession(tx, i as never)),
    },
    {
      name: 'getSession',
      tables: [],
      input: () => mutated({ tenantId: T(), sessionId: ids.session }),
      run: (i) => as((tx) => q.getSession(tx, i as never)),
    },
    {
      name: 'listSessions',
      tables: [],
      input: () => mutated({ tenantId: T(), limit: 5 }),
      run: (i) => as((tx) => q.listSessions(tx, i as never)),
    },
    {
      name: 'leaveSession',
      tables: ['chat_participants'],
      input: () => mutated({ tenantId: T(), sessionId: '00000000-0000-4000-8000-000000000003' }),
      run: (i) => as((tx) => q.leaveSession(tx, i as never)),
    },
    // metering (service role)
    {
      name: 'recordUsage',
      tables: ['usage_events'],
      input: () =>
        fc.array(
          mutated({ tenantId: T(), kind: 'chat', tokensIn: 1 }, { costUsd: fc.oneof(hostileNumber, hostileString) }),
          { minLength: 0, maxLength: 3 },
        ),
      run: (i) => withService(db, (tx) => q.recordUsage(tx, i as never)),
    },
    {
      name: 'rollupUsageDaily',
      tables: ['usage_daily'],
      input: () => mutated({ day: '2026-01-01', tenantId: T() }),
      run: (i) => jobs.rollupUsageDaily(db, i as never),
    },
    {
      name: 'checkQuota',
      tables: [],
      input: () => mutated({ tenantId: T(), dimension: 'tokens', amount: 1 }),
      run: (i) => as((tx) => q.checkQuota(tx, i as never)),
      check: (out) => {
        const d = out as q.QuotaDecision;
        if (d.remaining !== null) expect(d.remaining).toBeGreaterThanOrEqual(0);
      },
    },
    {
      name: 'consumeCredits',
      tables: ['credit_balances'],
      input: () => mutated({ tenantId: T(), userId: w.users.member, amount: 1 }),
      run: (i) => as((tx) => q.consumeCredits(tx, i as never)),
      check: (out) => {
        const r = (out as { remaining: number | null }).remaining;
        if (r !== null) expect(r).toBeGreaterThanOrEqual(0);
      },
    },
    {
      name: 'grantCredits',
      tables: ['credit_balances'],
      input: () => mutated({ tenantId: T(), userId: w.users.viewer, add: 1 }),
      run: (i) => withService(db, (tx) => q.grantCredits(tx, i as never)),
    },
    {
      name: 'recordTokenPurchase',
      tables: ['token_purchases', 'subscriptions'],
      input: () => mutated({ tenantId: T(), paymentIntentId: 'pi', tokenAmount: 10, pricePaid: 1, status: 'pending' }),
      run: (i) => withService(db, (tx) => q.recordTokenPurchase(tx, i as never)),
    },
    // API keys
    {
      name: 'issueApiKey',
      tables: ['api_keys'],
      input: () =>
        mutated(
          { tenantId: T(), name: 'k', scopes: ['documents:read'] },
          { scopes: fc.array(fc.oneof(hostileString, sqlish), { maxLength: 3 }) },
        ),
      run: (i) => as((tx) => q.issueApiKey(tx, i as never)),
      check: async (out) => {
        const r = await jobs.verifyApiKey(db, { key: (out as { key: string }).key, touch: false });
        expect(r.ok).toBe(true);
      },
    },
    {
      name: 'verifyApiKey',
      tables: ['api_keys'],
      input: () =>
        mutated(
          { key: ids.key, touch: false },
          { key: fc.oneof(hostileString, fc.constant(`${ids.key}x`), fc.constant(ids.key!.replace(/.$/, 'A'))) },
        ),
      run: (i) => jobs.verifyApiKey(db, i as never),
      check: (out, i) => {
        const r = out as jobs.VerifyResult;
        if (r.ok) expect((i as { key: string }).key).toBe(ids.key);
      },
    },
    {
      name: 'listApiKeys',
      tables: [],
      input: () => mutated({ tenantId: T() }),
      run: (i) => as((tx) => q.listApiKeys(tx, i as never)),
    },
    {
      name: 'revokeApiKey',
      tables: ['api_keys'],
      input: () => mutated({ tenantId: T(), keyId: '00000000-0000-4000-8000-000000000004' }),
      run: (i) => as((tx) => q.revokeApiKey(tx, i as never)),
    },
    // compliance
    {
      name: 'requestDeletion',
      tables: ['deletion_requests'],
      input: () => mutated({ tenantId: T(), scope: 'user', userId: w.users.viewer }),
      run: (i) => as((tx) => q.requestDeletion(tx, i as never), 'admin'),
    },
    {
      name: 'getDeletionRequest',
      tables: [],
      input: () => mutated({ tenantId: T(), requestId: ids.request }),
      run: (i) => as((tx) => q.getDeletionRequest(tx, i as never), 'admin'),
    },
    {
      name: 'deletionDryRun',
      tables: ['deletion_requests'],
      input: () => mutated({ tenantId: T(), requestId: '00000000-0000-4000-8000-000000000005' }),
      run: (i) => jobs.deletionDryRun(db, i as never),
    },
    {
      name: 'executeDeletion',
      tables: ['deletion_requests', 'api_keys', 'chat_messages'],
      input: () => mutated({ tenantId: T(), requestId: '00000000-0000-4000-8000-000000000006' }),
      run: (i) => jobs.executeDeletion(db, i as never),
    },
    {
      name: 'listAuditLog',
      tables: [],
      input: () => mutated({ tenantId: T(), limit: 5 }),
      run: (i) => as((tx) => q.listAuditLog(tx, i as never), 'admin'),
    },
    {
      name: 'ensurePartitions',
      tables: [],
      input: () => mutated({ monthsAhead: 1 }),
      run: (i) => jobs.ensurePartitions(db, i as never),
    },
  ];

  it('throws only typed errors, changes nothing when it throws, and keeps each result’s invariants', async () => {
    const list = specs();
    for (const [n, spec] of list.entries()) {
      await fc.assert(
        fc.asyncProperty(spec.input(), async (input) => {
          cases++;
          const before = spec.tables.length ? await checksum(spec.tables) : '';
          let out: unknown;
          try {
            out = await spec.run(input);
          } catch (err) {
            if (!(err instanceof DbError)) {
              const e = err as Error;
              throw new Error(
                `${spec.name}: untyped ${e?.constructor?.name ?? typeof err}: ${String(e?.message ?? err).slice(0, 300)}`,
              );
            }
            if (spec.tables.length)
              expect(await checksum(spec.tables), `${spec.name} changed its tables and threw`).toBe(before);
            return;
          }
          await spec.check?.(out, input);
        }),
        { seed: SEED + n, numRuns: RUNS, endOnFailure: true },
      );
    }
    console.log(`[fuzz] ${cases} cases over ${list.length} operations, seed ${SEED}`);
  }, 600_000);

  it('ran at least 10,000 cases', () => {
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });
});
