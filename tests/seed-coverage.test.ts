/**
 * docs/seed-coverage.md is true: every seed table is mapped; every table or column it names
 * exists in the schema; every other object it names (index, policy, trigger, function, enum)
 * is created by a migration; every "not adopted" row says why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db.js';
import { tablesByName } from '../src/rls/drizzle.js';
import { supabaseStatements } from '../src/supabase/index.js';

const root = join(import.meta.dirname, '..');
const seedsDir = join(root, '..', 'shared', 'seeds');
const doc = readFileSync(join(root, 'docs', 'seed-coverage.md'), 'utf8');
const migrations = readdirSync(MIGRATIONS_FOLDER)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => readFileSync(join(MIGRATIONS_FOLDER, f), 'utf8'))
  // the opt-in Supabase SQL (ai-platform-db/supabase) counts as a home too
  .concat(supabaseStatements())
  .join('\n');

interface Row {
  section: string;
  seed: string;
  kind: string;
  here: string;
  notes: string;
}

function rows(): Row[] {
  const out: Row[] = [];
  let section = '';
  for (const line of doc.split('\n')) {
    const h = /^## (\d{3})/.exec(line);
    if (h) section = h[1]!;
    if (!section || !line.startsWith('| ') || line.startsWith('| ---') || line.startsWith('| seed |')) continue;
    const cells = line.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, '').trim());
    out.push({ section, seed: cells[0]!, kind: cells[1]!, here: cells[2]!, notes: cells[3] ?? '' });
  }
  return out;
}

/** Table names each seed declares, read from the seed text itself. */
function seedTables(file: string): string[] {
  const text = readFileSync(join(seedsDir, file), 'utf8').replace(/\\/g, '');
  const names = new Set<string>();
  for (const m of text.matchAll(/create table (?:if not exists )?(?:public\.)?(\w+)/gi)) names.add(m[1]!);
  for (const m of text.matchAll(/^(\w+) \($/gm)) names.add(m[1]!);
  for (const m of text.matchAll(/public\.(\w+) \{/g)) names.add(m[1]!);
  for (const m of text.matchAll(/public\.\w+ \|\|--[|o]\{ public\.(\w+)/g)) names.add(m[1]!);
  for (const m of text.matchAll(/INSERT INTO public\.(\w+)/g)) names.add(m[1]!);
  return [...names];
}

const haveSeeds = existsSync(seedsDir);
if (!haveSeeds) {
  console.log(`[seed-coverage] skipped: the seed specifications are not at ${seedsDir} (../shared beside the repository, as in CI)`);
}

describe.skipIf(!haveSeeds)('docs/seed-coverage.md', () => {
  const all = rows();
  const seedFiles = readdirSync(seedsDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('has a section per seed file', () => {
    expect(seedFiles.length).toBe(5);
    for (const f of seedFiles) expect(doc).toContain(`(\`${f}\`)`);
  });

  it('maps every table each seed declares', () => {
    const missing: string[] = [];
    for (const f of seedFiles) {
      const section = f.slice(0, 3);
      const mapped = new Set(
        all.filter((r) => r.section === section).flatMap((r) => [...r.seed.matchAll(/`([\w.]+)`/g)].map((m) => m[1]!)),
      );
      for (const t of seedTables(f)) if (!mapped.has(t)) missing.push(`${section}: ${t}`);
    }
    expect(missing).toEqual([]);
  });

  it('names only tables, columns and objects that exist', () => {
    const problems: string[] = [];
    for (const r of all) {
      for (const [, ref] of r.here.matchAll(/`([^`]+)`/g)) {
        const name = ref!;
        const [table, column] = name.split('.');
        const t = tablesByName.get(table!);
        if (t && column) {
          if (!getTableConfig(t).columns.some((c) => c.name === column))
            problems.push(`${r.section} ${r.seed}: no column ${name}`);
        } else if (!t && !migrations.includes(name.replace(/\(\)$/, ''))) {
          problems.push(`${r.section} ${r.seed}: ${name} is neither a table nor in any migration`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives a reason for everything not adopted', () => {
    const bare = all.filter((r) => r.here.startsWith('not adopted') && r.notes.length < 20);
    expect(bare.map((r) => `${r.section} ${r.seed}`)).toEqual([]);
    expect(all.filter((r) => r.here.startsWith('not adopted')).length).toBeGreaterThan(5);
  });
});
