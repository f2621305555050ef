/** Conversations: sessions, participants, append-only numbered messages, paging, search, RLS, races. */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import {
  addParticipants,
  appendMessage,
  createSession,
  getSession,
  leaveSession,
  listMessages,
  listSessions,
  searchMessages,
  updateSession,
} from '../src/queries/conversations.js';
import {
  AppendOnlyError,
  ConflictError,
  ForbiddenError,
  mapErrors,
  NotFoundError,
  ValidationError,
} from '../src/queries/errors.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

describeBackends('conversations', (t) => {
  let w: World;
  const as = <T>(who: keyof World['users'], fn: Parameters<typeof withActor<T>>[2], tenant?: string) =>
    withActor(t().db, { userId: w.users[who], tenantId: tenant ?? w.tenantA }, fn);
  const count = async (q: ReturnType<typeof sql>) => rowsOf<{ n: number }>(await t().db.execute(q))[0]!.n;

  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('starts a session with its participants; a retried create with the same external id returns it', async () => {
    const s1 = await as('member', (tx) =>
      createSession(tx, {
        tenantId: w.tenantA,
        projectId: w.projectA,
        title: 'Beam sizing',
        externalId: 'client-1',
        participants: [w.users.viewer],
      }),
    );
    expect(s1).toMatchObject({ userId: w.users.member, title: 'Beam sizing', lastSequence: 0, status: 'active' });
    const again = await as('member', (tx) =>
      createSession(tx, { tenantId: w.tenantA, projectId: w.projectA, title: 'Beam sizing', externalId: 'client-1' }),
    );
    expect(again.id).toBe(s1.id);
    expect(await count(sql`select count(*)::int as n from chat_participants where session_id = ${s1.id}`)).toBe(2);
    // the viewer takes part, so sees it; the admin sees every session; the owner does not take part but is admin-ranked
    await expect(
      as('viewer', (tx) => getSession(tx, { tenantId: w.tenantA, sessionId: s1.id })),
    ).resolves.toMatchObject({ id: s1.id });
    // a user of another tenant cannot be added, and nothing is written
    await rejectsWith(
      as('member', (tx) => addParticipants(tx, { tenantId: w.tenantA, sessionId: s1.id, userIds: [w.users.outsider] })),
      NotFoundError,
    );
    expect(await count(sql`select count(*)::int as n from chat_participants where session_id = ${s1.id}`)).toBe(2);
  });

  it('numbers messages 1..N, is idempotent per sequence, refuses gaps and changed retries', async () => {
    const s1 = await as('member', (tx) => createSession(tx, { tenantId: w.tenantA, projectId: w.projectA }));
    const before = rowsOf<{ updated_at: string }>(
      await t().db.execute(sql`select updated_at::text from projects where id = ${w.projectA}`),
    )[0]!.updated_at;
    const m1 = await as('member', (tx) =>
      appendMessage(tx, {
        tenantId: w.tenantA,
        sessionId: s1.id,
        role: 'user',
        content: 'How deep is beam B1?',
        tokenCount: 7,
      }),
    );
    const m2 = await as('member', (tx) =>
      appendMessage(tx, {
        tenantId: w.tenantA,
        sessionId: s1.id,
        role: 'assistant',
        content: 'Beam B1 is 450 mm deep.',
        sequence: 2,
        tokenCount: 9,
        agentType: 'architect',
        references: [{ chunk: 'x' }],
      }),
    );
    expect([m1.sequence, m2.sequence, m1.inserted, m2.inserted]).toEqual([1, 2, true, true]);
    // the same message again: no second row
    const retry = await as('member', (tx) =>
      appendMessage(tx, {
        tenantId: w.tenantA,
        sessionId: s1.id,
        role: 'assistant',
        content: 'Beam B1 is 450 mm deep.',
        sequence: 2,
      }),
    );
    expect(retry).toMatchObject({ id: m2.id, sequence: 2, inserted: false });
    // a different message under a taken sequence, and a gap
    await rejectsWith(
      as('member', (tx) =>
        appendMessage(tx, {
          tenantId: w.tenantA,
          sessionId: s1.id,
          role: 'assistant',
          content: 'Something else',
          sequence: 2,
        }),
      ),
      ConflictError,
    );
    await rejectsWith(
      as('member', (tx) =>
        appendMessage(tx, { tenantId: w.tenantA, sessionId: s1.id, role: 'user', content: 'x', sequence: 5 }),
      ),
      ConflictError,
    );
    const session = await as('member', (tx) => getSession(tx, { tenantId: w.tenantA, sessionId: s1.id }));
    expect(session).toMatchObject({ lastSequence: 2, totalTokens: 16 });
    const after = rowsOf<{ updated_at: string }>(
      await t().db.execute(sql`select updated_at::text from projects where id = ${w.projectA}`),
    )[0]!.updated_at;
    expect(after > before).toBe(true);
    // messages are never edited: the app role has no UPDATE right, and the table owner meets the trigger
    await rejectsWith(
      as('admin', (tx) => tx.execute(sql`update chat_messages set content = 'edited' where session_id = ${s1.id}`)),
      ForbiddenError,
    );
    await rejectsWith(
      mapErrors(() => t().db.execute(sql`update chat_messages set content = 'edited' where session_id = ${s1.id}`)),
      AppendOnlyError,
    );
    // bad input: typed error, nothing written
    for (const bad of [
      { role: 'robot', content: 'x' },
      { role: 'user', content: 'nul\u0000' },
      { role: 'user', content: 'x', sequence: 0 },
      { role: 'user', content: 'x', tokenCount: -1 },
    ])
      await rejectsWith(
        as('member', (tx) => appendMessage(tx, { tenantId: w.tenantA, sessionId: s1.id, ...bad } as never)),
        ValidationError,
      );
    expect(await count(sql`select count(*)::int as n from chat_messages where session_id = ${s1.id}`)).toBe(2);
  });

  it('pages forward and backward by sequence, lists sessions by activity, updates the summary', async () => {
    const s1 = await as('member', (tx) => createSession(tx, { tenantId: w.tenantA, title: 'Paging' }));
    for (let i = 1; i <= 7; i++)
      await as('member', (tx) =>
        appendMessage(tx, {
          tenantId: w.tenantA,
          sessionId: s1.id,
          role: i % 2 ? 'user' : 'assistant',
          content: `m${i}`,
        }),
      );
    const seen: number[] = [];
    let after: number | undefined = 0;
    while (after !== undefined) {
      const page = await as('member', (tx) =>
        listMessages(tx, { tenantId: w.tenantA, sessionId: s1.id, afterSequence: after, limit: 3 }),
      );
      seen.push(...page.items.map((m) => m.sequence));
      after = page.next;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const tail = await as('member', (tx) =>
      listMessages(tx, { tenantId: w.tenantA, sessionId: s1.id, beforeSequence: 8, limit: 3 }),
    );
    expect(tail.items.map((m) => m.content)).toEqual(['m7', 'm6', 'm5']);
    expect(tail.next).toBe(5);
    await rejectsWith(
      as('member', (tx) =>
        listMessages(tx, { tenantId: w.tenantA, sessionId: s1.id, afterSequence: 1, beforeSequence: 3 }),
      ),
      ValidationError,
    );
    const updated = await as('member', (tx) =>
      updateSession(tx, { tenantId: w.tenantA, sessionId: s1.id, summary: 'Seven messages about paging.' }),
    );
    expect(updated.summary).toBe('Seven messages about paging.');
    await rejectsWith(
      as('member', (tx) => updateSession(tx, { tenantId: w.tenantA, sessionId: s1.id })),
      ValidationError,
    );
    const sessions = await as('member', (tx) => listSessions(tx, { tenantId: w.tenantA, limit: 1 }));
    expect(sessions.items[0]!.id).toBe(s1.id); // most recently active
    const rest = await as('member', (tx) => listSessions(tx, { tenantId: w.tenantA, after: sessions.next, limit: 50 }));
    expect(rest.items.some((s) => s.id === s1.id)).toBe(false);
    expect(rest.items.length).toBeGreaterThan(0);
  });

  it('searches the messages of readable sessions only', async () => {
    const mine = await as('member', (tx) => createSession(tx, { tenantId: w.tenantA, title: 'Search' }));
    await as('member', (tx) =>
      appendMessage(tx, {
        tenantId: w.tenantA,
        sessionId: mine.id,
        role: 'user',
        content: 'The cable stays show fatigue cracking.',
      }),
    );
    const other = await as('viewer', (tx) => createSession(tx, { tenantId: w.tenantA, title: 'Private' }));
    await as('viewer', (tx) =>
      appendMessage(tx, { tenantId: w.tenantA, sessionId: other.id, role: 'user', content: 'Secret fatigue notes.' }),
    );
    const hits = await as('member', (tx) => searchMessages(tx, { tenantId: w.tenantA, query: 'fatigue' }));
    expect(hits.map((h) => h.sessionId)).toEqual([mine.id]);
    expect(hits[0]!.headline).toContain('<b>fatigue</b>');
    const admin = await as('admin', (tx) => searchMessages(tx, { tenantId: w.tenantA, query: 'fatigue' }));
    expect(admin.map((h) => h.sessionId).sort()).toEqual([mine.id, other.id].sort());
    // another tenant sees nothing and cannot write
    expect(
      await as('outsider', (tx) => searchMessages(tx, { tenantId: w.tenantA, query: 'fatigue' }), w.tenantB),
    ).toEqual([]);
    expect(
      await as('outsider', (tx) => searchMessages(tx, { tenantId: w.tenantA, query: 'fatigue' }), w.tenantA),
    ).toEqual([]);
    await rejectsWith(
      as(
        'outsider',
        (tx) => appendMessage(tx, { tenantId: w.tenantA, sessionId: mine.id, role: 'user', content: 'hi' }),
        w.tenantB,
      ),
      NotFoundError,
    );
    await rejectsWith(
      as('outsider', (tx) => getSession(tx, { tenantId: w.tenantA, sessionId: mine.id }), w.tenantB),
      NotFoundError,
    );
    // a member who is not a participant cannot write into someone else's session
    await rejectsWith(
      as('viewer', (tx) => appendMessage(tx, { tenantId: w.tenantA, sessionId: mine.id, role: 'user', content: 'hi' })),
      NotFoundError,
    );
    // leaving: the participant row goes inactive
    await as('viewer', (tx) => leaveSession(tx, { tenantId: w.tenantA, sessionId: other.id }));
    await rejectsWith(
      as('outsider', (tx) => leaveSession(tx, { tenantId: w.tenantA, sessionId: other.id }), w.tenantB),
      NotFoundError,
    );
  });
});

describeBackends(
  'conversations under concurrency',
  (t) => {
    let w: World;
    beforeAll(async () => {
      w = await createWorld(t().db);
    });

    it('gives 20 concurrent writers x 10 messages sequences 1..200, and racing retries one row', async () => {
      const pool = await t().connect(10);
      const session = await withActor(pool, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        createSession(tx, { tenantId: w.tenantA }),
      );
      await Promise.all(
        Array.from({ length: 20 }, async (_, wr) => {
          for (let i = 0; i < 10; i++)
            await withActor(pool, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
              appendMessage(tx, { tenantId: w.tenantA, sessionId: session.id, role: 'user', content: `w${wr} m${i}` }),
            );
        }),
      );
      const seqs = rowsOf<{ sequence: number }>(
        await t().db.execute(
          sql`select sequence from chat_messages where session_id = ${session.id} order by sequence`,
        ),
      ).map((r) => r.sequence);
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      // ten clients retrying message 201 at once: one row, everyone gets it
      const out = await Promise.all(
        Array.from({ length: 10 }, () =>
          withActor(pool, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
            appendMessage(tx, {
              tenantId: w.tenantA,
              sessionId: session.id,
              role: 'user',
              content: 'once',
              sequence: 201,
            }),
          ),
        ),
      );
      expect(new Set(out.map((o) => o.id)).size).toBe(1);
      expect(out.filter((o) => o.inserted)).toHaveLength(1);
    });
  },
  { serverOnly: 'needs concurrent connections (PGlite has one)' },
);
