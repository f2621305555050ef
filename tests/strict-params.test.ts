/**
 * Strict parameters: a misspelt or unknown key is a ValidationError naming it — never
 * silently dropped (a typo'd `expectedRevision` used to turn an optimistic-concurrency append
 * into a blind one).
 */
import { describe, expect, it } from 'vitest';
import { actorSchema } from '../src/actor.js';
import * as jobs from '../src/jobs/index.js';
import * as q from '../src/queries/index.js';
import { ValidationError } from '../src/queries/errors.js';
import type { z } from 'zod';

const ID = '00000000-0000-4000-8000-000000000001';

describe('strict parameters', () => {
  it('every exported parameter schema refuses unknown keys', () => {
    const schemas = Object.entries({ ...q, ...jobs }).filter(
      ([name, v]) => /Params$/.test(name) && v && typeof (v as z.ZodType).safeParse === 'function',
    ) as [string, z.ZodType][];
    expect(schemas.length).toBeGreaterThan(30);
    const lenient: string[] = [];
    for (const [name, schema] of schemas) {
      const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
      if (!shape) continue; // unions and refinements are checked through their parts
      const r = schema.safeParse({ __notAKey: 1 });
      if (r.success || !r.error.issues.some((i) => i.code === 'unrecognized_keys')) lenient.push(name);
    }
    expect(lenient).toEqual([]);
    expect(actorSchema.safeParse({ userId: ID, tenant: ID }).success).toBe(false);
  });

  it('an operation with a typo is a ValidationError naming the key, before any SQL', async () => {
    const err = await q
      .appendRevision({} as never, { tenantId: ID, documentId: ID, expectedRevision: 1, content: {} } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(String((err as Error).message)).toContain('expectedRevision');
  });
});
