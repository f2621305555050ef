/** Generated artifacts are current: docs/schema.md and the custom SQL migrations. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db.js';
import { customMigrations, renderMigration } from '../src/sql/migrations.js';
import { renderSchemaDoc } from '../scripts/schema-doc.js';

describe('generated files', () => {
  it('docs/schema.md is current (npx tsx scripts/schema-doc.ts)', () => {
    expect(readFileSync(join(import.meta.dirname, '..', 'docs', 'schema.md'), 'utf8')).toBe(renderSchemaDoc());
  });

  it('the custom migrations equal their TypeScript sources (npm run db:custom)', () => {
    const files = readdirSync(MIGRATIONS_FOLDER);
    for (const [suffix, statements] of Object.entries(customMigrations())) {
      const file = files.find((f) => f.endsWith(`_${suffix}.sql`));
      expect(file, suffix).toBeDefined();
      expect(readFileSync(join(MIGRATIONS_FOLDER, file!), 'utf8'), file).toBe(renderMigration(statements));
    }
  });
});
