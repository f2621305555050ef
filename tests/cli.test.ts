/** The CLI: errors are one line on stderr with exit 2; help exits 0. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'src/cli/index.ts', ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });

describe('cli', () => {
  it('an unknown command or option is one line and exit 2 (was the whole help and exit 1)', () => {
    for (const args of [['frobnicate'], ['migrate', '--bogus']]) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ai-platform-db: unknown (command|option)/);
      expect(r.stdout).toBe('');
    }
  }, 60_000);
  it('an unreachable database is one line naming host, port and database, without the password', () => {
    const r = cli('migrate', '--database-url', 'postgres://u:hunter2@127.0.0.1:1/appdb');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ai-platform-db: could not connect to 127\.0\.0\.1:1\/appdb: ECONNREFUSED/);
    expect(r.stderr).not.toContain('hunter2');
  }, 60_000);
  it.skipIf(!process.env.DATABASE_URL)('distribute refuses a database that is no Citus coordinator, changing nothing (the Citus suite runs it on one)', () => {
    const r = cli('distribute', '--database-url', process.env.DATABASE_URL!);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ai-platform-db: distribute needs a Citus coordinator/);
  }, 60_000);
  it('help exits 0', () => {
    expect(cli('--help').status).toBe(0);
  }, 60_000);
});
