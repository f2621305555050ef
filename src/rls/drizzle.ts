/**
 * The declared policies as drizzle `pgPolicy` objects linked to their tables, so
 * drizzle-kit writes them into generated migrations and `push` sees them as already there.
 * Service-only tables get RLS enabled with no policy (deny-all). The partitioned tables are
 * outside drizzle-kit's view; their policies reach the database through the custom
 * migration written from `emitRlsSql`.
 */
import { sql } from 'drizzle-orm';
import { pgPolicy, type PgPolicy } from 'drizzle-orm/pg-core';
import { PARTITIONED_TABLES } from '../schema/partitioned.js';
import { TABLE_ACCESS } from './policies.js';

const partitioned = new Set<string>(PARTITIONED_TABLES.map((p) => p.table));

export { tablesByName } from './tables.js';
import { tablesByName } from './tables.js';

/** Tables drizzle-kit manages (everything but the partitioned tables). */
export const drizzleKitTables = [...tablesByName.entries()].filter(([name]) => !partitioned.has(name));

/** Linked policies keyed by policy name (drizzle-kit reads them as top-level exports). */
export function linkedPolicies(): Record<string, PgPolicy> {
  const out: Record<string, PgPolicy> = {};
  for (const access of TABLE_ACCESS) {
    if (partitioned.has(access.table)) continue;
    const table = tablesByName.get(access.table);
    if (!table) throw new Error(`policy declared for unknown table ${access.table}`);
    // RLS on even when there is no policy (service-only tables deny the app role everything).
    (table as unknown as Record<symbol, boolean>)[Symbol.for('drizzle:EnableRLS')] = true;
    for (const p of access.policies) {
      out[p.name] = pgPolicy(p.name, {
        as: 'permissive',
        for: p.command,
        to: 'public',
        ...(p.using !== undefined ? { using: sql.raw(p.using) } : {}),
        ...(p.withCheck !== undefined ? { withCheck: sql.raw(p.withCheck) } : {}),
      }).link(table);
    }
  }
  return out;
}
