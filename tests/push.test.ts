/**
 * `drizzle-kit push` as a service's CI runs it (no TTY, no prompts) plus the companion
 * command, against a fresh server database, builds exactly what `migrate` builds; a second
 * push has nothing to do.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '../src/db.js';
import { catalogLines } from './support/catalog.js';
import { emptyServerDatabase } from './support/server.js';
import { describeBackends } from './support/harness.js';

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);

async function sh(cmd: string, args: string[], url: string): Promise<string> {
  const { stdout, stderr } = await run(join(ROOT, 'node_modules', '.bin', cmd), args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, CI: 'true', NO_COLOR: '1' },
    timeout: 240_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  return `${stdout}\n${stderr}`;
}

/** The statements a push printed (with --verbose) before applying them. */
function pushedStatements(output: string): string[] {
  const clean = output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  const start = clean.indexOf('You are about to execute');
  if (start < 0) return [];
  return clean
    .slice(start)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => /^(ALTER|CREATE|DROP|COMMENT|GRANT|REVOKE|DO)\b/.test(l));
}

/**
 * drizzle-kit 0.31.11 reads an empty text[] default back as '{""}' (its introspection
 * slices `'{}'` to an empty element), so every push re-sets these six defaults to the same
 * value: harmless (catalog-only, instant), listed here so anything else still fails.
 */
export const KNOWN_PUSH_NOISE = [
  `ALTER TABLE "tenants" ALTER COLUMN "company_email_domains" SET DEFAULT '{}';`,
  `ALTER TABLE "api_keys" ALTER COLUMN "scopes" SET DEFAULT '{}';`,
  `ALTER TABLE "oauth_connections" ALTER COLUMN "scopes" SET DEFAULT '{}';`,
  `ALTER TABLE "fragments" ALTER COLUMN "additional_dependencies" SET DEFAULT '{}';`,
  `ALTER TABLE "chunks" ALTER COLUMN "tags" SET DEFAULT '{}';`,
  `ALTER TABLE "chunks" ALTER COLUMN "keywords" SET DEFAULT '{}';`,
];

describeBackends(
  'push in CI',
  (t) => {
    let pushed: Db;
    let pushUrl: string;
    let firstPush = '';
    let secondPush = '';
    let drop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ url: pushUrl, drop } = await emptyServerDatabase('push'));
      await sh('tsx', ['src/cli/index.ts', 'push-extras', '--phase', 'pre', '--database-url', pushUrl], pushUrl);
      firstPush = await sh('drizzle-kit', ['push', '--force', '--verbose'], pushUrl);
      await sh('tsx', ['src/cli/index.ts', 'push-extras', '--phase', 'post', '--database-url', pushUrl], pushUrl);
      secondPush = await sh('drizzle-kit', ['push', '--force', '--verbose'], pushUrl);
      pushed = await createDb(pushUrl, { max: 2 });
    }, 300_000);

    afterAll(async () => {
      await pushed?.close();
      await drop?.();
    });

    it('creates the schema without a prompt', () => {
      expect(pushedStatements(firstPush).some((s) => s.startsWith('CREATE TABLE "documents"'))).toBe(true);
      expect(firstPush).not.toMatch(/\? .*(rename|truncate|delete)/i);
    });

    it('builds the same database as migrate: tables, columns, constraints, indexes, policies, functions, triggers, grants', async () => {
      const viaPush = await catalogLines(pushed);
      const viaMigrate = await catalogLines(t().db);
      expect(viaPush.length).toBeGreaterThan(1500);
      const onlyPush = viaPush.filter((l) => !viaMigrate.includes(l));
      const onlyMigrate = viaMigrate.filter((l) => !viaPush.includes(l));
      expect({ onlyPush, onlyMigrate }).toEqual({ onlyPush: [], onlyMigrate: [] });
    });

    it('has nothing to do on a second push (beyond a known drizzle-kit default-reading quirk)', () => {
      const statements = pushedStatements(secondPush);
      expect(statements.filter((s) => !KNOWN_PUSH_NOISE.includes(s))).toEqual([]);
    });
  },
  { serverOnly: 'drizzle-kit push needs a PostgreSQL server' },
);
