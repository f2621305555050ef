/**
 * Writes (`write`) or verifies (`check`) the custom SQL migrations in drizzle/ from their
 * TypeScript sources. The journal (drizzle/meta/_journal.json) names the files; a custom
 * migration is one whose tag ends with a key of customMigrations().
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { customMigrations, renderMigration } from '../src/sql/migrations.js';

const dir = join(import.meta.dirname, '..', 'drizzle');
const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};
const mode = process.argv[2] ?? 'check';
const custom = customMigrations();
let stale = 0;
for (const [suffix, statements] of Object.entries(custom)) {
  const entry = journal.entries.find((e) => e.tag.replace(/^\d+_/, '') === suffix);
  if (!entry) {
    console.error(`no migration tagged *_${suffix} in the journal: run drizzle-kit generate --custom --name ${suffix}`);
    process.exitCode = 1;
    continue;
  }
  const file = join(dir, `${entry.tag}.sql`);
  const want = renderMigration(statements);
  const have = readFileSync(file, 'utf8');
  if (have === want) continue;
  if (mode === 'write') {
    writeFileSync(file, want);
    console.log(`wrote ${entry.tag}.sql (${statements.length} statements)`);
  } else {
    console.error(`${entry.tag}.sql is stale: run npm run db:custom`);
    stale++;
  }
}
if (stale > 0) process.exitCode = 1;
