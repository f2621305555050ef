/**
 * LangChain.js on tenant-safe storage (`ai-platform-db/langchain`; `@langchain/core` is an
 * optional peer dependency). Every call is one transaction acting for the store's actor, so
 * the package's row-level security decides what is seen and written: a forged or missing
 * actor sees nothing.
 *
 *   const store = new TenantVectorStore(embeddings, { db, actor: () => actorOf(req), modelId });
 *   await store.addDocuments(docs);
 *   const retriever = store.asRetriever(4);
 */
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { ValidationError } from '../queries/errors.js';
import { deleteChunksBySource, ingestChunks, type SearchFilters, type SearchHit } from '../queries/search.js';
import { appendMessage } from '../queries/conversations.js';
import {
  allMessages,
  asActor,
  fromLangChainFilter,
  isUuid,
  jsonMetadata,
  searchChunks,
  stableUuid,
  type AdapterBase,
} from './common.js';

type SourceType = 'document_revision' | 'ingested_object' | 'upload' | 'code_file' | 'manual';

export interface TenantVectorStoreOptions extends AdapterBase {
  /** The tenant's registered embedding model these vectors belong to (its dimension is checked). */
  modelId: string;
  /** Project the chunks belong to and searches are limited to (optional). */
  projectId?: string;
  /** Source type of added documents (default `manual`). */
  sourceType?: Exclude<SourceType, 'document_revision'>;
  /** Search plan (default `auto`). */
  strategy?: 'auto' | 'exact' | 'hnsw';
  /**
   * When set, searches are hybrid (vector + full text of the query, reciprocal-rank fusion) and
   * the score is the fused score (higher is better) instead of the cosine distance.
   */
  hybrid?: boolean;
}

/**
 * A LangChain filter: PGVector's metadata dialect (`{ topic: 'wind' }`,
 * `{ year: { $gte: 2020 } }`, `$in`, `$nin`, `$ne`, `$exists`, `$and`, `$or`), or the
 * package's own filters under `native` (project ids, source ids, tags, metadata DSL).
 */
export type TenantVectorStoreFilter = Record<string, unknown> | { native: SearchFilters };

const NODE_ID = 'lc_id';

/** A LangChain `VectorStore` over `ingestChunks` / `searchSimilar` / `searchHybrid`. */
export class TenantVectorStore extends VectorStore {
  declare FilterType: TenantVectorStoreFilter;
  private readonly options: TenantVectorStoreOptions;

  constructor(embeddings: EmbeddingsInterface, options: TenantVectorStoreOptions) {
    super(embeddings, options as unknown as Record<string, unknown>);
    if (!isUuid(options.modelId)) throw new ValidationError('TenantVectorStore needs the modelId of a registered embedding model');
    this.options = options;
  }

  _vectorstoreType(): string {
    return 'ai-platform-db';
  }

  /**
   * Adds documents with their vectors. A document's source is `metadata.sourceId` (a uuid) if
   * given, else a stable id from its `id` or content, so adding the same documents again
   * writes nothing twice. `metadata.chunkIndex` orders chunks of one source. Returns the
   * source id of each document.
   */
  async addVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    if (vectors.length !== documents.length) throw new ValidationError('addVectors: as many vectors as documents');
    if (documents.length === 0) return [];
    const sources = documents.map((d, i) => {
      const given = d.metadata?.sourceId;
      if (given !== undefined && !isUuid(given)) throw new ValidationError(`document ${i}: metadata.sourceId must be a uuid`);
      const id = options?.ids?.[i] ?? d.id;
      return (given as string | undefined) ?? (isUuid(id) ? id : stableUuid(id ?? d.pageContent));
    });
    await asActor(this.options, (tx, tenantId) =>
      ingestChunks(tx, {
        tenantId,
        modelId: this.options.modelId,
        ...(this.options.projectId ? { projectId: this.options.projectId } : {}),
        chunks: documents.map((d, i) => {
          const meta = jsonMetadata(d.metadata);
          const chunkIndex = Number.isInteger(meta.chunkIndex) && (meta.chunkIndex as number) >= 0 ? (meta.chunkIndex as number) : 0;
          const id = options?.ids?.[i] ?? d.id;
          return {
            sourceType: this.options.sourceType ?? 'manual',
            sourceId: sources[i]!,
            chunkIndex,
            content: d.pageContent,
            metadata: id !== undefined ? { ...meta, [NODE_ID]: id } : meta,
            embedding: vectors[i]!,
          };
        }),
      }),
    );
    return sources;
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Deletes the chunks of the given sources (`{ sourceIds }`, or `{ ids }` as returned by add). */
  override async delete(params: { sourceIds?: string[]; ids?: string[] } = {}): Promise<void> {
    const ids = [...(params.sourceIds ?? []), ...(params.ids ?? [])];
    if (ids.length === 0) throw new ValidationError('delete: give sourceIds');
    await asActor(this.options, async (tx, tenantId) => {
      for (const sourceId of ids) {
        await deleteChunksBySource(tx, {
          tenantId,
          sourceType: this.options.sourceType ?? 'manual',
          sourceId: isUuid(sourceId) ? sourceId : stableUuid(sourceId),
          modelId: this.options.modelId,
        });
      }
    });
  }

  private filters(filter: TenantVectorStoreFilter | undefined): SearchFilters {
    const base: SearchFilters = this.options.projectId ? { projectIds: [this.options.projectId] } : {};
    if (filter === undefined || (typeof filter === 'object' && Object.keys(filter).length === 0)) return base;
    if ('native' in filter && typeof filter.native === 'object') return { ...base, ...(filter.native as SearchFilters) };
    return { ...base, metadata: fromLangChainFilter(filter as Record<string, unknown>) };
  }

  /** Cosine distance (0 = same direction; lower is closer). Vector only: no query text here. */
  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: TenantVectorStoreFilter,
  ): Promise<[DocumentInterface, number][]> {
    return this.search(query, k, filter, undefined);
  }

  override async similaritySearch(query: string, k = 4, filter?: TenantVectorStoreFilter): Promise<DocumentInterface[]> {
    return (await this.similaritySearchWithScore(query, k, filter)).map(([d]) => d);
  }

  /** Cosine distance, or (hybrid stores) the fused score of vector and full-text ranks, higher is better. */
  override async similaritySearchWithScore(
    query: string,
    k = 4,
    filter?: TenantVectorStoreFilter,
  ): Promise<[DocumentInterface, number][]> {
    return this.search(await this.embeddings.embedQuery(query), k, filter, query);
  }

  /** One search; the query text travels as an argument (a store is shared by concurrent requests). */
  private async search(
    vector: number[],
    k: number,
    filter: TenantVectorStoreFilter | undefined,
    text: string | undefined,
  ): Promise<[DocumentInterface, number][]> {
    const filters = this.filters(filter);
    const hits = await asActor(this.options, (tx, tenantId) =>
      searchChunks(
        tx,
        { tenantId, modelId: this.options.modelId, embedding: vector, k, filters, strategy: this.options.strategy ?? 'auto' },
        this.options.hybrid ? text : undefined,
      ),
    );
    return hits.map(({ hit, score }) => [toDocument(hit), score]);
  }
}

function toDocument(h: SearchHit): DocumentInterface {
  const meta = (h.metadata ?? {}) as Record<string, unknown>;
  const { [NODE_ID]: lcId, ...rest } = meta;
  return new Document({
    pageContent: h.content,
    id: typeof lcId === 'string' ? lcId : h.id,
    metadata: { ...rest, chunkId: h.id, sourceId: h.sourceId, sourceType: h.sourceType, chunkIndex: h.chunkIndex, projectId: h.projectId },
  });
}

export interface TenantChatHistoryOptions extends AdapterBase {
  /** A chat session the actor may write (a participant); see `createSession`. */
  sessionId: string;
}

/** LangChain chat message history over a conversation (`appendMessage` / `listMessages`). */
export class TenantChatMessageHistory extends BaseListChatMessageHistory {
  lc_namespace = ['ai_platform_db', 'chat_history'];
  private readonly options: TenantChatHistoryOptions;

  constructor(options: TenantChatHistoryOptions) {
    super();
    if (!isUuid(options.sessionId)) throw new ValidationError('TenantChatMessageHistory needs a session id (uuid)');
    this.options = options;
  }

  async getMessages(): Promise<BaseMessage[]> {
    return asActor(this.options, async (tx, tenantId) =>
      (await allMessages(tx, tenantId, this.options.sessionId)).map(toMessage),
    );
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /** Appends in order, in one transaction (all or none). */
  override async addMessages(messages: BaseMessage[]): Promise<void> {
    await asActor(this.options, async (tx, tenantId) => {
      for (const m of messages) {
        const type = m.getType();
        const role = type === 'human' ? 'user' : type === 'ai' ? 'assistant' : type === 'system' ? 'system' : type === 'tool' ? 'tool' : null;
        if (!role) throw new ValidationError(`message type ${type} cannot be stored`);
        const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
        const extra: Record<string, unknown> = {};
        if (type === 'ai' && (m as AIMessage).tool_calls?.length) extra.tool_calls = (m as AIMessage).tool_calls;
        if (type === 'tool') extra.tool_call_id = (m as ToolMessage).tool_call_id;
        await appendMessage(tx, {
          tenantId,
          sessionId: this.options.sessionId,
          role,
          content,
          ...(typeof m.content === 'string' ? {} : { parts: jsonMetadata({ content: m.content }).content as never }),
          metadata: jsonMetadata({ ...extra, ...(m.id ? { lc_id: m.id } : {}) }),
        });
      }
    });
  }

  /** Conversations are history: clearing is not offered (erasure goes through the GDPR path). */
  override async clear(): Promise<void> {
    throw new ValidationError('chat history is append-only: start a new session instead of clearing one');
  }
}

function toMessage(m: { role: string; content: string; metadata: unknown }): BaseMessage {
  const meta = (m.metadata ?? {}) as { tool_calls?: unknown; tool_call_id?: string; lc_id?: string };
  const id = meta.lc_id;
  switch (m.role) {
    case 'user':
      return new HumanMessage({ content: m.content, ...(id ? { id } : {}) });
    case 'assistant':
      return new AIMessage({
        content: m.content,
        ...(id ? { id } : {}),
        ...(Array.isArray(meta.tool_calls) ? { tool_calls: meta.tool_calls as never } : {}),
      });
    case 'system':
      return new SystemMessage({ content: m.content, ...(id ? { id } : {}) });
    default:
      return new ToolMessage({ content: m.content, tool_call_id: meta.tool_call_id ?? '', ...(id ? { id } : {}) });
  }
}
