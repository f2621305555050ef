/** Every table of the schema by SQL name (no dependency on the policies: both sides use it). */
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../schema/index.js';

export const tablesByName: ReadonlyMap<string, PgTable> = new Map(
  (Object.values(schema) as unknown[])
    .filter((v): v is PgTable => v instanceof PgTable)
    .map((t) => [getTableConfig(t).name, t] as const),
);
