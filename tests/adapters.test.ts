/**
 * The framework adapters with the real frameworks from the registry (@langchain/core,
 * @llamaindex/core, ai), on both backends: the frameworks' own usage patterns return the
 * acting tenant's rows and never another's; a forged tenant claim sees nothing.
 */
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { BaseEmbedding } from '@llamaindex/core/embeddings';
import { NodeRelationship, TextNode } from '@llamaindex/core/schema';
import type { UIMessage } from 'ai';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { TenantChatMessageHistory, TenantVectorStore } from '../src/adapters/langchain.js';
import { TenantLlamaVectorStore } from '../src/adapters/llamaindex.js';
import { loadUIMessages, saveUIMessages } from '../src/adapters/ai-sdk.js';
import { fromLangChainFilter } from '../src/adapters/common.js';
import { createSession } from '../src/queries/conversations.js';
import { ConflictError, NotFoundError, ValidationError } from '../src/queries/errors.js';
import * as s from '../src/schema/index.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const DIMS = 32;
/** A deterministic bag-of-words embedding: texts sharing words are close. */
function embed(text: string): number[] {
  const v = Array.from({ length: DIMS }, () => 0.001);
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let h = 0;
    for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % DIMS]! += 1;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
class WordEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]) {
    return texts.map(embed);
  }
  async embedQuery(text: string) {
    return embed(text);
  }
}
class WordEmbedModel extends BaseEmbedding {
  constructor() {
    super();
  }
  async getTextEmbedding(text: string) {
    return embed(text);
  }
}

const DOCS = [
  { text: 'wind load on the bridge deck', topic: 'wind', year: 2021 },
  { text: 'cable fatigue inspection schedule', topic: 'fatigue', year: 2019 },
  { text: 'concrete pier foundation design', topic: 'foundation', year: 2023 },
  { text: 'deck wind tunnel test results', topic: 'wind', year: 2024 },
];

/**
 * Nothing of the other tenant: no rows, or a NotFoundError for the model RLS hides (a handle
 * that already resolved the model's dimension for its real tenant skips that lookup; the
 * chunks stay hidden either way).
 */
async function seesNothing(p: Promise<unknown[]>): Promise<void> {
  const out = await p.catch((e: unknown) => {
    if (e instanceof NotFoundError) return [];
    throw e;
  });
  expect(out).toEqual([]);
}

describe('filters map onto the package filter', () => {
  it('LangChain operators map; unknown ones are a ValidationError, never ignored', () => {
    expect(fromLangChainFilter({ topic: 'wind', year: { $gte: 2020 } })).toEqual({
      and: [{ eq: [['topic'], 'wind'] }, { range: [['year'], { gte: 2020 }] }],
    });
    expect(fromLangChainFilter({ $or: [{ topic: 'a' }, { 'a.b': { $nin: [1, 2] } }] })).toEqual({
      or: [{ eq: [['topic'], 'a'] }, { not: { in: [['a', 'b'], [1, 2]] } }],
    });
    expect(() => fromLangChainFilter({ topic: { $regex: 'w.*' } })).toThrow(ValidationError);
    expect(() => fromLangChainFilter({})).toThrow(ValidationError);
  });
});

describeBackends('framework adapters on tenant-safe storage', (t) => {
  let w: World;
  let modelA: string;
  let modelB: string;
  const member = () => ({ userId: w.users.member, tenantId: w.tenantA });
  const outsider = () => ({ userId: w.users.outsider, tenantId: w.tenantB });
  const forged = () => ({ userId: w.users.outsider, tenantId: w.tenantA });

  beforeAll(async () => {
    const { db } = t();
    w = await createWorld(db);
    modelA = (await db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'words', dimensions: DIMS }).returning())[0]!.id;
    modelB = (await db.insert(s.embeddingModels).values({ tenantId: w.tenantB, name: 'words', dimensions: DIMS }).returning())[0]!.id;
    // tenant B has a look-alike document: it must never show up for tenant A, nor A's for B
    const storeB = new TenantVectorStore(new WordEmbeddings(), { db, actor: outsider(), modelId: modelB });
    await storeB.addDocuments([new Document({ pageContent: 'wind load on the bridge deck of tenant B', metadata: { topic: 'wind' } })]);
  });

  describe('LangChain', () => {
    const store = (actor: () => { userId: string; tenantId: string }, extra: object = {}) =>
      new TenantVectorStore(new WordEmbeddings(), { db: t().db, actor, modelId: modelA, projectId: w.projectA, ...extra });

    it('adds documents idempotently and finds the nearest, scored by cosine distance', async () => {
      const docs = DOCS.map((d) => new Document({ pageContent: d.text, metadata: { topic: d.topic, year: d.year } }));
      const ids = await store(member).addDocuments(docs);
      expect(ids).toHaveLength(4);
      expect(await store(member).addDocuments(docs)).toEqual(ids); // a retry writes nothing twice
      const hits = await store(member).similaritySearchWithScore('wind on the deck', 2);
      expect(hits.map(([d]) => d.pageContent)).toEqual(['wind load on the bridge deck', 'deck wind tunnel test results']);
      expect(hits[0]![1]).toBeLessThan(hits[1]![1]);
      expect(hits[0]![0].metadata).toMatchObject({ topic: 'wind', year: 2021, projectId: w.projectA });
      const all = await store(member).similaritySearch('anything', 50);
      expect(all).toHaveLength(4);
    });

    it('maps metadata filters, and hybrid search fuses full text', async () => {
      const recent = await store(member).similaritySearch('wind', 10, { topic: 'wind', year: { $gte: 2022 } });
      expect(recent.map((d) => d.pageContent)).toEqual(['deck wind tunnel test results']);
      const notWind = await store(member).similaritySearch('wind', 10, { topic: { $ne: 'wind' } });
      expect(notWind.map((d) => d.metadata.topic).sort()).toEqual(['fatigue', 'foundation']);
      const hybrid = await store(member, { hybrid: true }).similaritySearchWithScore('fatigue inspection', 1);
      expect(hybrid[0]![0].pageContent).toBe('cable fatigue inspection schedule');
      await expect(store(member).similaritySearch('wind', 3, { topic: { $regex: 'w' } })).rejects.toThrow(ValidationError);
    });

    it('a retriever in a chain answers from the tenant’s documents only', async () => {
      const retriever = store(member).asRetriever(2);
      const seen: string[] = [];
      const chain = RunnableSequence.from([
        {
          context: retriever.pipe((docs: Document[]) => {
            seen.push(...docs.map((d) => d.pageContent));
            return docs.map((d) => d.pageContent).join('\n');
          }),
          question: new RunnablePassthrough(),
        },
        ChatPromptTemplate.fromTemplate('Context:\n{context}\n\nQuestion: {question}'),
        new FakeListChatModel({ responses: ['The deck sees wind load.'] }),
        new StringOutputParser(),
      ]);
      expect(await chain.invoke('wind load on the deck')).toBe('The deck sees wind load.');
      expect(seen).toContain('wind load on the bridge deck');
      expect(seen.some((x) => x.includes('tenant B'))).toBe(false);
    });

    it('another tenant and a forged tenant claim see nothing of tenant A; deleting by source works', async () => {
      const theirs = await new TenantVectorStore(new WordEmbeddings(), { db: t().db, actor: outsider(), modelId: modelB }).similaritySearch('wind deck', 10);
      expect(theirs.map((d) => d.pageContent)).toEqual(['wind load on the bridge deck of tenant B']);
      // tenant A's model id with B's user, or with a forged tenant claim: RLS hides the model
      // itself, so the search is a NotFoundError that reveals nothing (no rows, no count)
      await seesNothing(store(outsider).similaritySearch('wind deck', 10));
      await seesNothing(store(forged).similaritySearch('wind deck', 10));
      await expect(store(forged).addDocuments([new Document({ pageContent: 'planted' })])).rejects.toThrow();
      // no actor at all (a request without a user): refused before any query
      const none = new TenantVectorStore(new WordEmbeddings(), { db: t().db, actor: () => undefined as never, modelId: modelA });
      await expect(none.similaritySearch('wind', 3)).rejects.toThrow(ValidationError);
      const noTenant = new TenantVectorStore(new WordEmbeddings(), { db: t().db, actor: { userId: w.users.member } as never, modelId: modelA });
      await expect(noTenant.similaritySearch('wind', 3)).rejects.toThrow(ValidationError);
      const [ids] = [await store(member).addDocuments([new Document({ pageContent: 'temporary note on piers' })])];
      expect((await store(member).similaritySearch('temporary note on piers', 1))[0]!.pageContent).toBe('temporary note on piers');
      await store(member).delete({ sourceIds: ids });
      expect((await store(member).similaritySearch('temporary note on piers', 10)).map((d) => d.pageContent)).not.toContain(
        'temporary note on piers',
      );
    });

    it('chat history: messages round-trip through a conversation, in order, with tool calls', async () => {
      const session = await withActor(t().db, member(), (tx) => createSession(tx, { tenantId: w.tenantA, projectId: w.projectA }));
      const history = new TenantChatMessageHistory({ db: t().db, actor: member, sessionId: session.id });
      await history.addMessages([
        new SystemMessage('You are terse.'),
        new HumanMessage('Load on the deck?'),
        new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'lookup', args: { q: 'deck' } }] }),
        new ToolMessage({ content: '450 kN', tool_call_id: 'c1' }),
      ]);
      await history.addAIMessage('450 kN.');
      const back = await history.getMessages();
      expect(back.map((m) => m.getType())).toEqual(['system', 'human', 'ai', 'tool', 'ai']);
      expect((back[2] as AIMessage).tool_calls?.[0]).toMatchObject({ id: 'c1', name: 'lookup', args: { q: 'deck' } });
      expect((back[3] as ToolMessage).tool_call_id).toBe('c1');
      expect(back[4]!.content).toBe('450 kN.');
      // another tenant's user cannot read or append to it
      const foreign = new TenantChatMessageHistory({ db: t().db, actor: outsider, sessionId: session.id });
      expect(await foreign.getMessages()).toEqual([]);
      await expect(foreign.addUserMessage('hi')).rejects.toThrow();
      await expect(history.clear()).rejects.toThrow(ValidationError);
    });
  });

  describe('LlamaIndex', () => {
    const store = (actor: () => { userId: string; tenantId: string }) =>
      new TenantLlamaVectorStore({ db: t().db, actor, modelId: modelA, embedModel: new WordEmbedModel() });

    it('adds nodes of a reference document, queries with filters and text, deletes the document', async () => {
      const ref = 'doc-harbour-1';
      const nodes = ['harbour crane rail alignment', 'harbour quay wall settlement'].map(
        (text, i) =>
          new TextNode({
            text,
            metadata: { part: i, site: 'harbour' },
            embedding: embed(text),
            relationships: { [NodeRelationship.SOURCE]: { nodeId: ref, metadata: {} } },
          }),
      );
      const ids = await store(member).add(nodes);
      expect(ids).toEqual(nodes.map((n) => n.id_));
      await store(member).add(nodes); // retry: nothing twice
      const res = await store(member).query({ queryEmbedding: embed('quay wall'), similarityTopK: 1, mode: 'default' as never });
      expect(res.ids).toEqual([nodes[1]!.id_]);
      expect(res.similarities[0]).toBeGreaterThan(0.3);
      const filtered = await store(member).query({
        queryStr: 'harbour',
        similarityTopK: 5,
        mode: 'default' as never,
        filters: { filters: [{ key: 'part', value: 0, operator: '==' }] },
      });
      expect(filtered.nodes!.map((n) => (n as TextNode).text)).toEqual(['harbour crane rail alignment']);
      const hybrid = await store(member).query({ queryStr: 'settlement', queryEmbedding: embed('settlement'), similarityTopK: 1, mode: 'hybrid' as never });
      expect((hybrid.nodes![0] as TextNode).text).toBe('harbour quay wall settlement');
      await expect(
        store(member).query({ queryEmbedding: embed('x'), similarityTopK: 1, mode: 'default' as never, filters: { filters: [{ key: 'a', value: 'b', operator: 'text_match' }] } }),
      ).rejects.toThrow(ValidationError);
      // isolation
      await seesNothing(store(outsider).query({ queryEmbedding: embed('harbour'), similarityTopK: 5, mode: 'default' as never }).then((r) => r.ids));
      await seesNothing(store(forged).query({ queryEmbedding: embed('harbour'), similarityTopK: 5, mode: 'default' as never }).then((r) => r.ids));
      await expect(store(forged).add([new TextNode({ text: 'planted', embedding: embed('planted') })])).rejects.toThrow(NotFoundError);
      await store(member).delete(ref);
      const after = await store(member).query({ queryEmbedding: embed('harbour quay'), similarityTopK: 10, mode: 'default' as never, docIds: [ref] });
      expect(after.ids).toEqual([]);
    });
  });

  describe('AI SDK', () => {
    const conversation = (): UIMessage[] => [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'What governs the deck?' }] },
      {
        id: 'a1',
        role: 'assistant',
        metadata: { model: 'fake' },
        parts: [
          { type: 'step-start' },
          // a tool call and its result, as the AI SDK streams them
          {
            type: 'tool-lookupLoads',
            toolCallId: 'call-1',
            state: 'output-available',
            input: { member: 'deck' },
            output: { governing: 'LC3' },
          } as never,
          { type: 'text', text: 'Wind plus traffic governs.', state: 'done' },
        ],
      },
    ];

    it('saves UI messages idempotently (the whole conversation every turn) and loads them back as they were', async () => {
      const session = await withActor(t().db, member(), (tx) => createSession(tx, { tenantId: w.tenantA }));
      const base = { db: t().db, actor: member };
      expect(await saveUIMessages(base, { sessionId: session.id, messages: conversation() })).toEqual({ inserted: 2, skipped: 0 });
      const next: UIMessage[] = [...conversation(), { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'And the piers?' }] }];
      expect(await saveUIMessages(base, { sessionId: session.id, messages: next })).toEqual({ inserted: 1, skipped: 2 });
      expect(await saveUIMessages(base, { sessionId: session.id, messages: next })).toEqual({ inserted: 0, skipped: 3 });
      expect(await loadUIMessages(base, { sessionId: session.id })).toEqual(next);
      // a different message at a stored position: ConflictError, and nothing of the call is written
      const edited = [...next, { id: 'a2', role: 'assistant' as const, parts: [{ type: 'text' as const, text: 'Piers: fine.' }] }];
      edited[0] = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Something else' }] };
      await expect(saveUIMessages(base, { sessionId: session.id, messages: edited })).rejects.toThrow(ConflictError);
      expect(await loadUIMessages(base, { sessionId: session.id })).toHaveLength(3);
      // isolation
      expect(await loadUIMessages({ db: t().db, actor: outsider }, { sessionId: session.id })).toEqual([]);
      await expect(saveUIMessages({ db: t().db, actor: forged }, { sessionId: session.id, messages: next })).rejects.toThrow();
      await expect(saveUIMessages(base, { sessionId: session.id, messages: [{ id: 1 } as never] })).rejects.toThrow(ValidationError);
    });
  });
});
