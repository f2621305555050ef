/**
 * One day of each seed's platform, played by its users through the typed operations (sign-ups
 * aside: the identity provider writes `users`), on both backends. Each day ends by checking
 * what the platform's users would check, and that another tenant saw none of it.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import type { Db } from '../src/db.js';
import { verifyApiKey } from '../src/jobs/apiKeys.js';
import { deletionDryRun, executeDeletion } from '../src/jobs/compliance.js';
import { createTenant, inviteUser } from '../src/jobs/tenants.js';
import { issueApiKey } from '../src/queries/apiKeys.js';
import { listAuditLog, requestDeletion } from '../src/queries/compliance.js';
import { appendMessage, createSession, listMessages, searchMessages } from '../src/queries/conversations.js';
import {
  appendRevision,
  createDocument,
  createProjectVersion,
  getDocument,
  getProjectVersion,
} from '../src/queries/documents.js';
import { ConflictError, InsufficientCreditsError, ValidationError } from '../src/queries/errors.js';
import { consumeCredits, grantCredits } from '../src/queries/metering.js';
import { createProject } from '../src/queries/projects.js';
import { ingestChunks, searchHybrid, searchSimilar } from '../src/queries/search.js';
import {
  appendAgentLog,
  completeTask,
  createAgentTask,
  createDeliverable,
  createDeliverableSchema,
  createTask,
  deleteAgentTasks,
  listAgentLogs,
  reviewQueue,
  reviewVersion,
  startTask,
  submitVersion,
  taskHistory,
  updateAgentTask,
} from '../src/queries/tasks.js';
import { addProjectMember, addTenantMember, registerEmbeddingModel } from '../src/queries/tenants.js';
import { rows } from '../src/queries/util.js';
import * as s from '../src/schema/index.js';
import { rejectsWith } from './support/expect.js';
import { unitVector } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const tag = () => randomUUID().slice(0, 8);
async function signUp(db: Db, name: string, domain = 'example.test') {
  const [u] = await db.insert(s.users).values({ email: `${name}-${tag()}@${domain}`, fullName: name }).returning();
  return u!;
}
/** A second tenant whose owner must see nothing of the day. */
async function outsider(db: Db) {
  const eve = await signUp(db, 'eve');
  const { tenant } = await createTenant(db, { name: 'Other', slug: `other-${tag()}`, ownerId: eve.id });
  return { userId: eve.id, tenantId: tenant.id };
}

describeBackends('a day on each seed platform', (t) => {
  it('seed 000 — engineering: a schema-checked deliverable, a review that asks for changes, then approval', async () => {
    const { db } = t();
    const hod = await signUp(db, 'hod');
    const eng = await signUp(db, 'engineer');
    const rev = await signUp(db, 'reviewer');
    const { tenant } = await createTenant(db, { name: 'Structures Ltd', slug: `structures-${tag()}`, ownerId: hod.id });
    const T = tenant.id;
    const asHod = { userId: hod.id, tenantId: T };
    const asEng = { userId: eng.id, tenantId: T };
    const asRev = { userId: rev.id, tenantId: T };
    await withActor(db, asHod, async (tx) => {
      await addTenantMember(tx, { tenantId: T, userId: eng.id });
      await addTenantMember(tx, { tenantId: T, userId: rev.id });
    });
    const { project, deliverable } = await withActor(db, asHod, async (tx) => {
      const project = await createProject(tx, { tenantId: T, name: 'Harbour bridge' });
      await addProjectMember(tx, { tenantId: T, projectId: project.id, userId: eng.id, role: 'contributor' });
      await addProjectMember(tx, { tenantId: T, projectId: project.id, userId: rev.id, role: 'reviewer' });
      const schema = await createDeliverableSchema(tx, {
        tenantId: T,
        name: 'beam-check',
        outputSchema: { type: 'object', required: ['utilisation'], properties: { utilisation: { type: 'number' } } },
        riskRules: [{ path: 'utilisation', op: 'gt', value: 0.9, weight: 0.6 }],
      });
      const deliverable = await createDeliverable(tx, { tenantId: T, projectId: project.id, name: 'Beams', type: 'structural', schemaId: schema.id });
      return { project, deliverable };
    });
    const task = await withActor(db, asHod, (tx) =>
      createTask(tx, { tenantId: T, projectId: project.id, deliverableId: deliverable.id, title: 'Check B1', assigneeId: eng.id }),
    );
    await withActor(db, asEng, (tx) => startTask(tx, { tenantId: T, taskId: task.id }));
    // output the schema forbids: refused, nothing written
    await rejectsWith(withActor(db, asEng, (tx) => submitVersion(tx, { tenantId: T, taskId: task.id, outputData: { utilisation: 'high' } })), ValidationError);
    const v1 = await withActor(db, asEng, (tx) => submitVersion(tx, { tenantId: T, taskId: task.id, outputData: { utilisation: 0.95 } }));
    expect(v1.version.riskScore).toBeCloseTo(0.6);
    const queue = await withActor(db, asRev, (tx) => reviewQueue(tx, { tenantId: T }));
    expect(queue.items.map((i) => i.taskId ?? (i as { id?: string }).id)).toContain(task.id);
    await withActor(db, asRev, (tx) => reviewVersion(tx, { tenantId: T, taskId: task.id, version: 1, decision: 'request_changes', comments: 'add B2' }));
    await withActor(db, asEng, async (tx) => {
      await startTask(tx, { tenantId: T, taskId: task.id });
      await submitVersion(tx, { tenantId: T, taskId: task.id, outputData: { utilisation: 0.7 } });
    });
    const done = await withActor(db, asRev, (tx) => reviewVersion(tx, { tenantId: T, taskId: task.id, version: 2, decision: 'approve' }));
    expect(done.task.status).toBe('completed');
    const history = await withActor(db, asHod, (tx) => taskHistory(tx, { tenantId: T, taskId: task.id }));
    expect(history.versions).toHaveLength(2);
    expect(history.reviews.map((r) => r.decision)).toEqual(['request_changes', 'approve']);
    const audit = await withActor(db, asHod, (tx) => listAuditLog(tx, { tenantId: T, tableName: 'tasks', limit: 50 }));
    expect(audit.items.length).toBeGreaterThan(0);
    const eve = await outsider(db);
    expect(await withActor(db, eve, (tx) => rows(tx, sql`select id from tasks where tenant_id = ${T}`))).toEqual([]);
  });

  it('seed 001 — workspaces: a company domain joins its tenant, everyone has a private personal project, chats with agents', async () => {
    const { db } = t();
    const founder = await signUp(db, 'founder');
    const domain = `co-${tag()}.test`;
    const { tenant: company } = await createTenant(db, {
      name: 'Co',
      slug: `co-${tag()}`,
      ownerId: founder.id,
      companyEmailDomains: [domain],
    });
    const global = (await rows<{ id: string }>(db, sql`select id from tenants where is_global`))[0]
      ?? (await createTenant(db, { name: 'Everyone', slug: `everyone-${tag()}`, ownerId: founder.id, isGlobal: true })).tenant;
    // sign-up with the company's domain: member of the company and of the global workspace, with a personal project
    const ann = await signUp(db, 'ann', domain);
    const member = await rows<{ tenant_id: string }>(db, sql`select tenant_id from tenant_memberships where user_id = ${ann.id}`);
    expect(member.map((m) => m.tenant_id).sort()).toEqual([company.id, global.id].sort());
    const [personal] = await rows<{ id: string }>(db, sql`select id from projects where owner_id = ${ann.id} and is_personal`);
    const asAnnGlobal = { userId: ann.id, tenantId: global.id };
    const session = await withActor(db, asAnnGlobal, (tx) => createSession(tx, { tenantId: global.id, projectId: personal!.id, title: 'ideas' }));
    await withActor(db, asAnnGlobal, async (tx) => {
      await appendMessage(tx, { tenantId: global.id, sessionId: session.id, role: 'user', content: 'Plan the launch' });
      await appendMessage(tx, { tenantId: global.id, sessionId: session.id, role: 'assistant', agentType: 'orchestrator', content: 'Three steps: scope, build, ship' });
    });
    const page = await withActor(db, asAnnGlobal, (tx) => listMessages(tx, { tenantId: global.id, sessionId: session.id }));
    expect(page.items.map((m) => m.sequence)).toEqual([1, 2]);
    // in the company: Ann creates a project and works in it at once
    const asAnn = { userId: ann.id, tenantId: company.id };
    const project = await withActor(db, asAnn, (tx) => createProject(tx, { tenantId: company.id, name: 'Launch' }));
    await withActor(db, asAnn, (tx) => createDocument(tx, { tenantId: company.id, projectId: project.id, kind: 'prd', title: 'PRD', content: {} }));
    // the founder (owner of the company, member of the global workspace) sees none of Ann's personal work
    const asFounderGlobal = { userId: founder.id, tenantId: global.id };
    const seen = await withActor(db, asFounderGlobal, (tx) =>
      rows<{ n: number }>(tx, sql`select (select count(*)::int from projects where id = ${personal!.id}) + (select count(*)::int from chat_sessions where id = ${session.id}) as n`),
    );
    expect(seen[0]!.n).toBe(0);
  });

  it('seed 002 — CodingIT: agent tasks with logs, credits spent to the last one, chat, API key, clean-up by status', async () => {
    const { db } = t();
    const dev = await signUp(db, 'dev');
    const { tenant } = await createTenant(db, { name: 'Team', slug: `team-${tag()}`, ownerId: dev.id });
    const T = tenant.id;
    const asDev = { userId: dev.id, tenantId: T };
    await grantCredits(db, { tenantId: T, userId: dev.id, add: 2 });
    const agent = await withActor(db, asDev, async (tx) => {
      const a = await createAgentTask(tx, { tenantId: T, prompt: 'Add a login page', selectedAgent: 'coder' });
      await appendAgentLog(tx, { tenantId: T, taskId: a.id, message: 'cloned repo' });
      await appendAgentLog(tx, { tenantId: T, taskId: a.id, level: 'warning', message: 'tests slow' });
      await updateAgentTask(tx, { tenantId: T, taskId: a.id, status: 'completed', progress: 100 });
      return a;
    });
    const logs = await withActor(db, asDev, (tx) => listAgentLogs(tx, { tenantId: T, taskId: agent.id }));
    expect(logs.items.map((l) => l.message)).toEqual(['cloned repo', 'tests slow']);
    const key = randomUUID();
    expect((await withActor(db, asDev, (tx) => consumeCredits(tx, { tenantId: T, userId: dev.id, amount: 1, idempotencyKey: key }))).remaining).toBe(1);
    expect((await withActor(db, asDev, (tx) => consumeCredits(tx, { tenantId: T, userId: dev.id, amount: 1, idempotencyKey: key }))).remaining).toBe(1); // a retry
    await withActor(db, asDev, (tx) => consumeCredits(tx, { tenantId: T, userId: dev.id, amount: 1 }));
    await rejectsWith(withActor(db, asDev, (tx) => consumeCredits(tx, { tenantId: T, userId: dev.id, amount: 1 })), InsufficientCreditsError);
    const session = await withActor(db, asDev, (tx) => createSession(tx, { tenantId: T, title: 'pair', externalId: 'client-1' }));
    await withActor(db, asDev, (tx) => appendMessage(tx, { tenantId: T, sessionId: session.id, role: 'user', content: 'why does the build fail', sequence: 1 }));
    await rejectsWith(
      withActor(db, asDev, (tx) => appendMessage(tx, { tenantId: T, sessionId: session.id, role: 'user', content: 'something else', sequence: 1 })),
      ConflictError,
    );
    const hits = await withActor(db, asDev, (tx) => searchMessages(tx, { tenantId: T, query: 'build' }));
    expect(hits).toHaveLength(1);
    const { key: apiKey } = await withActor(db, asDev, (tx) => issueApiKey(tx, { tenantId: T, name: 'cli', scopes: ['documents:read'] }));
    expect(await verifyApiKey(db, { key: apiKey, requiredScopes: ['documents:read'] })).toMatchObject({ ok: true, tenantId: T, userId: dev.id });
    expect(await withActor(db, asDev, (tx) => deleteAgentTasks(tx, { tenantId: T, statuses: ['completed'] }))).toBe(1);
    expect(await rows(db, sql`select 1 from agent_task_logs where task_id = ${agent.id}`)).toEqual([]);
  });

  it('seed 003 — BusinessCopilot: documents per kind, a direct task workflow, a project version snapshot', async () => {
    const { db } = t();
    const pm = await signUp(db, 'pm');
    const writer = await signUp(db, 'writer');
    const { tenant } = await createTenant(db, { name: 'Copilot', slug: `copilot-${tag()}`, ownerId: pm.id });
    const T = tenant.id;
    const asPm = { userId: pm.id, tenantId: T };
    const asWriter = { userId: writer.id, tenantId: T };
    await withActor(db, asPm, (tx) => addTenantMember(tx, { tenantId: T, userId: writer.id }));
    const project = await withActor(db, asPm, async (tx) => {
      const p = await createProject(tx, { tenantId: T, name: 'Launch plan', taskWorkflow: 'direct' });
      await addProjectMember(tx, { tenantId: T, projectId: p.id, userId: writer.id, role: 'contributor' });
      return p;
    });
    const docs = await withActor(db, asWriter, async (tx) => {
      const out: Record<string, string> = {};
      for (const kind of ['overview', 'prd', 'marketing', 'tech'] as const)
        out[kind] = (await createDocument(tx, { tenantId: T, projectId: project.id, kind, title: kind, content: { draft: 1 } })).document.id;
      await appendRevision(tx, { tenantId: T, documentId: out.prd!, expectedRev: 1, content: { draft: 2 } });
      return out;
    });
    const v1 = await withActor(db, asPm, (tx) => createProjectVersion(tx, { tenantId: T, projectId: project.id, changeNote: 'first cut' }));
    await withActor(db, asWriter, (tx) => appendRevision(tx, { tenantId: T, documentId: docs.prd!, content: { draft: 3 } }));
    const snapshot = await withActor(db, asPm, (tx) => getProjectVersion(tx, { tenantId: T, projectId: project.id, version: v1.version }));
    expect(snapshot.documents.find((d) => d.documentId === docs.prd)!.rev).toBe(2); // the snapshot keeps rev 2
    expect((await withActor(db, asPm, (tx) => getDocument(tx, { tenantId: T, documentId: docs.prd! }))).currentRev).toBe(3);
    // tasks go pending → completed directly, by their assignee
    const task = await withActor(db, asPm, (tx) => createTask(tx, { tenantId: T, projectId: project.id, title: 'Write tagline', assigneeId: writer.id }));
    expect((await withActor(db, asWriter, (tx) => completeTask(tx, { tenantId: T, taskId: task.id }))).status).toBe('completed');
    const eve = await outsider(db);
    expect(await withActor(db, eve, (tx) => rows(tx, sql`select id from documents where tenant_id = ${T}`))).toEqual([]);
  });

  it('seed 004 — tenant RAG: a model, tagged chunks, vector and hybrid search, an evaluation, a key, an erasure', async () => {
    const { db } = t();
    const admin = await signUp(db, 'ragadmin');
    const { tenant } = await createTenant(db, { name: 'Knowledge', slug: `rag-${tag()}`, ownerId: admin.id, retentionDays: 400 });
    const T = tenant.id;
    const asAdmin = { userId: admin.id, tenantId: T };
    const { user: analyst } = await inviteUser(db, { tenantId: T, email: `analyst-${tag()}@example.test`, invitedBy: admin.id });
    const asAnalyst = { userId: analyst.id, tenantId: T };
    const model = await withActor(db, asAdmin, (tx) => registerEmbeddingModel(tx, { tenantId: T, name: 'mini', dimensions: 8 }));
    const texts = ['refund policy for annual plans', 'security audit schedule', 'refund window is thirty days'];
    await withActor(db, asAnalyst, (tx) =>
      ingestChunks(tx, {
        tenantId: T,
        modelId: model.id,
        chunks: texts.map((content, i) => ({
          sourceType: 'manual' as const,
          sourceId: randomUUID(),
          chunkIndex: 0,
          content,
          tags: i === 1 ? ['security'] : ['billing'],
          embedding: unitVector(8, i === 1 ? 5 : 2),
        })),
      }),
    );
    const near = await withActor(db, asAnalyst, (tx) =>
      searchSimilar(tx, { tenantId: T, modelId: model.id, embedding: unitVector(8, 2), k: 2, filters: { tagsAny: ['billing'] } }),
    );
    expect(near.map((h) => h.content).sort()).toEqual(['refund policy for annual plans', 'refund window is thirty days']);
    const hybrid = await withActor(db, asAnalyst, (tx) =>
      searchHybrid(tx, { tenantId: T, modelId: model.id, embedding: unitVector(8, 2), query: 'thirty days', k: 1 }),
    );
    expect(hybrid[0]!.content).toBe('refund window is thirty days');
    const [ev] = await withActor(db, asAnalyst, (tx) => tx.insert(s.ragEvaluations).values({ tenantId: T, query: 'refund window?', answer: '30 days' }).returning());
    await withActor(db, asAnalyst, (tx) =>
      tx.insert(s.ragMetrics).values([
        { tenantId: T, evaluationId: ev!.id, relevanceScore: 0.9, latencyMs: 120 },
        { tenantId: T, evaluationId: ev!.id, relevanceScore: 0.8, latencyMs: 110 },
      ]),
    );
    const { key } = await withActor(db, asAdmin, (tx) => issueApiKey(tx, { tenantId: T, name: 'ingest', scopes: ['search:write'] }));
    expect((await verifyApiKey(db, { key, requiredScopes: ['documents:read'] })).ok).toBe(false); // out of scope
    // the analyst leaves and asks to be forgotten
    const req = await withActor(db, asAdmin, (tx) => requestDeletion(tx, { tenantId: T, scope: 'user', userId: analyst.id }));
    await deletionDryRun(db, { tenantId: T, requestId: req.id });
    expect((await executeDeletion(db, { tenantId: T, requestId: req.id })).done).toBe(true);
    expect(await rows(db, sql`select 1 from tenant_memberships where tenant_id = ${T} and user_id = ${analyst.id}`)).toEqual([]);
    // the knowledge stays the tenant's
    expect(await rows(db, sql`select 1 from chunks where tenant_id = ${T}`)).toHaveLength(3);
    const eve = await outsider(db);
    expect(await withActor(db, eve, (tx) => rows(tx, sql`select id from chunks where tenant_id = ${T}`))).toEqual([]);
  });
});
