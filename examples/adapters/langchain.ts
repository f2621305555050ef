// The README's LangChain example, type-checked by `npm run typecheck`.
import type { DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { TenantChatMessageHistory, TenantVectorStore } from '../../src/adapters/langchain.js' /* ai-platform-db/langchain */;
import type { Db } from '../../src/db.js';

const formatDocs = (docs: DocumentInterface[]) => docs.map((d) => d.pageContent).join('\n\n');
const prompt = ChatPromptTemplate.fromTemplate('Answer from the context.\n{context}\n\nQuestion: {question}');

export async function answer(
  db: Db,
  req: { user: { id: string; tenantId: string } },
  embeddings: EmbeddingsInterface,
  chatModel: BaseChatModel,
  ids: { modelId: string; projectId: string; sessionId: string },
  docs: DocumentInterface[],
) {
  const actor = () => ({ userId: req.user.id, tenantId: req.user.tenantId });
  const store = new TenantVectorStore(embeddings, { db, actor, modelId: ids.modelId, projectId: ids.projectId });
  await store.addDocuments(docs);
  const chain = RunnableSequence.from([
    { context: store.asRetriever(4).pipe(formatDocs), question: new RunnablePassthrough() },
    prompt,
    chatModel,
    new StringOutputParser(),
  ]);
  const text = await chain.invoke('What governs the deck?');
  const history = new TenantChatMessageHistory({ db, actor, sessionId: ids.sessionId });
  await history.addUserMessage('What governs the deck?');
  await history.addAIMessage(text);
  return text;
}
