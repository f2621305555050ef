/** Versioned documents: the operations, their rules and errors, on every backend; concurrency and faults on the server. */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor, withService } from '../src/actor.js';
import type { Db } from '../src/db.js';
import {
  appendRevision,
  createDocument,
  createProjectVersion,
  diffRevisions,
  getDocument,
  getProjectVersion,
  getRevision,
  listRevisions,
  lockDocument,
  restoreRevision,
  setDocumentStatus,
  splitMarkdownSections,
  unlockDocument,
} from '../src/queries/documents.js';
import {
  AppendOnlyError,
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  LockedError,
  NotFoundError,
  ValidationError,
} from '../src/queries/errors.js';
import * as s from '../src/schema/index.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { untilSleeping } from './support/server.js';
import { createWorld, unitVector, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const count = async (db: Db, table: string, docId: string) =>
  rowsOf<{ n: number }>(
    await db.execute(sql.raw(`select count(*)::int as n from ${table} where document_id = '${docId}'`)),
  )[0]!.n;

describeBackends('documents', (t) => {
  let w: World;
  const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
    withActor(t().db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  const newDoc = (title = 'Spec', content: unknown = { v: 1 }, bodyMd?: string) =>
    as('member', (tx) =>
      createDocument(tx, {
        tenantId: w.tenantA,
        projectId: w.projectA,
        kind: 'requirements',
        title,
        content,
        ...(bodyMd ? { bodyMd } : {}),
      }),
    );

  it('creates a draft document with its first revision, atomically', async () => {
    const { document, revision } = await newDoc('Load spec', { loads: [1, 2] }, '# Loads\nwind');
    expect(revision).toMatchObject({ rev: 1, created: true });
    expect(document).toMatchObject({ status: 'draft', currentRev: 1, title: 'Load spec' });
    const got = await as('viewer', (tx) => getDocument(tx, { tenantId: w.tenantA, documentId: document.id }));
    expect(got).toMatchObject({
      currentRev: 1,
      content: { loads: [1, 2] },
      bodyMd: '# Loads\nwind',
      createdBy: w.users.member,
    });
    // invalid input: a typed error naming the field, nothing written
    const before = rowsOf<{ n: number }>(await t().db.execute(sql`select count(*)::int as n from documents`))[0]!.n;
    const err = await rejectsWith(
      as('member', (tx) =>
        createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: '  ', content: {} }),
      ),
      ValidationError,
    );
    expect(err.issues[0]!.path).toEqual(['title']);
    await rejectsWith(
      as('member', (tx) =>
        createDocument(tx, {
          tenantId: w.tenantA,
          projectId: w.projectA,
          kind: 'prd',
          title: 'x',
          content: { a: 'nul\u0000' },
        }),
      ),
      ValidationError,
    );
    await rejectsWith(
      as('member', (tx) =>
        createDocument(tx, {
          tenantId: w.tenantA,
          projectId: w.projectA,
          kind: 'nope' as never,
          title: 'x',
          content: {},
        }),
      ),
      ValidationError,
    );
    expect(rowsOf<{ n: number }>(await t().db.execute(sql`select count(*)::int as n from documents`))[0]!.n).toBe(
      before,
    );
  });

  it('appends with optimistic concurrency; equal content is an idempotent no-op', async () => {
    const { document: d } = await newDoc();
    const key = { tenantId: w.tenantA, documentId: d.id };
    expect(await as('member', (tx) => appendRevision(tx, { ...key, expectedRev: 1, content: { v: 2 } }))).toMatchObject(
      { rev: 2, created: true },
    );
    const stale = await rejectsWith(
      as('member', (tx) => appendRevision(tx, { ...key, expectedRev: 1, content: { v: 3 } })),
      ConflictError,
    );
    expect(stale.current).toEqual({ rev: 2 });
    expect(await count(t().db, 'document_revisions', d.id)).toBe(2);
    // a retry of the committed append (same content, old expectedRev) returns the current revision
    expect(await as('member', (tx) => appendRevision(tx, { ...key, expectedRev: 1, content: { v: 2 } }))).toMatchObject(
      { rev: 2, created: false },
    );
    // key order does not change the hash
    expect(await as('member', (tx) => appendRevision(tx, { ...key, content: { v: 2 } }))).toMatchObject({
      rev: 2,
      created: false,
    });
    expect(await as('member', (tx) => appendRevision(tx, { ...key, content: { v: 3 } }))).toMatchObject({
      rev: 3,
      created: true,
    });
    await rejectsWith(
      as('member', (tx) => appendRevision(tx, { ...key, expectedRev: -1, content: {} })),
      ValidationError,
    );
    const [doc] = await t()
      .db.select()
      .from(s.documents)
      .where(sql`id = ${d.id}`);
    expect(doc!.currentRev).toBe(3);
  });

  it('hides other tenants (NotFoundError) and refuses viewers (ForbiddenError)', async () => {
    const { document: d } = await newDoc();
    const key = { tenantId: w.tenantA, documentId: d.id };
    await rejectsWith(
      as('outsider', (tx) => getDocument(tx, key), w.tenantB),
      NotFoundError,
    );
    await rejectsWith(
      as('outsider', (tx) => appendRevision(tx, { ...key, content: { x: 1 } }), w.tenantB),
      NotFoundError,
    );
    await rejectsWith(
      as('outsider', (tx) => appendRevision(tx, { ...key, content: { x: 1 } }), w.tenantA),
      NotFoundError,
    );
    await rejectsWith(
      as('viewer', (tx) => appendRevision(tx, { ...key, content: { x: 1 } })),
      ForbiddenError,
    );
    await rejectsWith(
      as('viewer', (tx) => lockDocument(tx, key)),
      ForbiddenError,
    );
    expect(await count(t().db, 'document_revisions', d.id)).toBe(1);
  });

  it('refuses appends to a locked document until it is unlocked', async () => {
    const { document: d } = await newDoc();
    const key = { tenantId: w.tenantA, documentId: d.id };
    await as('member', (tx) => lockDocument(tx, key));
    await rejectsWith(
      as('member', (tx) => appendRevision(tx, { ...key, content: { locked: true } })),
      LockedError,
    );
    await as('member', (tx) => unlockDocument(tx, key));
    expect(await as('member', (tx) => appendRevision(tx, { ...key, content: { locked: false } }))).toMatchObject({
      rev: 2,
    });
  });

  it('reads a revision and pages through history, newest first', async () => {
    const { document: d } = await newDoc('History', { n: 1 });
    const key = { tenantId: w.tenantA, documentId: d.id };
    for (let n = 2; n <= 7; n++) await as('member', (tx) => appendRevision(tx, { ...key, content: { n } }));
    expect((await as('viewer', (tx) => getRevision(tx, { ...key, rev: 4 }))).content).toEqual({ n: 4 });
    await rejectsWith(
      as('viewer', (tx) => getRevision(tx, { ...key, rev: 99 })),
      NotFoundError,
    );
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await as('viewer', (tx) => listRevisions(tx, { ...key, limit: 3, ...(before ? { before } : {}) }));
      seen.push(...page.items.map((r) => r.rev));
      expect(page.items.every((r) => !('content' in r))).toBe(true);
      before = page.next;
      pages++;
    } while (before !== undefined);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(pages).toBe(3);
    const full = await as('viewer', (tx) => listRevisions(tx, { ...key, limit: 1, withContent: true }));
    expect(full.items[0]!.content).toEqual({ n: 7 });
    await rejectsWith(
      as('outsider', (tx) => listRevisions(tx, key), w.tenantB),
      NotFoundError,
    );
  });

  it('diffs two revisions: JSON patch of the content, unified diff of the markdown', async () => {
    const { document: d } = await newDoc(
      'Diff',
      { title: 'A', items: [{ id: 'x', n: 1 }], keep: true },
      '# A\nline one\nline two\n',
    );
    const key = { tenantId: w.tenantA, documentId: d.id };
    await as('member', (tx) =>
      appendRevision(tx, {
        ...key,
        content: {
          title: 'B',
          items: [
            { id: 'x', n: 2 },
            { id: 'y', n: 1 },
          ],
          keep: true,
        },
        bodyMd: '# A\nline one\nline 2\nline three\n',
      }),
    );
    const diff = await as('viewer', (tx) => diffRevisions(tx, { ...key, from: 1, to: 2 }));
    expect(diff.patch).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/title', value: 'B' },
        { op: 'replace', path: '/items/0/n', value: 2 },
        { op: 'add', path: '/items/1', value: { id: 'y', n: 1 } },
      ]),
    );
    expect(diff.textDiff).toContain('-line two');
    expect(diff.textDiff).toContain('+line three');
    expect(diff.textStats).toEqual({ added: 2, removed: 1 });
    const same = await as('viewer', (tx) => diffRevisions(tx, { ...key, from: 2, to: 2 }));
    expect(same).toMatchObject({ delta: undefined, patch: [], textDiff: '' });
  });

  it('restores an old revision as a new one, never rewriting history', async () => {
    const { document: d } = await newDoc('Restore', { v: 'one' });
    const key = { tenantId: w.tenantA, documentId: d.id };
    await as('member', (tx) => appendRevision(tx, { ...key, content: { v: 'two' } }));
    const r = await as('member', (tx) => restoreRevision(tx, { ...key, rev: 1, expectedRev: 2 }));
    expect(r).toMatchObject({ rev: 3, created: true });
    const rev3 = await as('member', (tx) => getRevision(tx, { ...key, rev: 3 }));
    expect(rev3).toMatchObject({ content: { v: 'one' }, restoredFromRev: 1 });
    expect((await as('member', (tx) => getRevision(tx, { ...key, rev: 2 }))).content).toEqual({ v: 'two' });
    // restoring what is already current writes nothing
    expect(await as('member', (tx) => restoreRevision(tx, { ...key, rev: 1 }))).toMatchObject({
      rev: 3,
      created: false,
    });
    await rejectsWith(
      as('member', (tx) => restoreRevision(tx, { ...key, rev: 2, expectedRev: 1 })),
      ConflictError,
    );
  });

  it('moves the status along its workflow and refuses illegal moves', async () => {
    const { document: d } = await newDoc('Status');
    const key = { tenantId: w.tenantA, documentId: d.id };
    const bad = await rejectsWith(
      as('member', (tx) => setDocumentStatus(tx, { ...key, status: 'approved' })),
      InvalidTransitionError,
    );
    expect([bad.from, bad.to]).toEqual(['draft', 'approved']);
    for (const status of ['review', 'draft', 'review', 'approved', 'archived'] as const) {
      expect((await as('member', (tx) => setDocumentStatus(tx, { ...key, status }))).status).toBe(status);
    }
    await rejectsWith(
      as('member', (tx) => setDocumentStatus(tx, { ...key, status: 'draft' })),
      InvalidTransitionError,
    );
    await rejectsWith(
      as('member', (tx) => setDocumentStatus(tx, { ...key, status: 'bogus' as never })),
      ValidationError,
    );
  });

  it('keeps revisions unchangeable by the application and service roles', async () => {
    const { document: d } = await newDoc('Frozen');
    await rejectsWith(
      as('admin', (tx) => tx.execute(sql`update document_revisions set content = '{}' where document_id = ${d.id}`)),
      ForbiddenError,
    );
    await rejectsWith(
      as('admin', (tx) => tx.execute(sql`delete from document_revisions where document_id = ${d.id}`)),
      ForbiddenError,
    );
    await rejectsWith(
      withService(t().db, (tx) => tx.execute(sql`delete from document_revisions where document_id = ${d.id}`)),
      ForbiddenError,
    );
    await rejectsWith(t().db.execute(sql`delete from document_revisions where document_id = ${d.id}`), AppendOnlyError);
    expect(await count(t().db, 'document_revisions', d.id)).toBe(1);
  });

  it('snapshots a project: which revision of each document made up version N', async () => {
    const [p] = await t().db.insert(s.projects).values({ tenantId: w.tenantA, name: 'Snap' }).returning();
    await t()
      .db.insert(s.projectMembers)
      .values({ tenantId: w.tenantA, projectId: p!.id, userId: w.users.member, role: 'contributor' }).onConflictDoNothing();
    const mk = (title: string) =>
      as('member', (tx) =>
        createDocument(tx, { tenantId: w.tenantA, projectId: p!.id, kind: 'prd', title, content: { title } }),
      );
    const a = (await mk('A')).document;
    const b = (await mk('B')).document;
    await as('member', (tx) => appendRevision(tx, { tenantId: w.tenantA, documentId: a.id, content: { title: 'A2' } }));
    const v1 = await as('member', (tx) =>
      createProjectVersion(tx, { tenantId: w.tenantA, projectId: p!.id, changeNote: 'first cut' }),
    );
    expect(v1.version).toBe(1);
    expect(v1.documents.map((x) => [x.title, x.rev])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    await as('member', (tx) => appendRevision(tx, { tenantId: w.tenantA, documentId: b.id, content: { title: 'B2' } }));
    const v2 = await as('member', (tx) => createProjectVersion(tx, { tenantId: w.tenantA, projectId: p!.id }));
    expect(v2.version).toBe(2);
    expect(v2.documents.map((x) => x.rev)).toEqual([2, 2]);
    const again = await as('viewer', (tx) =>
      getProjectVersion(tx, { tenantId: w.tenantA, projectId: p!.id, version: 1 }),
    ).catch((e) => e);
    expect(again).toBeInstanceOf(NotFoundError); // the viewer is not a member of this project
    expect(
      (
        await as('member', (tx) => getProjectVersion(tx, { tenantId: w.tenantA, projectId: p!.id, version: 1 }))
      ).documents.map((x) => x.rev),
    ).toEqual([2, 1]);
  });

  it('splits a revision into sections and ingests them linked to the revision, atomically', async () => {
    const md = '# Wind\nGusts of 30 m/s.\n## Traffic\nTwo lanes each way.\n';
    expect(splitMarkdownSections(md)).toEqual([
      { heading: 'Wind', content: 'Gusts of 30 m/s.' },
      { heading: 'Traffic', content: 'Two lanes each way.' },
    ]);
    const [model] = await t()
      .db.insert(s.embeddingModels)
      .values({ tenantId: w.tenantA, name: `sec-${Date.now()}`, dimensions: 8 })
      .returning();
    const { document: d } = await newDoc('Sections', { v: 1 });
    const key = { tenantId: w.tenantA, documentId: d.id };
    const items = splitMarkdownSections(md).map((sec, i) => ({
      heading: sec.heading!,
      content: sec.content,
      embedding: unitVector(8, i),
    }));
    const r = await as('member', (tx) =>
      appendRevision(tx, { ...key, content: { v: 2 }, bodyMd: md, sections: { modelId: model!.id, items } }),
    );
    expect(r).toMatchObject({ rev: 2, sections: { inserted: 2, skipped: 0 } });
    const linked = await t()
      .db.select()
      .from(s.chunks)
      .where(sql`source_id = ${d.id} and document_rev = 2`);
    expect(linked.map((c) => c.heading).sort()).toEqual(['Traffic', 'Wind']);
    // a wrong dimension: ValidationError, and neither the revision nor any chunk is written
    const wrong = items.map((it) => ({ ...it, embedding: [1, 2, 3] }));
    const err = await rejectsWith(
      as('member', (tx) =>
        appendRevision(tx, { ...key, content: { v: 3 }, sections: { modelId: model!.id, items: wrong } }),
      ),
      ValidationError,
    );
    expect(err.issues[0]!.path).toEqual(['chunks', 0, 'embedding']);
    expect(await count(t().db, 'document_revisions', d.id)).toBe(2);
  });
});

describeBackends(
  'documents under concurrency and faults',
  (t) => {
    let w: World;
    beforeAll(async () => {
      w = await createWorld(t().db);
    });
    const mkDoc = async () => {
      const [d] = await t()
        .db.insert(s.documents)
        .values({ tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'hot' })
        .returning();
      return d!.id;
    };
    const revsOf = async (docId: string) =>
      rowsOf<{ rev: number }>(
        await t().db.execute(sql`select rev from document_revisions where document_id = ${docId} order by rev`),
      ).map((r) => r.rev);

    it('gives 32 concurrent writers x 100 blind appends revisions 1..3200', async () => {
      const docId = await mkDoc();
      const pool = await t().connect(16);
      await Promise.all(
        Array.from({ length: 32 }, (_, writer) =>
          (async () => {
            for (let i = 0; i < 100; i++) {
              await withActor(pool, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
                appendRevision(tx, { tenantId: w.tenantA, documentId: docId, content: { writer, i } }),
              );
            }
          })(),
        ),
      );
      expect(await revsOf(docId)).toEqual(Array.from({ length: 3200 }, (_, i) => i + 1));
      const [d] = await t()
        .db.select()
        .from(s.documents)
        .where(sql`id = ${docId}`);
      expect(d!.currentRev).toBe(3200);
    });

    it('gives 32 writers x 25 appends with expectedRev, retrying from the conflict, revisions 1..800', async () => {
      const docId = await mkDoc();
      const pool = await t().connect(16);
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: 32 }, (_, writer) =>
          (async () => {
            let expected = 0;
            for (let i = 0; i < 25; i++) {
              for (let attempt = 0; ; attempt++) {
                try {
                  const r = await withActor(pool, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
                    appendRevision(tx, {
                      tenantId: w.tenantA,
                      documentId: docId,
                      expectedRev: expected,
                      content: { writer, i },
                    }),
                  );
                  expected = r.rev;
                  break;
                } catch (e) {
                  if (!(e instanceof ConflictError)) throw e;
                  conflicts++;
                  // the error carries the current revision: rebase on it, after a short jittered pause
                  expected = (e.current as { rev: number }).rev;
                  await new Promise((r) => setTimeout(r, Math.random() * Math.min(8, 2 ** attempt)));
                }
              }
            }
          })(),
        ),
      );
      expect(await revsOf(docId)).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
      expect(conflicts).toBeGreaterThan(0);
    }, 180_000);

    it('leaves the whole revision and counter, or neither, when the backend is killed mid-append', async () => {
      const docId = await mkDoc();
      await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        appendRevision(tx, { tenantId: w.tenantA, documentId: docId, content: { n: 1 } }),
      );
      // One connection, a transaction opened by hand: the backend is killed while the client
      // waits on it, after the append and before COMMIT. (postgres.js's begin() would send
      // ROLLBACK on the dying socket, which crashes its writer: a driver bug, not the point.)
      const victim = await t().connect(1);
      await victim.execute(sql`begin`);
      await victim.execute(
        sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub: w.users.member, tenant_id: w.tenantA })}, true), set_config('role', 'authenticated', true)`,
      );
      const [{ pid } = { pid: 0 }] = rowsOf<{ pid: number }>(await victim.execute(sql`select pg_backend_pid() as pid`));
      expect(await appendRevision(victim, { tenantId: w.tenantA, documentId: docId, content: { n: 2 } })).toMatchObject(
        { rev: 2 },
      );
      // drizzle runs a query when it is awaited: start it now, a real Promise, and settle it at
      // once (a rejection left unhandled until the kill returns is an unhandled rejection)
      const sleeping = victim.execute(sql`select pg_sleep(30)`).then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await untilSleeping(t().db, pid);
      await t().db.execute(sql`select pg_terminate_backend(${pid}::int)`);
      expect(await sleeping).toBeInstanceOf(Error);
      expect(await revsOf(docId)).toEqual([1]);
      const [d] = await t()
        .db.select()
        .from(s.documents)
        .where(sql`id = ${docId}`);
      expect(d!.currentRev).toBe(1);
      // retrying completes exactly once
      const retry = await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        appendRevision(tx, { tenantId: w.tenantA, documentId: docId, expectedRev: 1, content: { n: 2 } }),
      );
      expect(retry).toMatchObject({ rev: 2, created: true });
      expect(await revsOf(docId)).toEqual([1, 2]);
    });
  },
  { serverOnly: 'needs concurrent connections and a backend to kill (PGlite has one connection)' },
);

describe('splitMarkdownSections', () => {
  it('keeps text before the first heading as an untitled section', () => {
    expect(splitMarkdownSections('intro\n# H\nbody')).toEqual([
      { heading: undefined, content: 'intro' },
      { heading: 'H', content: 'body' },
    ]);
    expect(splitMarkdownSections('')).toEqual([]);
  });
});
