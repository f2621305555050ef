// The README's AI SDK example, type-checked by `npm run typecheck` (a route handler's body).
import { convertToModelMessages, streamText, type LanguageModel, type UIMessage } from 'ai';
import { loadUIMessages, saveUIMessages } from '../../src/adapters/ai-sdk.js' /* ai-platform-db/ai-sdk */;
import type { ActorSource } from '../../src/adapters/common.js';
import type { Db } from '../../src/db.js';

export async function chat(db: Db, actor: ActorSource, model: LanguageModel, sessionId: string, userMessage: UIMessage) {
  const messages = await loadUIMessages({ db, actor }, { sessionId });
  const result = streamText({ model, messages: await convertToModelMessages([...messages, userMessage]) });
  return result.toUIMessageStreamResponse({
    originalMessages: [...messages, userMessage],
    onEnd: async ({ messages }) => {
      await saveUIMessages({ db, actor }, { sessionId, messages });
    },
  });
}
