/**
 * Generates docs/schema.md: one Mermaid ER diagram per domain, from the Drizzle schema.
 * `npx tsx scripts/schema-doc.ts` writes it; `--check` fails when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as identity from '../src/schema/identity.js';
import * as projects from '../src/schema/projects.js';
import * as documents from '../src/schema/documents.js';
import * as work from '../src/schema/work.js';
import * as knowledge from '../src/schema/knowledge.js';
import * as conversations from '../src/schema/conversations.js';
import * as agents from '../src/schema/agents.js';
import * as evaluation from '../src/schema/evaluation.js';
import * as models from '../src/schema/models.js';
import * as billing from '../src/schema/billing.js';
import * as integrations from '../src/schema/integrations.js';
import * as files from '../src/schema/files.js';
import * as compliance from '../src/schema/compliance.js';
import * as partitioned from '../src/schema/partitioned.js';
import { GLOBAL_TABLES } from '../src/schema/index.js';
import { TABLE_ACCESS } from '../src/rls/policies.js';

const domains: [string, string, Record<string, unknown>][] = [
  ['Identity & tenancy', 'identity.ts', identity],
  ['Projects', 'projects.ts', projects],
  ['Documents', 'documents.ts', documents],
  ['Work: tasks & reviews', 'work.ts', work],
  ['Knowledge & embeddings', 'knowledge.ts', knowledge],
  ['Conversations', 'conversations.ts', conversations],
  ['Agents', 'agents.ts', agents],
  ['Evaluation', 'evaluation.ts', evaluation],
  ['Models', 'models.ts', models],
  ['Billing & usage', 'billing.ts', billing],
  ['Integrations', 'integrations.ts', integrations],
  ['Files', 'files.ts', files],
  ['Compliance', 'compliance.ts', compliance],
  ['Partitioned (monthly): messages, usage events, audit log', 'partitioned.ts', partitioned],
];

const access = new Map(TABLE_ACCESS.map((a) => [a.table, a]));
const typeName = (t: string) =>
  t
    .replace(/\(.*\)/, '')
    .replace(/ with time zone/, 'tz')
    .replace(/\s+/g, '_')
    .replace(/\[\]$/, '_array');

export function renderSchemaDoc(): string {
  const out: string[] = [
    '# Schema',
    '',
    'Generated from `src/schema/` by `npx tsx scripts/schema-doc.ts` — do not edit; CI fails when it is stale.',
    '',
    'Every tenant-owned table leads its primary key and its foreign keys to other tenant-owned tables with',
    '`tenant_id`. Global tables: ' + GLOBAL_TABLES.map((t) => `\`${t}\``).join(', ') + '.',
    'Relations drawn are foreign keys; `PK`/`FK` mark key columns. The access column of each table list',
    'names its RLS archetype (`src/rls/policies.ts`).',
    '',
  ];
  for (const [title, file, mod] of domains) {
    const tables = (Object.values(mod) as unknown[])
      .filter((v): v is PgTable => v instanceof PgTable)
      .sort((a, b) => getTableConfig(a).name.localeCompare(getTableConfig(b).name));
    if (tables.length === 0) continue;
    const names = new Set(tables.map((t) => getTableConfig(t).name));
    out.push(`## ${title}`, '', `\`src/schema/${file}\``, '', '| table | rows | access |', '| --- | --- | --- |');
    for (const t of tables) {
      const cfg = getTableConfig(t);
      const a = access.get(cfg.name);
      const kind = GLOBAL_TABLES.includes(cfg.name as never) ? 'global' : 'tenant-owned';
      out.push(`| \`${cfg.name}\` | ${kind}${a?.appendOnly ? ', append-only' : ''} | ${a?.archetype ?? '?'} |`);
    }
    out.push('', '```mermaid', 'erDiagram');
    for (const t of tables) {
      const cfg = getTableConfig(t);
      const pk = new Set(
        cfg.primaryKeys[0]?.columns.map((c) => c.name) ?? cfg.columns.filter((c) => c.primary).map((c) => c.name),
      );
      const fkCols = new Set(cfg.foreignKeys.flatMap((f) => f.reference().columns.map((c) => c.name)));
      out.push(`  ${cfg.name} {`);
      for (const c of cfg.columns) {
        const marks = [pk.has(c.name) ? 'PK' : '', fkCols.has(c.name) ? 'FK' : ''].filter(Boolean).join(',');
        out.push(`    ${typeName(c.getSQLType())} ${c.name}${marks ? ` ${marks}` : ''}`);
      }
      out.push('  }');
    }
    const edges = new Set<string>();
    for (const t of tables) {
      const cfg = getTableConfig(t);
      for (const f of cfg.foreignKeys) {
        const target = getTableConfig(f.reference().foreignTable).name;
        if (target === 'users' && !names.has('users')) continue; // every table points at users; drawn in its own domain only
        if (target === 'tenants' && !names.has('tenants')) continue;
        edges.add(
          `  ${target} ||--o{ ${cfg.name} : "${f
            .reference()
            .columns.map((c) => c.name)
            .join(', ')}"`,
        );
      }
    }
    out.push(...[...edges].sort(), '```', '');
  }
  return out.join('\n');
}

const target = join(import.meta.dirname, '..', 'docs', 'schema.md');
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const doc = renderSchemaDoc();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== doc) {
      console.error('docs/schema.md is stale: run npx tsx scripts/schema-doc.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(target, doc);
    console.log('wrote docs/schema.md');
  }
}
