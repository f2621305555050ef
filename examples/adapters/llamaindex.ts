// The README's LlamaIndex.TS example, type-checked by `npm run typecheck`.
import type { BaseEmbedding } from '@llamaindex/core/embeddings';
import type { BaseNode } from '@llamaindex/core/schema';
import { TenantLlamaVectorStore } from '../../src/adapters/llamaindex.js' /* ai-platform-db/llamaindex */;
import type { ActorSource } from '../../src/adapters/common.js';
import type { Db } from '../../src/db.js';

export async function search(db: Db, actor: ActorSource, modelId: string, embedModel: BaseEmbedding, nodes: BaseNode[]) {
  const store = new TenantLlamaVectorStore({ db, actor, modelId, embedModel });
  await store.add(nodes);
  const { nodes: hits, similarities } = await store.query({
    queryStr: 'quay wall settlement',
    similarityTopK: 4,
    mode: 'default' as never,
    filters: { filters: [{ key: 'site', value: 'harbour', operator: '==' }] },
  });
  return { hits, similarities };
}
