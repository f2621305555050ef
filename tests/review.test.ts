/**
 * The schema review CLI on a fixture change: a column added, one dropped, a NOT NULL column
 * added and a policy added — as a diff of snapshots, and end to end (git, Squawk, exit code).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db.js';
import { diffSnapshots, review, sideOnDisk, type Snapshot } from '../src/review/index.js';

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);

const FIXTURE_SQL = `ALTER TABLE "projects" ADD COLUMN "color" text;--> statement-breakpoint
ALTER TABLE "documents" DROP COLUMN "metadata";--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "priority" integer NOT NULL;--> statement-breakpoint
CREATE POLICY "projects_select_public" ON "projects" AS PERMISSIVE FOR SELECT TO public USING (true);`;

/** The fixture change applied to a snapshot. */
function changed(base: Snapshot): Snapshot {
  const head = structuredClone(base);
  const t = (name: string) => head.tables[`public.${name}`]!;
  t('projects').columns.color = { name: 'color', type: 'text', primaryKey: false, notNull: false };
  delete t('documents').columns.metadata;
  t('tasks').columns.priority = { name: 'priority', type: 'integer', primaryKey: false, notNull: true };
  t('projects').policies.projects_select_public = {
    name: 'projects_select_public',
    as: 'PERMISSIVE',
    for: 'SELECT',
    to: ['public'],
    using: 'true',
  };
  return head;
}

/** The same value with every object's keys in reverse order (what drizzle-kit does to custom snapshots). */
function reordered<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reordered) as T;
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse().map(([k, x]) => [k, reordered(x)])) as T;
  return v;
}

describe('schema review', () => {
  const current = sideOnDisk(MIGRATIONS_FOLDER);

  it('compares snapshots structurally: another key order is no change (was 210 false changes)', () => {
    expect(diffSnapshots(current.snapshot, reordered(current.snapshot))).toEqual([]);
    // the fixture change on a reordered snapshot is still exactly the fixture change
    const kinds = diffSnapshots(current.snapshot, reordered(changed(current.snapshot))).map((c) => `${c.kind} ${c.object} ${c.change}`);
    expect(kinds.sort()).toEqual(
      ['column documents.metadata removed', 'column projects.color added', 'column tasks.priority added', 'policy projects.projects_select_public added'].sort(),
    );
  });

  it('rules look only at what the change touched: a service’s review is not failed by tables it never touched', () => {
    const head = { snapshot: changed(current.snapshot), migrations: current.migrations };
    const r = review(current, { ...head, migrations: [...head.migrations, { tag: '9999_fixture', sql: FIXTURE_SQL }] }, {
      appendOnlyTables: ['document_revisions', 'somebody_elses_history'],
    });
    expect(r.findings.filter((f) => f.rule === 'append-only')).toEqual([]);
  });

  it('classifies the fixture change', () => {
    const changes = diffSnapshots(current.snapshot, changed(current.snapshot));
    const by = Object.fromEntries(changes.map((c) => [`${c.kind} ${c.object} ${c.change}`, c.flags]));
    expect(by).toEqual({
      'column projects.color added': [],
      'column documents.metadata removed': ['destructive'],
      'column tasks.priority added': ['data-dependent'],
      'policy projects.projects_select_public added': ['security'],
    });
    expect(diffSnapshots(current.snapshot, current.snapshot)).toEqual([]);
  });

  it('flags what this schema forbids: a tenant table without a tenant key or a policy, RLS switched off', () => {
    const head = structuredClone(current.snapshot);
    const docs = head.tables['public.documents']!;
    docs.isRLSEnabled = false;
    head.tables['public.notes'] = {
      name: 'notes',
      schema: 'public',
      columns: { id: { name: 'id', type: 'uuid', primaryKey: true, notNull: true } },
      indexes: {},
      foreignKeys: {},
      compositePrimaryKeys: {},
      uniqueConstraints: {},
      checkConstraints: {},
      policies: {},
      isRLSEnabled: false,
    };
    const r = review(
      current,
      { snapshot: head, migrations: current.migrations },
      { globalTables: ['users', 'tenants'] },
    );
    const rules = r.findings.map((f) => `${f.rule} ${f.object}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'rls-enabled documents',
        'rls-enabled notes',
        'rls-policy notes',
        'tenant-key notes',
        'migration-missing drizzle/',
      ]),
    );
    expect(r.changes.find((c) => c.kind === 'rls')).toMatchObject({ object: 'documents', flags: ['security'] });
    expect(r.needsDecision).toBe(true);
  });

  describe('end to end: git, Squawk, exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aipdb-review-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const git = (...args: string[]) => run('git', args, { cwd: dir });
    const cli = async (...args: string[]) => {
      try {
        const { stdout } = await run(
          join(ROOT, 'node_modules', '.bin', 'tsx'),
          [join(ROOT, 'src/cli/index.ts'), ...args],
          {
            cwd: dir,
            env: { ...process.env, NO_COLOR: '1' },
          },
        );
        return { code: 0, stdout };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, stdout: `${err.stdout}${err.stderr}` };
      }
    };

    it('reports nothing to decide without changes, and the fixture change as needing a decision', async () => {
      cpSync(MIGRATIONS_FOLDER, join(dir, 'drizzle'), { recursive: true });
      await git('init', '-q');
      await git('-c', 'user.email=t@example.test', '-c', 'user.name=t', 'add', '.');
      await git('-c', 'user.email=t@example.test', '-c', 'user.name=t', 'commit', '-qm', 'base');
      const clean = await cli('review', '--base', 'HEAD', '--dir', 'drizzle');
      expect(clean.code).toBe(0);
      expect(clean.stdout).toContain('No schema changes.');

      // the fixture change, as drizzle-kit generate would leave it: a migration, a snapshot, the journal
      const journalPath = join(dir, 'drizzle', 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
        entries: { idx: number; tag: string; when: number }[];
      };
      const last = journal.entries[journal.entries.length - 1]!;
      const idx = last.idx + 1;
      const tag = `${String(idx).padStart(4, '0')}_fixture`;
      journal.entries.push({ ...last, idx, tag, when: last.when + 1 });
      writeFileSync(journalPath, JSON.stringify(journal, null, 2));
      writeFileSync(join(dir, 'drizzle', `${tag}.sql`), FIXTURE_SQL);
      writeFileSync(
        join(dir, 'drizzle', 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`),
        JSON.stringify(changed(current.snapshot)),
      );
      const out = await cli('review', '--base', 'HEAD', '--dir', 'drizzle', '--out', 'review.md');
      expect(out.code).toBe(1);
      const report = readFileSync(join(dir, 'review.md'), 'utf8');
      expect(report).toContain('**Needs a decision**');
      expect(report).toMatch(/\| column \| `documents\.metadata` \| removed \| .* \| 🟥 destructive \|/);
      expect(report).toMatch(/\| column \| `tasks\.priority` \| added \| integer not null \| 🟧 data-dependent \|/);
      expect(report).toMatch(/\| column \| `projects\.color` \| added \| text \|  \|/);
      expect(report).toMatch(
        /\| policy \| `projects\.projects_select_public` \| added \| .*USING \(true\) \| 🟦 security \|/,
      );
      // Squawk's rules, not ours, for the SQL itself
      expect(report).toMatch(/\| \d{4}_fixture\.sql \| 3 \| \[adding-required-field\].*\| yes \|/);
      expect(report).toMatch(/\[ban-drop-column\]/);
      expect(report).toContain('ALTER TABLE "tasks" ADD COLUMN "priority" integer NOT NULL;');
      // a usage error is exit 2, one line
      const bad = await cli('review', '--base', 'no-such-ref', '--dir', 'drizzle');
      expect(bad.code).toBe(2);
      expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    }, 60_000);
  });
});
