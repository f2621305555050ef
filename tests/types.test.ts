/** The public API's inferred types (checked by tsc in `npm run typecheck`, asserted here). */
import { describe, expectTypeOf, it } from 'vitest';
import type { Db, DbOrTx } from '../src/db.js';
import type { Document, NewDocument, Task } from '../src/schema/index.js';
import { appendRevision, createDocument, getDocument, type RevisionRef } from '../src/queries/documents.js';
import { searchSimilar, type SearchHit } from '../src/queries/search.js';
import { reviewVersion } from '../src/queries/tasks.js';
import { ConflictError, mapDbError, type PackageError } from '../src/queries/errors.js';

describe('public types', () => {
  it('infers table rows and inserts', () => {
    expectTypeOf<Document['currentRev']>().toEqualTypeOf<number>();
    expectTypeOf<Document['deletedAt']>().toEqualTypeOf<Date | null>();
    expectTypeOf<NewDocument>().toHaveProperty('title');
    expectTypeOf<Task['status']>().toEqualTypeOf<
      'pending' | 'in_progress' | 'awaiting_review' | 'awaiting_clarification' | 'completed' | 'rejected'
    >();
  });

  it('types the operations: any database or transaction in, typed rows out', () => {
    expectTypeOf(createDocument).parameter(0).toEqualTypeOf<DbOrTx>();
    expectTypeOf<Db>().toMatchTypeOf<DbOrTx>();
    expectTypeOf(appendRevision).returns.resolves.toMatchTypeOf<RevisionRef>();
    expectTypeOf(getDocument).returns.resolves.toHaveProperty('content');
    expectTypeOf(searchSimilar).returns.resolves.toEqualTypeOf<SearchHit[]>();
    expectTypeOf(reviewVersion).returns.resolves.toHaveProperty('task').toEqualTypeOf<Task>();
  });

  it('types the errors', () => {
    expectTypeOf(new ConflictError('x').code).toEqualTypeOf<'CONFLICT'>();
    expectTypeOf<ConflictError>().toMatchTypeOf<PackageError>();
    expectTypeOf(mapDbError).returns.toEqualTypeOf<unknown>();
  });
});
