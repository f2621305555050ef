/**
 * The custom SQL migrations, by tag, as statement lists. `scripts/migrations.ts write`
 * writes them into `drizzle/<tag>.sql` (joined with drizzle's statement breakpoints, one
 * statement each, as PGlite requires), `check` verifies the committed files are current,
 * and the push companion (`ai-platform-db push-extras`) runs the same statements after
 * `drizzle-kit push`. Every statement is idempotent.
 */
import { rlsStatements } from '../rls/emit.js';
import { PARTITIONED_TABLES } from '../schema/partitioned.js';
import { functionStatements } from './functions.js';
import { initialPartitionStatements, partitionStatements } from './partitions.js';
import { platformStatements } from './platform.js';

export const EXTENSION_STATEMENTS = [
  `CREATE EXTENSION IF NOT EXISTS vector`,
  `CREATE EXTENSION IF NOT EXISTS pgcrypto`,
];

/** Before the generated schema: extensions, roles, helper functions (policies call them). */
export function preSchemaStatements(): string[] {
  return [...EXTENSION_STATEMENTS, ...rlsStatements({ sections: ['roles', 'helpers'] })];
}

/**
 * After the generated schema: partitioned tables, functions and triggers, FORCE RLS, grants,
 * platform rules (purchases, API keys, GDPR purge, retention).
 */
export function postSchemaStatements(): { tag: string; statements: string[] }[] {
  return [
    { tag: 'partitioned_tables', statements: partitionStatements() },
    { tag: 'functions_triggers', statements: [...functionStatements(), ...initialPartitionStatements()] },
    {
      tag: 'rls_force_grants',
      statements: [
        ...rlsStatements({ sections: ['enable', 'grants'] }),
        ...rlsStatements({ sections: ['policies'], tables: PARTITIONED_TABLES.map((p) => p.table) }),
      ],
    },
    { tag: 'platform', statements: platformStatements() },
  ];
}

/**
 * What `push-extras --phase post` runs after `drizzle-kit push`: the post-schema migrations,
 * then every policy again from the RLS module — drizzle-kit 0.31's push creates policies
 * without their USING / WITH CHECK expressions (drizzle-orm issue 3504; `generate` is right),
 * which would leave permissive policies that let every row through.
 */
export function pushPostStatements(): string[] {
  return [...postSchemaStatements().flatMap((m) => m.statements), ...rlsStatements({ sections: ['policies'] })];
}

/** Custom migrations by the suffix of their tag (`0000_<suffix>`). */
export function customMigrations(): Record<string, string[]> {
  const out: Record<string, string[]> = { extensions_roles_helpers: preSchemaStatements() };
  for (const m of postSchemaStatements()) out[m.tag] = m.statements;
  return out;
}

export const BREAKPOINT = '\n--> statement-breakpoint\n';

export function renderMigration(statements: string[]): string {
  return (
    '-- Custom migration written by `npm run db:custom` from src/sql and src/rls. Do not edit by hand.\n' +
    statements.map((s) => `${s};`).join(BREAKPOINT) +
    '\n'
  );
}
