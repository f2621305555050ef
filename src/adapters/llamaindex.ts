/**
 * LlamaIndex.TS on tenant-safe storage (`ai-platform-db/llamaindex`; `@llamaindex/core` is an
 * optional peer dependency): a `BaseVectorStore` over `ingestChunks` / `searchSimilar` /
 * `searchHybrid`, every call one transaction acting for the store's actor.
 *
 *   const store = new TenantLlamaVectorStore({ db, actor, modelId, embedModel });
 *   await store.add(nodesWithEmbeddings);
 *   const { nodes, similarities } = await store.query({ queryEmbedding, similarityTopK: 4, mode: 'default' });
 */
import type { BaseEmbedding } from '@llamaindex/core/embeddings';
import { MetadataMode, TextNode, type BaseNode } from '@llamaindex/core/schema';
import {
  BaseVectorStore,
  type MetadataFilters,
  type VectorStoreQuery,
  type VectorStoreQueryResult,
} from '@llamaindex/core/vector-store';
import { ValidationError } from '../queries/errors.js';
import { deleteChunksBySource, ingestChunks, type SearchFilters } from '../queries/search.js';
import {
  asActor,
  fromLlamaIndexFilters,
  isUuid,
  jsonMetadata,
  searchChunks,
  stableUuid,
  type AdapterBase,
} from './common.js';

export interface TenantLlamaVectorStoreOptions extends AdapterBase {
  /** The tenant's registered embedding model (its dimension is checked on add). */
  modelId: string;
  projectId?: string;
  /** LlamaIndex's embedding model for queries given as text. */
  embedModel?: BaseEmbedding;
  strategy?: 'auto' | 'exact' | 'hnsw';
}

const NODE_ID = 'li_node_id';
const REF_DOC = 'li_ref_doc_id';

export class TenantLlamaVectorStore extends BaseVectorStore<TenantLlamaVectorStoreOptions> {
  storesText = true;
  private readonly options: TenantLlamaVectorStoreOptions;

  constructor(options: TenantLlamaVectorStoreOptions) {
    super(options.embedModel ? { embedModel: options.embedModel } : {});
    if (!isUuid(options.modelId)) throw new ValidationError('TenantLlamaVectorStore needs the modelId of a registered embedding model');
    this.options = options;
  }

  client(): TenantLlamaVectorStoreOptions {
    return this.options;
  }

  /**
   * Adds nodes that carry embeddings. A node's source is its reference document (a stable uuid
   * from `refDocId`, else from the node id), its chunk index its position among that
   * document's nodes; a retry writes nothing twice. Returns the node ids.
   */
  async add(nodes: BaseNode[]): Promise<string[]> {
    if (nodes.length === 0) return [];
    const perSource = new Map<string, number>();
    const chunks = nodes.map((n, i) => {
      if (!n.embedding?.length) throw new ValidationError(`node ${i} (${n.id_}) has no embedding`);
      const ref = n.sourceNode?.nodeId;
      const sourceId = isUuid(ref) ? ref : stableUuid(ref ?? n.id_);
      const index = perSource.get(sourceId) ?? 0;
      perSource.set(sourceId, index + 1);
      return {
        sourceType: 'manual' as const,
        sourceId,
        chunkIndex: index,
        content: n.getContent(MetadataMode.NONE),
        metadata: { ...jsonMetadata(n.metadata), [NODE_ID]: n.id_, ...(ref ? { [REF_DOC]: ref } : {}) },
        embedding: n.embedding,
      };
    });
    await asActor(this.options, (tx, tenantId) =>
      ingestChunks(tx, {
        tenantId,
        modelId: this.options.modelId,
        ...(this.options.projectId ? { projectId: this.options.projectId } : {}),
        chunks,
      }),
    );
    return nodes.map((n) => n.id_);
  }

  /** Deletes every chunk of a reference document. */
  async delete(refDocId: string): Promise<void> {
    await asActor(this.options, (tx, tenantId) =>
      deleteChunksBySource(tx, {
        tenantId,
        sourceType: 'manual',
        sourceId: isUuid(refDocId) ? refDocId : stableUuid(refDocId),
        modelId: this.options.modelId,
      }),
    );
  }

  /**
   * `default` mode: vector search (similarity = 1 - cosine distance). `hybrid` mode with
   * `queryStr`: vector and full text fused by reciprocal rank (similarity = fused score).
   * Filters map onto the package's metadata filter; `docIds` limits to reference documents.
   */
  async query(query: VectorStoreQuery): Promise<VectorStoreQueryResult> {
    const embedding =
      query.queryEmbedding ?? (query.queryStr && this.embedModel ? await this.embedModel.getQueryEmbedding({ type: 'text', text: query.queryStr }) : null);
    if (!embedding) throw new ValidationError('query needs queryEmbedding (or queryStr and an embedModel)');
    const filters: SearchFilters = {
      ...(this.options.projectId ? { projectIds: [this.options.projectId] } : {}),
      ...(query.filters?.filters.length ? { metadata: fromLlamaIndexFilters(query.filters as MetadataFilters) } : {}),
      ...(query.docIds?.length ? { sourceIds: query.docIds.map((d) => (isUuid(d) ? d : stableUuid(d))) } : {}),
    };
    const text = query.mode === 'hybrid' ? query.queryStr?.trim() || undefined : undefined;
    const found = await asActor(this.options, (tx, tenantId) =>
      searchChunks(
        tx,
        { tenantId, modelId: this.options.modelId, embedding, k: query.similarityTopK, filters, strategy: this.options.strategy ?? 'auto' },
        text,
      ),
    );
    // similarity: the fused score when hybrid ran, else 1 - cosine distance
    const hits = found.map(({ hit, score }) => ({ h: hit, s: text ? score : 1 - score }));
    const nodes = hits.map(({ h }) => {
      const { [NODE_ID]: nodeId, [REF_DOC]: ref, ...metadata } = (h.metadata ?? {}) as Record<string, unknown>;
      return new TextNode({
        id_: typeof nodeId === 'string' ? nodeId : h.id,
        text: h.content,
        metadata: { ...metadata, chunkId: h.id, ...(typeof ref === 'string' ? { refDocId: ref } : {}) },
      });
    });
    return { nodes, similarities: hits.map(({ s }) => s), ids: nodes.map((n) => n.id_) };
  }
}
