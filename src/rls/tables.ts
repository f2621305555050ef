/** Every table of the schema by SQL name (no dependency on the policies: both sides use it). */
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../schema/index.js';
import type { TableAccess } from './archetypes.js';

export const tablesByName: ReadonlyMap<string, PgTable> = new Map(
  (Object.values(schema) as unknown[])
    .filter((v): v is PgTable => v instanceof PgTable)
    .map((t) => [getTableConfig(t).name, t] as const),
);

/** The columns the application role may read of a table (all but its hidden ones). */
export function visibleColumns(access: Pick<TableAccess, 'table' | 'hiddenColumns'>): string[] {
  const table = tablesByName.get(access.table);
  if (!table) throw new Error(`unknown table ${access.table}`);
  return getTableConfig(table)
    .columns.map((c) => c.name)
    .filter((c) => !access.hiddenColumns.includes(c));
}
