/**
 * The demo story (`npm run demo`, `ai-platform-db demo`): a realistic walk through the
 * package on an embedded PGlite (or a server with --database-url). Each step prints what it
 * did and what the database answered.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { withActor, withService } from './actor.js';
import { issueApiKey } from './queries/apiKeys.js';
import { verifyApiKey } from './jobs/apiKeys.js';
import { createTenant, inviteUser } from './jobs/tenants.js';
import { createProject } from './queries/projects.js';
import { addProjectMember, registerEmbeddingModel } from './queries/tenants.js';
import { appendMessage, createSession, searchMessages } from './queries/conversations.js';
import { consumeCredits, grantCredits } from './queries/metering.js';
import { createDb, createEmbeddedDb, migrate, type Db } from './db.js';
import { appendRevision, createDocument, diffRevisions, restoreRevision } from './queries/documents.js';
import { mapDbError } from './queries/errors.js';
import { ingestChunks, searchHybrid, searchSimilar } from './queries/search.js';
import { createTask, reviewQueue, reviewVersion, startTask, submitVersion, taskHistory } from './queries/tasks.js';
import * as s from './schema/index.js';

export interface DemoOptions {
  databaseUrl?: string;
  log?: (line: string) => void;
}

/** A deterministic pseudo-embedding: words hashed into `dims` buckets, normalised. */
export function toyEmbedding(text: string, dims = 384): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    const h = createHash('sha256').update(word).digest();
    v[h.readUInt32BE(0) % dims]! += 1;
    v[h.readUInt32BE(4) % dims]! += 0.5;
  }
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const log = options.log ?? ((l: string) => console.log(l));
  // on a terminal, a step that takes more than half a second shows a live elapsed counter
  const live = !options.log && process.stdout.isTTY;
  const step = async <T>(title: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    log(`\n▸ ${title}`);
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let frame = 0;
    const ticker = live
      ? setInterval(() => {
          const ms = performance.now() - t0;
          if (ms > 500) process.stdout.write(`\r  ${frames[frame++ % frames.length]} ${(ms / 1000).toFixed(1)} s`);
        }, 100)
      : undefined;
    let ok = false;
    try {
      const out = await fn();
      ok = true;
      return out;
    } finally {
      if (ticker) {
        clearInterval(ticker);
        process.stdout.write('\r\x1b[2K');
      }
      log(ok ? `  (${Math.round(performance.now() - t0)} ms)` : `  failed after ${Math.round(performance.now() - t0)} ms`);
    }
  };

  const db: Db = await step(
    options.databaseUrl ? 'Connecting to the PostgreSQL server' : 'Starting an embedded PostgreSQL (PGlite + pgvector)',
    () => (options.databaseUrl ? createDb(options.databaseUrl) : createEmbeddedDb()),
  );
  try {
    await step(
      'Applying the migrations: extensions, roles, helpers, 54 tables with policies, triggers, partitions',
      async () => {
        await migrate(db);
        const [row] = await db
          .execute<{ tables: number; policies: number }>(
            sql`select (select count(*)::int from pg_tables where schemaname = 'public') as tables,
                   (select count(*)::int from pg_policies where schemaname = 'public') as policies`,
          )
          .then((r) => ((r as { rows?: unknown[] }).rows ?? r) as { tables: number; policies: number }[]);
        log(`  ${row!.tables} tables (partitions included), ${row!.policies} row-level security policies`);
      },
    );

    const world = await step('Two tenants, their people and a project, through the set-up operations', async () => {
      const suffix = Date.now().toString(36);
      // sign-ups are the identity provider's (on Supabase, the auth.users sync writes these rows)
      const signUp = async (email: string, fullName: string) =>
        (await db.insert(s.users).values({ email: email.replace('@', `+${suffix}@`), fullName }).returning())[0]!;
      const ada = await signUp('ada@acme.test', 'Ada (owner)');
      const gus = await signUp('gus@globex.test', 'Gus (Globex)');
      const { tenant: acme } = await createTenant(db, { name: 'Acme Engineering', slug: `acme-${suffix}`, ownerId: ada.id });
      const { tenant: globex } = await createTenant(db, { name: 'Globex', slug: `globex-${suffix}`, ownerId: gus.id });
      const { user: ben } = await inviteUser(db, {
        tenantId: acme.id,
        email: `ben+${suffix}@acme.test`,
        role: 'member',
        invitedBy: ada.id,
      });
      const asAda = { userId: ada.id, tenantId: acme.id };
      const bridge = await withActor(db, asAda, (tx) => createProject(tx, { tenantId: acme.id, name: 'Harbour bridge' }));
      await withActor(db, asAda, (tx) =>
        addProjectMember(tx, { tenantId: acme.id, projectId: bridge.id, userId: ben.id, role: 'contributor' }),
      );
      log(`  Acme: Ada (owner, creates the project "Harbour bridge"), Ben (invited by Ada, contributor)`);
      log(`  Globex: Gus (owner)`);
      return { acme: acme.id, globex: globex.id, ada: ada.id, ben: ben.id, gus: gus.id, bridge: bridge.id };
    });
    const asBen = <T>(fn: Parameters<typeof withActor<T>>[2]) =>
      withActor(db, { userId: world.ben, tenantId: world.acme }, fn);
    const asGus = <T>(fn: Parameters<typeof withActor<T>>[2]) =>
      withActor(db, { userId: world.gus, tenantId: world.globex }, fn);

    await step('Ben writes a design document; every change is a new revision numbered by the database', async () => {
      const doc = await asBen(async (tx) => {
        const { document } = await createDocument(tx, {
          tenantId: world.acme,
          projectId: world.bridge,
          kind: 'requirements',
          title: 'Load requirements',
          content: { loadKn: 400 },
          bodyMd: '# Loads\nDead load 400 kN.\n',
        });
        await appendRevision(tx, {
          tenantId: world.acme,
          documentId: document.id,
          expectedRev: 1,
          content: { loadKn: 450, note: 'wind' },
          bodyMd: '# Loads\nDead load 450 kN.\nWind included.\n',
        });
        return document;
      });
      const stale = await asBen((tx) =>
        appendRevision(tx, { tenantId: world.acme, documentId: doc.id, expectedRev: 1, content: { loadKn: 999 } }),
      ).catch((e: unknown) => mapDbError(e) as Error);
      log(
        `  a stale edit (expectedRev 1) is refused: ${(stale as Error).name} — the document is at ${JSON.stringify((stale as { current?: unknown }).current)}`,
      );
      const diff = await asBen((tx) => diffRevisions(tx, { tenantId: world.acme, documentId: doc.id, from: 1, to: 2 }));
      log(
        `  diff rev 1 → 2: ${JSON.stringify(diff.patch)}; markdown +${diff.textStats.added} −${diff.textStats.removed} lines`,
      );
      const restored = await asBen((tx) => restoreRevision(tx, { tenantId: world.acme, documentId: doc.id, rev: 1 }));
      log(`  restoring rev 1 creates rev ${restored.rev}; history is never rewritten`);
      const refused = await asBen((tx) =>
        tx.execute(sql`update document_revisions set content = '{}' where document_id = ${doc.id}`),
      ).catch((e: unknown) => mapDbError(e) as Error);
      log(`  rewriting history directly is refused: ${(refused as Error).name}`);
    });

    await step('A task is submitted by Ben and reviewed by Ada (the database enforces the state machine)', async () => {
      const task = await withActor(db, { userId: world.ada, tenantId: world.acme }, (tx) =>
        createTask(tx, {
          tenantId: world.acme,
          projectId: world.bridge,
          title: 'Check beam B1',
          assigneeId: world.ben,
        }),
      );
      const key = { tenantId: world.acme, taskId: task.id };
      await asBen((tx) => startTask(tx, key));
      const sub = await asBen((tx) => submitVersion(tx, { ...key, outputData: { utilisation: 0.82 }, riskScore: 0.3 }));
      log(`  Ben submits version ${sub.version.version}: task is ${sub.task.status}`);
      const self = await asBen((tx) => reviewVersion(tx, { ...key, version: 1, decision: 'approve' })).catch(
        (e: unknown) => mapDbError(e) as Error,
      );
      log(`  Ben approving his own work: ${(self as Error).name}`);
      const queue = await withActor(db, { userId: world.ada, tenantId: world.acme }, (tx) =>
        reviewQueue(tx, { tenantId: world.acme }),
      );
      log(`  Ada's review queue: ${queue.items.map((i) => `"${i.title}" v${i.version}`).join(', ')}`);
      const done = await withActor(db, { userId: world.ada, tenantId: world.acme }, (tx) =>
        reviewVersion(tx, { ...key, version: 1, decision: 'approve', comments: 'looks right' }),
      );
      const history = await withActor(db, { userId: world.ada, tenantId: world.acme }, (tx) => taskHistory(tx, key));
      log(`  Ada approves: task is ${done.task.status}; events: ${history.events.map((e) => e.kind).join(' → ')}`);
    });

    await step('Knowledge chunks ingested, then vector and hybrid search under RLS', async () => {
      const texts = [
        'Bridge deck load combinations for wind and traffic',
        'Concrete curing time in cold weather',
        'Cable stay fatigue inspection schedule',
        'Wind tunnel test results for the deck section',
      ];
      const model = await withActor(db, { userId: world.ada, tenantId: world.acme }, (tx) =>
        registerEmbeddingModel(tx, { tenantId: world.acme, name: 'toy-384', dimensions: 384 }),
      );
      const ingested = await asBen((tx) =>
        ingestChunks(tx, {
          tenantId: world.acme,
          modelId: model.id,
          projectId: world.bridge,
          chunks: texts.map((content, i) => ({
            sourceType: 'manual' as const,
            sourceId: world.bridge,
            chunkIndex: i,
            content,
            embedding: toyEmbedding(content),
          })),
        }),
      );
      log(`  ingested ${ingested.inserted} chunks (a retry would skip them: idempotent by content hash)`);
      const q = toyEmbedding('wind loads on the deck');
      const hits = await asBen((tx) =>
        searchSimilar(tx, { tenantId: world.acme, modelId: model.id, embedding: q, k: 2 }),
      );
      log('  vector search "wind loads on the deck":');
      for (const h of hits) log(`    ${h.distance.toFixed(3)}  ${h.content}`);
      const fused = await asBen((tx) =>
        searchHybrid(tx, { tenantId: world.acme, modelId: model.id, embedding: q, query: 'fatigue inspection', k: 2 }),
      );
      log('  hybrid search (+ full text "fatigue inspection"):');
      for (const h of fused) log(`    rrf ${h.score.toFixed(4)}  ${h.content}`);
    });

    await step('Ben chats with the assistant, gets an API key and spends a credit', async () => {
      const chat = await asBen((tx) =>
        createSession(tx, { tenantId: world.acme, projectId: world.bridge, title: 'Deck loads' }),
      );
      await asBen((tx) =>
        appendMessage(tx, {
          tenantId: world.acme,
          sessionId: chat.id,
          role: 'user',
          content: 'Which load case governs the deck?',
          sequence: 1,
        }),
      );
      await asBen((tx) =>
        appendMessage(tx, {
          tenantId: world.acme,
          sessionId: chat.id,
          role: 'assistant',
          content: 'Wind plus traffic (LC3) governs at midspan.',
          sequence: 2,
        }),
      );
      const retry = await asBen((tx) =>
        appendMessage(tx, {
          tenantId: world.acme,
          sessionId: chat.id,
          role: 'user',
          content: 'Which load case governs the deck?',
          sequence: 1,
        }),
      );
      log(`  2 messages numbered by the database; a retried message 1 is recognised (inserted: ${retry.inserted})`);
      const found = await asBen((tx) => searchMessages(tx, { tenantId: world.acme, query: 'governs' }));
      log(`  message search "governs": ${found.length} hits, e.g. ${found[0]!.headline}`);
      const { key } = await asBen((tx) =>
        issueApiKey(tx, { tenantId: world.acme, name: 'ci', scopes: ['documents:read'] }),
      );
      const ok = await verifyApiKey(db, { key, requiredScopes: ['documents:read'] });
      const wrong = await verifyApiKey(db, { key: key.slice(0, -1) + (key.endsWith('x') ? 'y' : 'x') });
      log(
        `  API key ${key.slice(0, 20)}… verifies: ${ok.ok}; one character off: ${wrong.ok ? 'accepted?!' : `refused (${'reason' in wrong ? wrong.reason : ''})`}`,
      );
      await withService(db, (tx) => grantCredits(tx, { tenantId: world.acme, userId: world.ben, add: 1 }));
      const spent = await asBen((tx) => consumeCredits(tx, { tenantId: world.acme, userId: world.ben }));
      const broke = await asBen((tx) => consumeCredits(tx, { tenantId: world.acme, userId: world.ben })).catch(
        (e: unknown) => (e as Error).name,
      );
      log(`  credits: one spent (${spent.remaining} left), the next refused: ${String(broke)}`);
    });

    await step('Gus from Globex tries to read and write Acme data', async () => {
      const seen = await asGus((tx) => tx.select({ id: s.chunks.id }).from(s.chunks));
      log(`  Gus sees ${seen.length} of Acme's chunks`);
      const err = await asGus((tx) =>
        tx.insert(s.documents).values({ tenantId: world.acme, projectId: world.bridge, kind: 'prd', title: 'x' }),
      ).catch((e: unknown) => mapDbError(e) as Error);
      log(`  Gus inserting into Acme's project: ${(err as Error).name} — ${(err as Error).message.split('\n')[0]}`);
      const forged = await withActor(db, { userId: world.gus, tenantId: world.acme }, (tx) =>
        tx.select({ id: s.projects.id }).from(s.projects),
      );
      log(`  Gus forging an Acme tenant claim sees ${forged.length} projects`);
    });
    log('\nDone.');
  } finally {
    await db.close();
  }
}
