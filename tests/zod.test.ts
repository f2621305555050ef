/** `ai-platform-db/zod`: a schema set for every table, refinements matching the constraints. */
import { describe, expect, it } from 'vitest';
import { tablesByName } from '../src/rls/drizzle.js';
import {
  insertAgentTaskSchema,
  insertChunkSchema,
  insertProjectSchema,
  insertTaskVersionSchema,
  insertUserSchema,
  tableSchemas,
} from '../src/zod/index.js';

const uuid = '3f1c2b9e-4a5d-4e6f-8a7b-9c0d1e2f3a4b';

describe('zod schemas', () => {
  it('covers every table with insert, select and update schemas', () => {
    expect(Object.keys(tableSchemas).sort()).toEqual([...tablesByName.keys()].sort());
  });

  it('refuses what the database would refuse, naming the field', () => {
    const email = insertUserSchema.safeParse({ email: 'not-an-email' });
    expect(email.success).toBe(false);
    expect(email.error!.issues[0]!.path).toEqual(['email']);
    expect(insertProjectSchema.safeParse({ tenantId: uuid, name: '   ' }).success).toBe(false);
    expect(insertAgentTaskSchema.safeParse({ tenantId: uuid, userId: uuid, prompt: 'x', progress: 101 }).success).toBe(
      false,
    );
    expect(
      insertTaskVersionSchema.safeParse({ tenantId: uuid, taskId: uuid, projectId: uuid, version: 1, riskScore: 1.5 })
        .success,
    ).toBe(false);
    expect(insertProjectSchema.safeParse({ tenantId: uuid, name: 'ok' }).success).toBe(true);
  });

  it('requires an embedding of exactly the model dimension, with finite numbers', () => {
    const base = {
      tenantId: uuid,
      sourceType: 'manual',
      sourceId: uuid,
      chunkIndex: 0,
      content: 'x',
      contentHash: 'a'.repeat(64),
      modelId: uuid,
      dims: 3,
    };
    expect(insertChunkSchema.safeParse({ ...base, embedding: [1, 2, 3] }).success).toBe(true);
    const wrong = insertChunkSchema.safeParse({ ...base, embedding: [1, 2] });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues[0]!.path).toEqual(['embedding']);
    expect(insertChunkSchema.safeParse({ ...base, embedding: [1, Number.NaN, 3] }).success).toBe(false);
    expect(insertChunkSchema.safeParse({ ...base, embedding: [1, Number.POSITIVE_INFINITY, 3] }).success).toBe(false);
  });
});
