/**
 * Custom SQL migrations from the catalogue of named objects (src/sql/catalogue.ts).
 *
 *   check  (CI)  every migration in the journal is recorded and unchanged since it was
 *                recorded (an applied migration is never edited), and the sources in src/sql
 *                and src/rls have no change that a migration does not carry yet.
 *   write        records new drizzle-kit migrations, and when the sources changed, generates a
 *                NEW custom migration (`drizzle-kit generate --custom --name objects`) holding
 *                only the changed, added and removed objects.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffCatalogue, sha, catalogueObjects, type CatalogueFile } from '../src/sql/catalogue.js';
import { allCustomStatements, renderMigration } from '../src/sql/migrations.js';

const dir = process.env.AIPDB_MIGRATIONS_DIR ?? join(import.meta.dirname, '..', 'drizzle');
const cataloguePath = join(dir, 'catalogue.json');
const journal = () =>
  (JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }).entries;
const fileHash = (tag: string) => sha(readFileSync(join(dir, `${tag}.sql`), 'utf8'));
const mode = process.argv[2] ?? 'check';
const name = process.argv[3] ?? 'objects';

if (!existsSync(cataloguePath)) {
  console.error(`${cataloguePath} is missing`);
  process.exit(1);
}
const catalogue = JSON.parse(readFileSync(cataloguePath, 'utf8')) as CatalogueFile;
const save = () => writeFileSync(cataloguePath, `${JSON.stringify(catalogue, null, 2)}\n`);
let problems = 0;
const problem = (msg: string) => {
  console.error(msg);
  problems++;
};

// 1. applied migrations are never edited
for (const { tag } of journal()) {
  const recorded = catalogue.applied[tag];
  if (recorded === undefined) {
    if (mode === 'write') {
      catalogue.applied[tag] = fileHash(tag);
      console.log(`recorded ${tag}.sql`);
    } else problem(`${tag}.sql is not recorded: run npm run db:custom`);
  } else if (recorded !== fileHash(tag)) {
    problem(`${tag}.sql was edited after it was recorded: applied migrations are never edited — restore it (git checkout) and put the change in a new migration (npm run db:custom)`);
  }
}

// 2. the sources have no change that a migration does not carry yet
const diff = diffCatalogue(catalogue.objects, allCustomStatements());
if (diff.manual.length) {
  problem(`these changes cannot be generated; write a custom migration by hand (drizzle-kit generate --custom) and record it:\n  ${diff.manual.join('\n  ')}`);
}
if (diff.statements.length) {
  const what = [
    ...diff.added.map((k) => `+ ${k}`),
    ...diff.changed.map((k) => `~ ${k}`),
    ...diff.removed.map((k) => `- ${k}`),
  ].join('\n  ');
  if (mode !== 'write' || problems) {
    problem(`the custom SQL changed and no migration carries it yet (npm run db:custom):\n  ${what}`);
  } else {
    execFileSync('npx', ['drizzle-kit', 'generate', '--custom', '--name', name], { stdio: 'ignore' });
    const tag = journal().at(-1)!.tag;
    writeFileSync(join(dir, `${tag}.sql`), renderMigration(diff.statements));
    catalogue.applied[tag] = fileHash(tag);
    catalogue.objects = catalogueObjects(allCustomStatements());
    console.log(`wrote ${tag}.sql (${diff.statements.length} statements):\n  ${what}`);
  }
}
if (mode === 'write' && !problems) save();
if (problems) process.exitCode = 1;
else if (mode !== 'write') console.log('custom migrations: all recorded, none edited, sources carried');
