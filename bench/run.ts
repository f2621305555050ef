/**
 * `npm run bench [-- --quick] [--json <file>] [--only P1,P4]`: sets up its own data on the
 * server (DATABASE_URL) in a scratch database, and prints ratios measured side by side in
 * the same run. Fails only when a benchmark itself errors, never on a ratio.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import postgres from 'postgres';
import { createDb, migrate, type Db } from '../src/db.js';
import { withDatabase } from '../tests/support/backends.js';
import { documentsBench } from './documents.js';
import { tasksBench } from './tasks.js';
import { searchBench } from './search.js';
import { recallBench } from './recall.js';
import { curvesBench } from './curves.js';
import { pgliteBench } from './pglite.js';
import { platformBench } from './platform.js';
import { table, type ResultRow } from './lib.js';

export interface BenchContext {
  db: Db;
  /** Hand-written SQL client (postgres.js, prepared statements) on the same database. */
  raw: postgres.Sql;
  url: string;
  quick: boolean;
  seed: number;
}

const program = new Command('bench')
  .option('--quick', 'CI-sized run (a few minutes)')
  .option('--json <file>', 'write the results as JSON')
  .option('--only <ids>', 'comma-separated subset, e.g. P1,P4')
  .option('--seed <n>', 'random seed', '42')
  .option('--keep', 'keep the scratch database (to inspect plans), print its name')
  .parse(process.argv);
const opts = program.opts<{ quick?: boolean; json?: string; only?: string; seed: string; keep?: boolean }>();

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('bench: DATABASE_URL is not set (npm run db:setup prints one)');
  process.exit(1);
}

const name = `aipdb_bench_${process.pid}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
const started = Date.now();
const rows: ResultRow[] = [];
let failed = false;
try {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(base, name);
  const db = await createDb(url, { max: 12 });
  const raw = postgres(url, { max: 12, onnotice: () => {} });
  try {
    console.error(`bench: migrating a scratch database${opts.quick ? ' (quick run)' : ''}`);
    await migrate(db);
    const ctx: BenchContext = { db, raw, url, quick: !!opts.quick, seed: Number(opts.seed) };
    const only = opts.only?.split(',').map((s) => s.trim().toUpperCase());
    const suites = [documentsBench, tasksBench, searchBench, recallBench, curvesBench, platformBench, pgliteBench];
    for (const suite of suites) {
      const out = await suite(ctx, only);
      rows.push(...out);
    }
  } finally {
    await raw.end();
    await db.close();
  }
} catch (err) {
  failed = true;
  console.error(`bench: ${(err as Error).stack ?? err}`);
} finally {
  if (opts.keep) console.error(`bench: kept the scratch database ${name}`);
  else await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  await admin.end();
}

const versions = { node: process.version, quick: !!opts.quick, seconds: Math.round((Date.now() - started) / 1000) };
console.log(`\n${table(rows)}\n`);
console.log(`(${versions.seconds} s, ${opts.quick ? 'quick' : 'full'} run, seed ${opts.seed})`);
if (opts.json) mkdirSync(dirname(opts.json), { recursive: true });
if (opts.json) writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), ...versions, rows }, null, 2));
process.exit(failed ? 1 : 0);
