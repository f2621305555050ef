/**
 * A small world for the RLS and schema tests, written as the migration owner (RLS bypassed):
 * tenant A with an owner, an admin, a member and a viewer; tenant B with its own member;
 * a user with no membership. Project P in A: the member is a contributor, the viewer a
 * viewer. `seedEveryTable` then puts one row of A into every table; the member owns the
 * user-owned rows and is the assignee of the task.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db.js';
import * as s from '../../src/schema/index.js';
import { rowsOf } from './expect.js';

export interface World {
  tenantA: string;
  tenantB: string;
  projectA: string;
  projectB: string;
  users: { owner: string; admin: string; member: string; viewer: string; outsider: string; stranger: string };
}

export async function createWorld(db: Db, label = randomUUID().slice(0, 8)): Promise<World> {
  const [a] = await db
    .insert(s.tenants)
    .values({ name: `Tenant A ${label}`, slug: `a-${label}` })
    .returning();
  const [b] = await db
    .insert(s.tenants)
    .values({ name: `Tenant B ${label}`, slug: `b-${label}` })
    .returning();
  const mk = async (who: string) => {
    const [u] = await db
      .insert(s.users)
      .values({ email: `${who}-${label}@example.test`, fullName: who })
      .returning();
    return u!.id;
  };
  const users = {
    owner: await mk('owner'),
    admin: await mk('admin'),
    member: await mk('member'),
    viewer: await mk('viewer'),
    outsider: await mk('outsider'),
    stranger: await mk('stranger'),
  };
  const tA = a!.id;
  const tB = b!.id;
  await db.insert(s.tenantMemberships).values([
    { tenantId: tA, userId: users.owner, role: 'owner' },
    { tenantId: tA, userId: users.admin, role: 'admin' },
    { tenantId: tA, userId: users.member, role: 'member' },
    { tenantId: tA, userId: users.viewer, role: 'viewer' },
    { tenantId: tB, userId: users.outsider, role: 'owner' },
  ]);
  // projects by explicit columns: the upgrade suite writes this world under older schemas too
  const project = async (tenant: string, owner: string, name: string) =>
    rowsOf<{ id: string }>(
      await db.execute(
        sql`insert into projects (tenant_id, name, owner_id, created_by) values (${tenant}, ${name}, ${owner}, ${owner}) returning id`,
      ),
    )[0]!;
  const pA = await project(tA, users.owner, 'Project P');
  const pB = await project(tB, users.outsider, 'Project Q');
  await db.insert(s.projectMembers).values([
    { tenantId: tA, projectId: pA!.id, userId: users.member, role: 'contributor' },
    { tenantId: tA, projectId: pA!.id, userId: users.viewer, role: 'viewer' },
    { tenantId: tB, projectId: pB!.id, userId: users.outsider, role: 'owner' },
  ]).onConflictDoNothing();
  return { tenantA: tA, tenantB: tB, projectA: pA!.id, projectB: pB!.id, users };
}

/** A unit vector of `dims` pointing mostly along axis `k`. */
export function unitVector(dims: number, k: number): number[] {
  const v = Array.from({ length: dims }, (_, i) => (i === k % dims ? 1 : 0.01));
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return v.map((x) => x / n);
}

const HASH = (c: string) => c.repeat(64).slice(0, 64);

/**
 * One row of tenant A in every table, plus the keys of each row (for the leak matrix).
 * Returns table name -> primary-key values of its fixture row.
 */
export async function seedEveryTable(db: Db, w: World): Promise<Record<string, Record<string, unknown>>> {
  const t = w.tenantA;
  const p = w.projectA;
  const u = w.users;
  const keys: Record<string, Record<string, unknown>> = {};
  const one = async <R>(rows: R[]) => rows[0]!;

  keys.tenants = { id: t };
  keys.users = { id: u.member };
  keys.tenant_memberships = { tenant_id: t, user_id: u.member };
  await db.insert(s.systemAdmins).values({ userId: u.stranger });
  keys.system_admins = { user_id: u.stranger };
  keys.user_profiles = { user_id: u.member }; // created by the new-user trigger
  const key = await one(
    await db
      .insert(s.apiKeys)
      .values({ tenantId: t, userId: u.member, name: 'k', prefix: `pfx${Date.now()}`, keyHash: HASH('a') })
      .returning(),
  );
  keys.api_keys = { tenant_id: t, id: key.id };
  keys.projects = { tenant_id: t, id: p };
  keys.project_members = { tenant_id: t, project_id: p, user_id: u.member };
  const pv = await one(
    await db.insert(s.projectVersions).values({ tenantId: t, projectId: p, version: 0 }).returning(),
  );
  keys.project_versions = { tenant_id: t, project_id: p, version: pv.version };

  const doc = await one(
    await db
      .insert(s.documents)
      .values({ tenantId: t, projectId: p, kind: 'prd', title: 'PRD', createdBy: u.member })
      .returning(),
  );
  keys.documents = { tenant_id: t, id: doc.id };
  const rev = await one(
    await db
      .insert(s.documentRevisions)
      .values({
        tenantId: t,
        documentId: doc.id,
        projectId: p,
        rev: 0,
        content: { a: 1 },
        contentHash: HASH('b'),
        createdBy: u.member,
      })
      .returning(),
  );
  keys.document_revisions = { tenant_id: t, document_id: doc.id, rev: rev.rev };
  await db
    .insert(s.projectVersionDocuments)
    .values({ tenantId: t, projectId: p, version: pv.version, documentId: doc.id, rev: rev.rev });
  keys.project_version_documents = { tenant_id: t, project_id: p, version: pv.version, document_id: doc.id };

  const ds = await one(await db.insert(s.deliverableSchemas).values({ tenantId: t, name: 'civil-v1' }).returning());
  keys.deliverable_schemas = { tenant_id: t, id: ds.id };
  const del = await one(
    await db
      .insert(s.deliverables)
      .values({ tenantId: t, projectId: p, schemaId: ds.id, name: 'D1', type: 'civil' })
      .returning(),
  );
  keys.deliverables = { tenant_id: t, id: del.id };
  const task = await one(
    await db
      .insert(s.tasks)
      .values({
        tenantId: t,
        projectId: p,
        deliverableId: del.id,
        title: 'T1',
        assigneeId: u.member,
        createdBy: u.admin,
      })
      .returning(),
  );
  keys.tasks = { tenant_id: t, id: task.id };
  const tv = await one(
    await db
      .insert(s.taskVersions)
      .values({ tenantId: t, taskId: task.id, projectId: p, version: 0, createdBy: u.member, riskScore: 0.2 })
      .returning(),
  );
  keys.task_versions = { tenant_id: t, task_id: task.id, version: tv.version };
  await db.execute(sql`update tasks set status = 'awaiting_review' where id = ${task.id}`);
  const review = await one(
    await db
      .insert(s.reviews)
      .values({
        tenantId: t,
        taskId: task.id,
        projectId: p,
        version: tv.version,
        reviewerId: u.admin,
        decision: 'request_changes',
      })
      .returning(),
  );
  keys.reviews = { tenant_id: t, id: review.id };
  const ev = await one(
    await db
      .insert(s.taskEvents)
      .values({ tenantId: t, taskId: task.id, projectId: p, kind: 'created', actorId: u.admin })
      .returning(),
  );
  keys.task_events = { tenant_id: t, id: ev.id };

  const src = await one(await db.insert(s.dataSources).values({ tenantId: t, name: 'S3', type: 'text' }).returning());
  keys.data_sources = { tenant_id: t, id: src.id };
  const obj = await one(
    await db
      .insert(s.ingestedObjects)
      .values({ tenantId: t, dataSourceId: src.id, url: 'https://cdn.example/o1' })
      .returning(),
  );
  keys.ingested_objects = { tenant_id: t, id: obj.id };
  const model = await one(
    await db.insert(s.embeddingModels).values({ tenantId: t, name: 'mini', dimensions: 3 }).returning(),
  );
  keys.embedding_models = { tenant_id: t, id: model.id };
  const chunk = await one(
    await db
      .insert(s.chunks)
      .values({
        tenantId: t,
        projectId: p,
        sourceType: 'ingested_object',
        sourceId: obj.id,
        objectId: obj.id,
        chunkIndex: 0,
        content: 'hello world',
        contentHash: HASH('c'),
        modelId: model.id,
        dims: 3,
        embedding: [1, 0, 0],
      })
      .returning({ id: s.chunks.id }),
  );
  keys.chunks = { tenant_id: t, id: chunk.id };
  const fte = await one(
    await db
      .insert(s.fineTuningExamples)
      .values({ tenantId: t, projectId: p, inputPrompt: 'q', correctOutput: 'a' })
      .returning(),
  );
  keys.fine_tuning_examples = { tenant_id: t, id: fte.id };

  const session = await one(
    await db.insert(s.chatSessions).values({ tenantId: t, projectId: p, userId: u.member, title: 'Chat' }).returning(),
  );
  keys.chat_sessions = { tenant_id: t, id: session.id };
  await db.insert(s.chatParticipants).values({ tenantId: t, sessionId: session.id, userId: u.member });
  keys.chat_participants = { tenant_id: t, session_id: session.id, user_id: u.member };
  const msg = await one(
    await db
      .insert(s.chatMessages)
      .values({ tenantId: t, sessionId: session.id, role: 'user', content: 'hi there', createdBy: u.member })
      .returning({ sequence: s.chatMessages.sequence, createdAt: s.chatMessages.createdAt }),
  );
  keys.chat_messages = { tenant_id: t, session_id: session.id, sequence: msg.sequence };

  const run = await one(
    await db.insert(s.agentRuns).values({ tenantId: t, agentType: 'coder', sessionId: session.id }).returning(),
  );
  keys.agent_runs = { tenant_id: t, id: run.id };
  const fail = await one(
    await db.insert(s.agentFailures).values({ tenantId: t, agentRunId: run.id, errorType: 'timeout' }).returning(),
  );
  keys.agent_failures = { tenant_id: t, id: fail.id };
  const at = await one(
    await db.insert(s.agentTasks).values({ tenantId: t, userId: u.member, prompt: 'fix it' }).returning(),
  );
  keys.agent_tasks = { tenant_id: t, id: at.id };
  const log = await one(
    await db
      .insert(s.agentTaskLogs)
      .values({ tenantId: t, taskId: at.id, userId: u.member, seq: 0, message: 'started' })
      .returning(),
  );
  keys.agent_task_logs = { tenant_id: t, task_id: at.id, seq: log.seq };
  const frag = await one(
    await db.insert(s.fragments).values({ tenantId: t, userId: u.member, title: 'F' }).returning(),
  );
  keys.fragments = { tenant_id: t, id: frag.id };
  const fx = await one(
    await db.insert(s.fragmentExecutions).values({ tenantId: t, fragmentId: frag.id, userId: u.member }).returning(),
  );
  keys.fragment_executions = { tenant_id: t, id: fx.id };

  const ev1 = await one(await db.insert(s.ragEvaluations).values({ tenantId: t, query: 'q?' }).returning());
  keys.rag_evaluations = { tenant_id: t, id: ev1.id };
  const metric = await one(await db.insert(s.ragMetrics).values({ tenantId: t, evaluationId: ev1.id, relevanceScore: 0.5 }).returning());
  keys.rag_metrics = { tenant_id: t, id: metric.id };
  const rep = await one(
    await db.insert(s.ragReports).values({ tenantId: t, evaluationId: ev1.id, reportUrl: 'https://r' }).returning(),
  );
  keys.rag_reports = { tenant_id: t, id: rep.id };

  const prov = await one(
    await db
      .insert(s.llmProviders)
      .values({ name: `openai-${randomUUID().slice(0, 6)}`, type: 'openai' })
      .returning(),
  );
  keys.llm_providers = { id: prov.id };
  const cfg = await one(
    await db.insert(s.tenantLlmConfigs).values({ tenantId: t, providerId: prov.id, modelName: 'gpt' }).returning(),
  );
  keys.tenant_llm_configs = { tenant_id: t, id: cfg.id };

  await db.insert(s.subscriptions).values({ tenantId: t, planType: 'pro', baseTokenLimit: 1000 });
  keys.subscriptions = { tenant_id: t };
  const tp = await one(
    await db
      .insert(s.tokenPurchases)
      .values({ tenantId: t, stripePaymentIntentId: 'pi_1', tokenAmount: 100, pricePaid: '9.99' })
      .returning(),
  );
  keys.token_purchases = { tenant_id: t, id: tp.id };
  await db.insert(s.creditBalances).values({ tenantId: t, userId: u.member, remaining: 5 });
  keys.credit_balances = { tenant_id: t, user_id: u.member };
  await db
    .insert(s.creditConsumptions)
    .values({ tenantId: t, idempotencyKey: 'fixture-1', userId: u.member, amount: 1, remaining: 4 });
  keys.credit_consumptions = { tenant_id: t, idempotency_key: 'fixture-1' };
  await db.insert(s.tenantQuotas).values({ tenantId: t, maxTokensPerDay: 1000 });
  keys.tenant_quotas = { tenant_id: t };
  await db.insert(s.usageDaily).values({ tenantId: t, day: '2026-11-01', tokensUsed: 10 });
  keys.usage_daily = { tenant_id: t, day: '2026-11-01' };
  const ue = await one(
    await db
      .insert(s.usageEvents)
      .values({ tenantId: t, kind: 'chat', userId: u.member, tokensIn: 5 })
      .returning({ id: s.usageEvents.id }),
  );
  keys.usage_events = { tenant_id: t, id: ue.id };

  await db.execute(sql`select set_config('app.encryption_key', 'fixture-key-0123456789', false)`);
  const conn = await one(
    await db
      .insert(s.apiConnections)
      .values({
        tenantId: t,
        projectId: p,
        name: 'CRM',
        apiType: 'rest',
        endpointUrl: 'https://api.example',
        authType: 'bearer',
        credentialsEncrypted: sql`app.encrypt_secret('sk-live-secret')` as never,
      })
      .returning({ id: s.apiConnections.id }),
  );
  keys.api_connections = { tenant_id: t, id: conn.id };
  const oc = await one(
    await db
      .insert(s.oauthConnections)
      .values({
        tenantId: t,
        projectId: p,
        provider: 'github',
        clientId: 'cid',
        clientSecretEncrypted: sql`app.encrypt_secret('client-secret')` as never,
        redirectUri: 'https://app/cb',
      })
      .returning({ id: s.oauthConnections.id }),
  );
  keys.oauth_connections = { tenant_id: t, id: oc.id };
  const tok = await one(
    await db
      .insert(s.oauthTokens)
      .values({ tenantId: t, connectionId: oc.id, accessTokenEncrypted: sql`app.encrypt_secret('at')` as never })
      .returning({ id: s.oauthTokens.id }),
  );
  keys.oauth_tokens = { tenant_id: t, id: tok.id };
  const ui = await one(
    await db
      .insert(s.userIntegrations)
      .values({ tenantId: t, userId: u.member, service: 'github' })
      .returning({ id: s.userIntegrations.id }),
  );
  keys.user_integrations = { tenant_id: t, id: ui.id };
  await db.execute(sql`select set_config('app.encryption_key', '', false)`);

  const art = await one(
    await db.insert(s.artifacts).values({ tenantId: t, projectId: p, title: 'App', artifactType: 'app' }).returning(),
  );
  keys.artifacts = { tenant_id: t, id: art.id };
  const af = await one(
    await db
      .insert(s.artifactFiles)
      .values({
        tenantId: t,
        artifactId: art.id,
        projectId: p,
        fileName: 'index.html',
        fileType: 'html',
        fileSize: 10,
        filePath: 'index.html',
        storagePath: 's3://x',
      })
      .returning(),
  );
  keys.artifact_files = { tenant_id: t, id: af.id };
  const wf = await one(
    await db
      .insert(s.workspaceFiles)
      .values({ tenantId: t, userId: u.member, path: 'src/a.ts', name: 'a.ts' })
      .returning(),
  );
  keys.workspace_files = { tenant_id: t, id: wf.id };
  const fu = await one(
    await db
      .insert(s.fileUploads)
      .values({
        tenantId: t,
        userId: u.member,
        fileName: 'a.pdf',
        filePath: 'u/a.pdf',
        fileSize: 3,
        bucketName: 'uploads',
      })
      .returning(),
  );
  keys.file_uploads = { tenant_id: t, id: fu.id };

  const al = await one(
    await db
      .insert(s.auditLogs)
      .values({ tenantId: t, action: 'fixture', actorId: u.admin })
      .returning({ id: s.auditLogs.id }),
  );
  keys.audit_logs = { tenant_id: t, id: al.id };
  const dr = await one(
    await db
      .insert(s.deletionRequests)
      .values({ tenantId: t, scope: 'user', userId: u.viewer, requestedBy: u.admin })
      .returning(),
  );
  keys.deletion_requests = { tenant_id: t, id: dr.id };
  const rj = await one(await db.insert(s.retentionJobs).values({ tenantId: t }).returning());
  keys.retention_jobs = { tenant_id: t, id: rj.id };
  return keys;
}
