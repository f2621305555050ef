/**
 * Custom SQL as a catalogue: a change to the sources becomes a new migration with only what
 * changed; an applied migration that was edited fails the check (it never reaches a database
 * that already ran it).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db.js';
import { diffCatalogue, catalogueObjects, sha } from '../src/sql/catalogue.js';
import { V0_1_0, V0_1_0_TAGS } from './support/release.js';

const fn = (body: string) =>
  `CREATE OR REPLACE FUNCTION app.f(p_a uuid, p_b integer DEFAULT 1) RETURNS integer LANGUAGE sql AS $$ ${body} $$`;
const base = [
  fn('select 1'),
  `REVOKE ALL ON FUNCTION app.f(uuid, integer) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION app.f(uuid, integer) TO "authenticated"`,
  `DROP TRIGGER IF EXISTS t1 ON public.docs`,
  `CREATE TRIGGER t1 BEFORE UPDATE ON public.docs FOR EACH ROW EXECUTE FUNCTION app.g()`,
  `CREATE POLICY p1 ON public.docs FOR SELECT USING (true)`,
  `REVOKE ALL ON "docs" FROM "authenticated", "anon"`,
  `GRANT SELECT, UPDATE ON "docs" TO "authenticated"`,
  `CREATE TABLE IF NOT EXISTS public.parts (id uuid)`,
];

describe('custom SQL catalogue', () => {
  const recorded = catalogueObjects(base);

  it('nothing changed: no statements', () => {
    expect(diffCatalogue(recorded, base)).toMatchObject({ statements: [], manual: [] });
  });

  it('a changed function is re-created; a changed trigger and policy are dropped and re-created', () => {
    const next = [...base];
    next[0] = fn('select 2');
    next[4] = `CREATE TRIGGER t1 BEFORE INSERT OR UPDATE ON public.docs FOR EACH ROW EXECUTE FUNCTION app.g()`;
    next[5] = `CREATE POLICY p1 ON public.docs FOR SELECT USING (false)`;
    const d = diffCatalogue(recorded, next);
    expect(d.changed.sort()).toEqual(['function app.f(uuid, integer)', 'policy p1 on public.docs', 'trigger t1 on public.docs']);
    expect(d.statements).toEqual([
      fn('select 2'),
      `DROP TRIGGER IF EXISTS t1 ON public.docs`,
      next[4],
      `DROP POLICY IF EXISTS p1 ON public.docs`,
      next[5],
    ]);
  });

  it('changed grants re-state the whole table group (REVOKE ALL first); removed objects are dropped', () => {
    const next = base.filter((x) => !x.startsWith('CREATE POLICY')).map((x) =>
      x === `GRANT SELECT, UPDATE ON "docs" TO "authenticated"` ? `GRANT SELECT ON "docs" TO "authenticated"` : x,
    );
    next.push(`GRANT UPDATE ("title") ON "docs" TO "authenticated"`);
    const d = diffCatalogue(recorded, next);
    expect(d.statements).toEqual([
      `DROP POLICY IF EXISTS p1 ON public.docs`,
      `REVOKE ALL ON "docs" FROM "authenticated", "anon"`,
      `GRANT SELECT ON "docs" TO "authenticated"`,
      `GRANT UPDATE ("title") ON "docs" TO "authenticated"`,
    ]);
    const gone = diffCatalogue(recorded, base.slice(3));
    expect(gone.statements[0]).toBe('DROP FUNCTION IF EXISTS app.f(uuid, integer)');
  });

  it('a changed table cannot be generated: it asks for a hand-written migration', () => {
    const next = [...base];
    next[8] = `CREATE TABLE IF NOT EXISTS public.parts (id uuid, n int)`;
    expect(diffCatalogue(recorded, next).manual).toEqual(['changed table public.parts']);
  });

  it('the committed catalogue carries the sources and pins every migration file', () => {
    const out = execFileSync('npx', ['tsx', 'scripts/migrations.ts', 'check'], { encoding: 'utf8' });
    expect(out).toContain('none edited');
    const cat = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'catalogue.json'), 'utf8')) as {
      applied: Record<string, string>;
    };
    // v0.1.0's migrations are pinned as released
    expect(Object.keys(cat.applied).slice(0, V0_1_0)).toEqual([...V0_1_0_TAGS]);
    expect(cat.applied['0003_functions_triggers']).toBe(
      sha(readFileSync(join(MIGRATIONS_FOLDER, '0003_functions_triggers.sql'), 'utf8')),
    );
  });

  it('an edited applied migration fails the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aipdb-cat-'));
    try {
      cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
      appendFileSync(join(dir, '0003_functions_triggers.sql'), '\n-- a quiet fix\n');
      let err: { status?: number; stderr?: string } = {};
      try {
        execFileSync('npx', ['tsx', 'scripts/migrations.ts', 'check'], {
          encoding: 'utf8',
          env: { ...process.env, AIPDB_MIGRATIONS_DIR: dir },
          stdio: 'pipe',
        });
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.status).toBe(1);
      expect(err.stderr).toMatch(/0003_functions_triggers\.sql was edited after it was recorded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
