/** The demo story runs end to end on a fresh embedded database and tells what the database refused. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

describe('demo', () => {
  it('walks through documents, review, search, chat, keys, credits and a refused cross-tenant attempt', async () => {
    const lines: string[] = [];
    await runDemo({ log: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toContain('a stale edit (expectedRev 1) is refused: ConflictError');
    expect(text).toContain('Ben approving his own work: ForbiddenError');
    expect(text).toMatch(/vector search .*\n\s+0\.\d+\s+\S/);
    expect(text).toContain('a retried message 1 is recognised (inserted: false)');
    expect(text).toMatch(/one character off: refused/);
    expect(text).toContain('the next refused: InsufficientCreditsError');
    expect(text).toContain("Gus sees 0 of Acme's chunks");
    expect(text).toContain('Gus forging an Acme tenant claim sees 0 projects');
    expect(text.trim().endsWith('Done.')).toBe(true);
  }, 60_000);

  it('says in one line what failed when the server cannot be reached (no false "connected")', () => {
    const r = spawnSync('npx', ['tsx', 'examples/demo.ts', '--database-url', 'postgres://u:secret@127.0.0.1:1/app'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^demo failed: ConnectionError: could not connect to 127\.0\.0\.1:1\/app: ECONNREFUSED/);
    expect(r.stderr).not.toContain('secret');
    expect(r.stdout).toContain('failed after');
  }, 60_000);
});
