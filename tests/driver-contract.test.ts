/**
 * The contract with drizzle-orm and postgres.js that prepared statements rely on (src/db.ts):
 * drizzle sends every query through the client's public `unsafe(query, params, options)`,
 * and transactions and savepoints through `begin` / `savepoint`. An upgrade that changes
 * this makes these tests fail loudly instead of silently losing prepared plans (or, worse,
 * sending named statements through a pooler).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { createDb, type Db } from '../src/db.js';
import { rows } from '../src/queries/util.js';
import * as s from '../src/schema/index.js';
import { eq } from 'drizzle-orm';
import { describeBackends } from './support/harness.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
};

describe('peer range', () => {
  it('the installed drizzle-orm is inside the declared peer range', () => {
    const installed = (
      JSON.parse(readFileSync(new URL('../node_modules/drizzle-orm/package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
    const range = pkg.peerDependencies['drizzle-orm']!;
    const m = /^>=(\d+)\.(\d+)\.(\d+) <(\d+)\.(\d+)\.0$/.exec(range);
    expect(m, `peer range ${range} is of the form >=a.b.c <a.d.0`).toBeTruthy();
    const [maj, min, pat] = installed.split('.').map(Number) as [number, number, number];
    const lo = [Number(m![1]), Number(m![2]), Number(m![3])];
    const hi = [Number(m![4]), Number(m![5])];
    expect(maj === lo[0] && (min > lo[1]! || (min === lo[1] && pat >= lo[2]!)), `${installed} >= ${range}`).toBe(true);
    expect(maj < hi[0]! || (maj === hi[0] && min < hi[1]!), `${installed} < ${range}`).toBe(true);
  });
});

const statements = (db: Db) =>
  rows<{ statement: string }>(db, sql`select statement from pg_prepared_statements where not from_sql`);

describeBackends(
  'driver contract',
  (t) => {
    it('on a direct connection, drizzle queries in transactions and savepoints are named prepared statements', async () => {
      const db = await createDb(t().url!, { max: 1 });
      try {
        expect(db.preparedStatements).toBe(true);
        const marker = '00000000-0000-4000-8000-00000000c0de';
        await withActor(db, { userId: marker }, async (tx) => {
          await tx.select().from(s.documents).where(eq(s.documents.id, marker));
          await tx.transaction(async (sp) => {
            await sp.select().from(s.projects).where(eq(s.projects.id, marker));
          });
        });
        const texts = (await statements(db)).map((r) => r.statement);
        expect(texts.some((x) => x.includes('from "documents"'))).toBe(true);
        expect(texts.some((x) => x.includes('from "projects"'))).toBe(true);
        expect(texts.some((x) => x.includes("set_config('request.jwt.claims'"))).toBe(true);
      } finally {
        await db.close();
      }
    });

    it('with prepare: false (a transaction pooler) no named statement is created', async () => {
      const db = await createDb(t().url!, { max: 1, prepare: false });
      try {
        expect(db.preparedStatements).toBe(false);
        await withActor(db, { userId: '00000000-0000-4000-8000-00000000c0de' }, async (tx) => {
          await tx.select().from(s.documents).where(eq(s.documents.id, '00000000-0000-4000-8000-00000000c0de'));
        });
        expect(await statements(db)).toEqual([]);
      } finally {
        await db.close();
      }
    });

    it('a URL with pgbouncer=true never prepares; an unreachable server is a one-line ConnectionError', async () => {
      const u = new URL(t().url!);
      u.searchParams.set('pgbouncer', 'true');
      const db = await createDb(u.toString(), { max: 1 });
      try {
        expect(db.preparedStatements).toBe(false);
        expect((await rows<{ n: number }>(db, sql`select 1 as n`))[0]!.n).toBe(1);
      } finally {
        await db.close();
      }
      const missing = new URL(t().url!);
      missing.pathname = '/no_such_database_here';
      await expect(createDb(missing.toString())).rejects.toMatchObject({
        code: 'CONNECTION',
        message: expect.stringMatching(/could not connect to 127\.0\.0\.1:\d+\/no_such_database_here: 3D000 .*does not exist/),
      });
      const closed = new URL(t().url!);
      closed.port = '1';
      await expect(createDb(closed.toString())).rejects.toMatchObject({
        code: 'CONNECTION',
        message: expect.stringMatching(/could not connect to 127\.0\.0\.1:1\/.*ECONNREFUSED/),
      });
    });
  },
  { serverOnly: 'pg_prepared_statements of a server connection' },
);
