/** Generated artifacts are current: docs/schema.md and the custom SQL migrations. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db.js';
import { allCustomStatements } from '../src/sql/migrations.js';
import { diffCatalogue } from '../src/sql/catalogue.js';
import { renderSchemaDoc } from '../scripts/schema-doc.js';

describe('generated files', () => {
  it('docs/schema.md is current (npx tsx scripts/schema-doc.ts)', () => {
    expect(readFileSync(join(import.meta.dirname, '..', 'docs', 'schema.md'), 'utf8')).toBe(renderSchemaDoc());
  });

  it('the custom migrations carry their TypeScript sources (npm run db:custom; see catalogue.test.ts)', () => {
    expect(diffCatalogue(JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'catalogue.json'), 'utf8')).objects, allCustomStatements()).statements).toEqual([]);
  });

  it('the package ships the latest snapshot only (package.json files)', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { files: string[] };
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
      entries: { idx: number }[];
    };
    const latest = `drizzle/meta/${String(journal.entries.at(-1)!.idx).padStart(4, '0')}_snapshot.json`;
    expect(pkg.files.filter((f) => f.includes('_snapshot.json'))).toEqual([latest]);
  });
});
