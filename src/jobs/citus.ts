/**
 * The distribute step (docs/scale-out.md): turns a migrated database on a Citus coordinator
 * into a distributed one, by calling `app.distribute()` (src/sql/citus.ts). Idempotent: run it
 * after every upgrade (migrations add tables, policies and functions as on one node; this
 * step distributes and adapts what is new).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { DbError, mapErrors } from '../queries/errors.js';
import { rows } from '../queries/util.js';

export interface DistributeStep {
  step: string;
  object: string;
  detail: string;
}

/** The database is no Citus coordinator (no citus extension): nothing was changed. */
export class NotCitusError extends DbError {
  readonly code = 'NOT_CITUS' as const;
}

export async function distribute(db: Db): Promise<DistributeStep[]> {
  return mapErrors(async () => {
    const [c] = await rows<{ citus: boolean }>(db, sql`select exists (select 1 from pg_extension where extname = 'citus') as citus`);
    if (!c?.citus)
      throw new NotCitusError('distribute needs a Citus coordinator: this database has no citus extension (docs/scale-out.md)');
    return rows<DistributeStep>(db, sql`select step, object, detail from app.distribute()`);
  });
}
