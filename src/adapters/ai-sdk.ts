/**
 * The AI SDK's chat messages on tenant-safe storage (`ai-platform-db/ai-sdk`; `ai` is an
 * optional peer dependency, used for its types only). A conversation is a chat session of the
 * package; `saveUIMessages` is idempotent, so the usual `onFinish({ messages })` that sends
 * the whole conversation every turn writes each message once, and a retry writes nothing.
 *
 *   const messages = await loadUIMessages({ db, actor }, { sessionId });
 *   ... streamText({ messages: convertToModelMessages(messages), onFinish: ({ messages }) =>
 *         saveUIMessages({ db, actor }, { sessionId, messages }) })
 */
import type { UIMessage } from 'ai';
import { ConflictError, ValidationError } from '../queries/errors.js';
import { appendMessage } from '../queries/conversations.js';
import { allMessages, asActor, jsonMetadata, type AdapterBase } from './common.js';

export interface SaveResult {
  /** Messages written now. */
  inserted: number;
  /** Messages already stored (the same message at the same position): skipped. */
  skipped: number;
}

const textOf = (m: UIMessage) =>
  m.parts
    .filter((p): p is { type: 'text'; text: string } => p.type === 'text' && typeof (p as { text?: unknown }).text === 'string')
    .map((p) => p.text)
    .join('\n');

/**
 * Stores the conversation: message i is sequence i + 1. Stored messages must be the same
 * (role, text, parts): a different message at a stored position is a ConflictError, and
 * nothing of the call is written. Parts (tool calls, reasoning, files, sources) and the
 * message's id and metadata are kept as they are.
 */
export async function saveUIMessages(base: AdapterBase, params: { sessionId: string; messages: UIMessage[] }): Promise<SaveResult> {
  if (!Array.isArray(params.messages)) throw new ValidationError('messages must be an array of UI messages');
  return asActor(base, async (tx, tenantId) => {
    let inserted = 0;
    let skipped = 0;
    for (const [i, m] of params.messages.entries()) {
      if (!m || typeof m.id !== 'string' || !['system', 'user', 'assistant'].includes(m.role) || !Array.isArray(m.parts)) {
        throw new ValidationError(`message ${i} is not a UI message (id, role, parts)`);
      }
      const out = await appendMessage(tx, {
        tenantId,
        sessionId: params.sessionId,
        sequence: i + 1,
        role: m.role,
        content: textOf(m),
        parts: jsonMetadata({ parts: m.parts }).parts as never,
        metadata: jsonMetadata({ ui_id: m.id, ...(m.metadata !== undefined ? { ui_metadata: m.metadata } : {}) }),
      });
      if (out.inserted) inserted++;
      else skipped++;
    }
    return { inserted, skipped };
  });
}

/** The conversation as UI messages, in order (ids, parts and metadata as saved). */
export async function loadUIMessages(base: AdapterBase, params: { sessionId: string }): Promise<UIMessage[]> {
  return asActor(base, async (tx, tenantId) => {
    return (await allMessages(tx, tenantId, params.sessionId)).map((row): UIMessage => {
      const meta = (row.metadata ?? {}) as { ui_id?: string; ui_metadata?: unknown };
      if (row.role === 'tool') throw new ConflictError(`message ${row.sequence} is a tool message: not an AI SDK UI message`);
      return {
        id: meta.ui_id ?? row.id,
        role: row.role,
        parts: (Array.isArray(row.parts) ? row.parts : [{ type: 'text', text: row.content }]) as UIMessage['parts'],
        ...(meta.ui_metadata !== undefined ? { metadata: meta.ui_metadata } : {}),
      };
    });
  });
}
