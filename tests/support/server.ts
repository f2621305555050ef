/** Server-only helpers: scratch databases with nothing in them, and watching a backend wait. */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { Db } from '../../src/db.js';
import { withDatabase } from './backends.js';
import { rowsOf } from './expect.js';

/** An empty database on the test server (no migrations); `drop` removes it. */
export async function emptyServerDatabase(tag: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `aipdb_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(inject('serverUrl'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  return {
    url: withDatabase(inject('serverUrl'), name),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * The pid of the backend whose connection is named `app` (and, with `waitingOnLock`, that is
 * waiting on a lock), polled every 20 ms for up to `ms`; undefined if it never shows.
 */
export async function backendOf(db: Db, app: string, waitingOnLock: boolean, ms = 6000): Promise<number | undefined> {
  for (let waited = 0; waited < ms; waited += 20) {
    const [row] = rowsOf<{ pid: number }>(
      await db.execute(
        sql`select pid from pg_stat_activity where application_name = ${app}
            ${waitingOnLock ? sql`and wait_event_type = 'Lock'` : sql``}`,
      ),
    );
    if (row) return row.pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/**
 * Waits (polling every 20 ms, up to `ms`) until backend `pid` is running `pg_sleep`, so that a
 * test kills it mid-statement and not while the query is still on its way (on a loaded machine
 * a fixed delay loses that race: the kill then hits an idle backend and the driver runs the
 * sleep on a fresh connection, outside the transaction under test).
 */
export async function untilSleeping(db: Db, pid: number, ms = 10_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 20) {
    const [row] = rowsOf<{ pid: number }>(
      await db.execute(
        sql`select pid from pg_stat_activity where pid = ${pid}::int and state = 'active' and query like '%pg_sleep%'`,
      ),
    );
    if (row) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`backend ${pid} never started its pg_sleep`);
}
