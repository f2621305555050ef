/**
 * Conversations: sessions, participants, messages (append-only, numbered 1..N per session by
 * the database), keyset-paginated reads, full-text search over a tenant's messages, and the
 * session summary. Run under `withActor`: RLS lets participants (and tenant admins) read a
 * session and participants write to it.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import { chatMessages, type ChatMessage } from '../schema/partitioned.js';
import { chatParticipants, chatSessions, messageRole, type ChatSession } from '../schema/conversations.js';
import { NotFoundError, ValidationError } from './errors.js';
import { atomic, cursorTimestamp, id, jsonValue, nonBlank, pageSize, parse, pgArray, pgText, rowMapper, rows, single } from './util.js';

const ACTOR = sql`app.current_user_id()`;

// ---------------------------------------------------------------- sessions
export const createSessionParams = z.strictObject({
  tenantId: id,
  projectId: id.optional(),
  title: nonBlank(500).optional(),
  description: pgText(5000).optional(),
  systemPrompt: pgText(100_000).optional(),
  model: pgText(200).optional(),
  template: pgText(200).optional(),
  /** A client-side id (seed 002 session_id), unique per tenant: a retried create returns the session. */
  externalId: nonBlank(200).optional(),
  settings: z.record(z.string(), jsonValue).optional(),
  /** Other tenant members taking part from the start (the creator always does). */
  participants: z.array(id).max(100).optional(),
});
export type CreateSessionParams = z.input<typeof createSessionParams>;

/**
 * Starts a session owned by the actor, who becomes its first participant. With `externalId`
 * the call is idempotent: a retry returns the session created the first time.
 */
export async function createSession(db: DbOrTx, params: CreateSessionParams): Promise<ChatSession> {
  const p = parse(createSessionParams, params, 'chat session');
  return atomic(db, async (tx) => {
    if (p.externalId) {
      const [existing] = await tx
        .select()
        .from(chatSessions)
        .where(and(eq(chatSessions.tenantId, p.tenantId), eq(chatSessions.externalId, p.externalId)));
      if (existing) return existing;
    }
    const [session] = await tx
      .insert(chatSessions)
      .values({
        tenantId: p.tenantId,
        projectId: p.projectId ?? null,
        userId: ACTOR,
        title: p.title ?? 'Untitled',
        description: p.description ?? null,
        systemPrompt: p.systemPrompt ?? null,
        model: p.model ?? null,
        template: p.template ?? null,
        externalId: p.externalId ?? null,
        settings: p.settings ?? {},
      })
      .returning();
    await tx
      .insert(chatParticipants)
      .values({ tenantId: p.tenantId, sessionId: session!.id, userId: ACTOR })
      .onConflictDoNothing();
    if (p.participants?.length) await addMembers(tx, p.tenantId, session!.id, p.participants);
    return session!;
  });
}

async function addMembers(tx: DbOrTx, tenantId: string, sessionId: string, userIds: string[]): Promise<number> {
  // only members of the tenant can take part; an unknown id is an error, not a silent skip
  const known = await rows<{ user_id: string }>(
    tx,
    sql`select m.user_id from tenant_memberships m
        where m.tenant_id = ${tenantId} and m.user_id = any (${pgArray(userIds)}::uuid[])`,
  );
  const missing = userIds.filter((u) => !known.some((k) => k.user_id === u));
  if (missing.length) throw new NotFoundError(`not active members of the tenant: ${missing.join(', ')}`);
  const out = await rows<{ user_id: string }>(
    tx,
    sql`insert into chat_participants (tenant_id, session_id, user_id)
        select ${tenantId}, ${sessionId}, u from unnest(${pgArray(userIds)}::uuid[]) u
        on conflict (tenant_id, session_id, user_id) do update set is_active = true
        returning user_id`,
  );
  return out.length;
}

export const addParticipantsParams = z.strictObject({
  tenantId: id,
  sessionId: id,
  userIds: z.array(id).min(1).max(100),
});

/** Adds tenant members to a session (re-activates ones who left); returns how many. */
export async function addParticipants(db: DbOrTx, params: z.input<typeof addParticipantsParams>): Promise<number> {
  const p = parse(addParticipantsParams, params, 'participants');
  return atomic(db, async (tx) => {
    await sessionOrThrow(tx, p.tenantId, p.sessionId);
    return addMembers(tx, p.tenantId, p.sessionId, [...new Set(p.userIds)]);
  });
}

/** The actor leaves a session (their participant row goes inactive). */
export async function leaveSession(db: DbOrTx, params: { tenantId: string; sessionId: string }): Promise<void> {
  const p = parse(z.strictObject({ tenantId: id, sessionId: id }), params, 'session');
  await single(db, async (tx) => {
    const out = await tx
      .update(chatParticipants)
      .set({ isActive: false })
      .where(
        and(
          eq(chatParticipants.tenantId, p.tenantId),
          eq(chatParticipants.sessionId, p.sessionId),
          eq(chatParticipants.userId, ACTOR),
        ),
      )
      .returning({ userId: chatParticipants.userId });
    if (!out.length) throw new NotFoundError(`not a participant of session ${p.sessionId}`);
  });
}

async function sessionOrThrow(tx: DbOrTx, tenantId: string, sessionId: string): Promise<ChatSession> {
  const [s] = await tx
    .select()
    .from(chatSessions)
    .where(and(eq(chatSessions.tenantId, tenantId), eq(chatSessions.id, sessionId)));
  if (!s) throw new NotFoundError(`chat session ${sessionId} not found`);
  return s;
}

/** A session the actor may see. */
export async function getSession(db: DbOrTx, params: { tenantId: string; sessionId: string }): Promise<ChatSession> {
  const p = parse(z.strictObject({ tenantId: id, sessionId: id }), params, 'session');
  return single(db, (tx) => sessionOrThrow(tx, p.tenantId, p.sessionId));
}

export const updateSessionParams = z
  .strictObject({
    tenantId: id,
    sessionId: id,
    title: nonBlank(500).optional(),
    summary: pgText(100_000).nullable().optional(),
    status: z.enum(['active', 'archived']).optional(),
    settings: z.record(z.string(), jsonValue).optional(),
  })
  .refine((p) => p.title !== undefined || p.summary !== undefined || p.status || p.settings, {
    message: 'nothing to update',
  });

/** Updates a session's title, summary (e.g. written by a summariser), status or settings. */
export async function updateSession(db: DbOrTx, params: z.input<typeof updateSessionParams>): Promise<ChatSession> {
  const p = parse(updateSessionParams, params, 'session update');
  return single(db, async (tx) => {
    const [s] = await tx
      .update(chatSessions)
      .set({
        ...(p.title !== undefined ? { title: p.title } : {}),
        ...(p.summary !== undefined ? { summary: p.summary } : {}),
        ...(p.status ? { status: p.status } : {}),
        ...(p.settings ? { settings: p.settings } : {}),
      })
      .where(and(eq(chatSessions.tenantId, p.tenantId), eq(chatSessions.id, p.sessionId)))
      .returning();
    if (!s) throw new NotFoundError(`chat session ${p.sessionId} not found`);
    return s;
  });
}

export const listSessionsParams = z.strictObject({
  tenantId: id,
  projectId: id.optional(),
  status: z.enum(['active', 'archived']).optional(),
  /** Cursor from the previous page. */
  after: z.strictObject({ lastActivityAt: cursorTimestamp, id }).optional(),
  limit: pageSize,
});

/** Sessions the actor takes part in (admins: all), most recently active first. */
export async function listSessions(
  db: DbOrTx,
  params: z.input<typeof listSessionsParams>,
): Promise<{ items: ChatSession[]; next: { lastActivityAt: string; id: string } | undefined }> {
  const p = parse(listSessionsParams, params, 'session query');
  const map = rowMapper(chatSessions);
  return single(db, async (tx) => {
    const list = await rows<Record<string, unknown> & { cursor_ts: string; id: string }>(
      tx,
      sql`select s.*, s.last_activity_at::text as cursor_ts from chat_sessions s
          where s.tenant_id = ${p.tenantId} and s.deleted_at is null
            ${p.projectId ? sql`and s.project_id = ${p.projectId}` : sql``}
            ${p.status ? sql`and s.status = ${p.status}` : sql``}
            ${p.after ? sql`and (s.last_activity_at, s.id) < (${p.after.lastActivityAt}::timestamptz, ${p.after.id}::uuid)` : sql``}
          order by s.last_activity_at desc, s.id desc
          limit ${p.limit + 1}`,
    );
    const last = list[p.limit - 1];
    return {
      items: list.slice(0, p.limit).map(map),
      next: list.length > p.limit && last ? { lastActivityAt: last.cursor_ts, id: last.id } : undefined,
    };
  });
}

// ---------------------------------------------------------------- messages
export const appendMessageParams = z.strictObject({
  tenantId: id,
  sessionId: id,
  role: z.enum(messageRole.enumValues),
  content: pgText(1_000_000),
  /**
   * The sequence the client means this message to have (1..N). A retry with a sequence that
   * is already stored returns the stored message (`inserted: false`) if it is the same
   * message, and a ConflictError if it is not; a sequence past the next one is a gap.
   * Without it, the message takes the next sequence.
   */
  sequence: z.number().int().min(1).max(2_147_483_647).optional(),
  parts: jsonValue.optional(),
  references: jsonValue.optional(),
  agentType: z
    .enum([
      'orchestrator',
      'requirements',
      'architect',
      'designer',
      'coder',
      'quality',
      'search',
      'scanning',
      'data-validation',
    ])
    .optional(),
  tokenCount: z.number().int().min(0).max(2_147_483_647).optional(),
  model: pgText(200).optional(),
  metadata: z.record(z.string(), jsonValue).optional(),
});
export type AppendMessageParams = z.input<typeof appendMessageParams>;

export interface AppendedMessage {
  id: string;
  sequence: number;
  createdAt: Date;
  /** False when this was a retry of a stored message: nothing was written. */
  inserted: boolean;
}

/**
 * Appends a message (seed 002's "save message and touch the project", done right): one call
 * of `app.save_message`, which locks the session, assigns the sequence, inserts, bumps the
 * session's counters and touches the project, atomically. Messages are never edited.
 */
export async function appendMessage(db: DbOrTx, params: AppendMessageParams): Promise<AppendedMessage> {
  const p = parse(appendMessageParams, params, 'message');
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return atomic(db, async (tx) => {
    const [out] = await rows<{ id: string; sequence: number; created_at: string | Date; inserted: boolean }>(
      tx,
      sql`select * from app.save_message(${p.tenantId}, ${p.sessionId}, ${p.role}::message_role, ${p.content},
            ${p.sequence ?? null}::integer, ${json(p.parts)}::jsonb, ${json(p.references)}::jsonb,
            ${p.tokenCount ?? null}::integer, ${p.model ?? null}::text, ${json(p.metadata ?? {})}::jsonb,
            ${p.agentType ?? null}::text)`,
    );
    if (!out) throw new NotFoundError(`message ${p.sequence} of session ${p.sessionId} not found`);
    return { id: out.id, sequence: out.sequence, createdAt: new Date(out.created_at), inserted: out.inserted };
  });
}

export const listMessagesParams = z.strictObject({
  tenantId: id,
  sessionId: id,
  /** Messages after this sequence (forward paging). */
  afterSequence: z.number().int().min(0).optional(),
  /** Messages before this sequence, newest first (scrolling back from the end). */
  beforeSequence: z.number().int().min(1).optional(),
  limit: pageSize,
});

/**
 * A page of a session's messages by sequence: forward from `afterSequence` (oldest first), or
 * backward from `beforeSequence` (newest first). `next` is the cursor for the next page.
 */
export async function listMessages(
  db: DbOrTx,
  params: z.input<typeof listMessagesParams>,
): Promise<{ items: ChatMessage[]; next: number | undefined }> {
  const p = parse(listMessagesParams, params, 'message query');
  if (p.afterSequence !== undefined && p.beforeSequence !== undefined)
    throw new ValidationError('invalid message query', [
      { code: 'custom', message: 'give afterSequence or beforeSequence, not both', path: ['beforeSequence'] },
    ]);
  const backward = p.beforeSequence !== undefined;
  return single(db, async (tx) => {
    const list = await tx
      .select()
      .from(chatMessages)
      .where(
        and(
          eq(chatMessages.tenantId, p.tenantId),
          eq(chatMessages.sessionId, p.sessionId),
          backward
            ? sql`${chatMessages.sequence} < ${p.beforeSequence}`
            : sql`${chatMessages.sequence} > ${p.afterSequence ?? 0}`,
        ),
      )
      .orderBy(backward ? sql`${chatMessages.sequence} desc` : asc(chatMessages.sequence))
      .limit(p.limit + 1);
    const items = list.slice(0, p.limit);
    return { items, next: list.length > p.limit ? items[items.length - 1]!.sequence : undefined };
  });
}

export const searchMessagesParams = z.strictObject({
  tenantId: id,
  /** Web-search syntax: words, "phrases", OR, -exclusion. */
  query: nonBlank(1000),
  sessionId: id.optional(),
  projectId: id.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

export interface MessageHit {
  sessionId: string;
  sequence: number;
  id: string;
  role: ChatMessage['role'];
  content: string;
  createdAt: Date;
  rank: number;
  /** The matching words highlighted (`<b>…</b>`), for a results list. */
  headline: string;
}

/** Full-text search over the messages of the sessions the actor may read (GIN index). */
export async function searchMessages(db: DbOrTx, params: z.input<typeof searchMessagesParams>): Promise<MessageHit[]> {
  const p = parse(searchMessagesParams, params, 'message search');
  return single(db, async (tx) => {
    const q = sql`websearch_to_tsquery('english', ${p.query})`;
    const list = await rows<{
      session_id: string;
      sequence: number;
      id: string;
      role: ChatMessage['role'];
      content: string;
      created_at: string | Date;
      rank: number;
      headline: string;
    }>(
      tx,
      sql`select m.session_id, m.sequence, m.id, m.role, m.content, m.created_at,
                 ts_rank(m.search_vector, ${q}) as rank,
                 ts_headline('english', m.content, ${q}, 'StartSel=<b>,StopSel=</b>,MaxFragments=2') as headline
          from chat_messages m
          ${p.projectId ? sql`join chat_sessions s on s.tenant_id = m.tenant_id and s.id = m.session_id and s.project_id = ${p.projectId}` : sql``}
          where m.tenant_id = ${p.tenantId} and m.search_vector @@ ${q}
            ${p.sessionId ? sql`and m.session_id = ${p.sessionId}` : sql``}
          order by rank desc, m.created_at desc, m.id
          limit ${p.limit}`,
    );
    return list.map((r) => ({
      sessionId: r.session_id,
      sequence: r.sequence,
      id: r.id,
      role: r.role,
      content: r.content,
      createdAt: new Date(r.created_at),
      rank: Number(r.rank),
      headline: r.headline,
    }));
  });
}
