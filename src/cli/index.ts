#!/usr/bin/env node
/**
 * The `ai-platform-db` command: migrations, the RLS SQL, maintenance, the demo.
 * Errors print one line and exit non-zero.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { sql } from 'drizzle-orm';
import { createDb, createEmbeddedDb, migrate, type Db } from '../db.js';
import { ALL_SECTIONS, emitRlsSql, type RlsSection } from '../rls/emit.js';
import { ensurePartitions, rollupUsageDaily, runRetention } from '../jobs/index.js';

const program = new Command('ai-platform-db')
  .description('Database layer of a multi-tenant AI platform: migrations, row-level security, maintenance')
  .showSuggestionAfterError()
  // errors are one line on stderr and exit 2 (help and --version exit 0)
  .configureOutput({ outputError: () => {} })
  .exitOverride();

const urlOption = () =>
  new Option('--database-url <url>', 'PostgreSQL server URL (default: $DATABASE_URL)').env('DATABASE_URL');

async function open(opts: { databaseUrl?: string; embedded?: string }): Promise<Db> {
  if (opts.embedded) return createEmbeddedDb({ dataDir: opts.embedded });
  if (!opts.databaseUrl) throw new Error('no database: pass --database-url or set DATABASE_URL (or --embedded <dir>)');
  return createDb(opts.databaseUrl, { max: 1 });
}

program
  .command('migrate')
  .description('apply the committed migrations (run as a role that bypasses RLS)')
  .addOption(urlOption())
  .option('--embedded <dir>', 'migrate an embedded PGlite database in this directory instead')
  .action(async (opts: { databaseUrl?: string; embedded?: string }) => {
    const db = await open(opts);
    try {
      await migrate(db);
      console.log('migrations applied');
    } finally {
      await db.close();
    }
  });

program
  .command('rls:sql')
  .description('print the row-level security SQL: roles, helpers, ENABLE/FORCE, policies, grants')
  .option('--app-role <name>', 'application role (subject to RLS)', 'authenticated')
  .option('--service-role <name>', 'service role (BYPASSRLS)', 'service_role')
  .option('--anon-role <name>', 'anonymous role', 'anon')
  .option('--sections <list>', `comma-separated subset of ${ALL_SECTIONS.join(',')}`)
  .action((opts: { appRole: string; serviceRole: string; anonRole: string; sections?: string }) => {
    const sections = opts.sections?.split(',').map((x) => x.trim()) as RlsSection[] | undefined;
    for (const sct of sections ?? []) {
      if (!ALL_SECTIONS.includes(sct)) throw new Error(`unknown section "${sct}" (one of ${ALL_SECTIONS.join(', ')})`);
    }
    process.stdout.write(
      emitRlsSql({
        roles: { app: opts.appRole, service: opts.serviceRole, anon: opts.anonRole },
        ...(sections ? { sections } : {}),
      }),
    );
  });

program
  .command('push-extras')
  .description(
    'the SQL drizzle-kit push does not apply: --phase pre (extensions, roles, RLS helpers) before push, --phase post (partitioned tables, functions, triggers, FORCE RLS, grants, and every policy with its expressions) after',
  )
  .addOption(urlOption())
  .addOption(new Option('--phase <phase>', 'pre or post').choices(['pre', 'post']).makeOptionMandatory())
  .action(async (opts: { databaseUrl?: string; phase: 'pre' | 'post' }) => {
    const { preSchemaStatements, pushPostStatements } = await import('../sql/migrations.js');
    const statements = opts.phase === 'pre' ? preSchemaStatements() : pushPostStatements();
    const db = await open(opts);
    try {
      await db.transaction(async (tx) => {
        for (const stmt of statements) await tx.execute(sql.raw(stmt));
      });
      console.log(`push-extras ${opts.phase}: ${statements.length} statements applied`);
    } finally {
      await db.close();
    }
  });

program
  .command('review')
  .description(
    'compare the migrations at a base git ref with the working tree and write a markdown review (exit 1: a change needs a human decision)',
  )
  .requiredOption('--base <ref>', 'git ref to compare with (e.g. origin/main)')
  .option('--dir <path>', 'migrations folder', 'drizzle')
  .option('--out <file>', 'write the report here (default: stdout)')
  .option('--no-lint', 'skip the Squawk lint of new migrations')
  .action(async (opts: { base: string; dir: string; out?: string; lint: boolean }) => {
    const { reviewFromGit } = await import('../review/index.js');
    const { TABLE_ACCESS } = await import('../rls/policies.js');
    const { GLOBAL_TABLES } = await import('../schema/index.js');
    const { APPEND_ONLY_TABLES } = await import('../sql/functions.js');
    const dir = resolve(opts.dir);
    if (!existsSync(join(dir, 'meta', '_journal.json'))) throw new Error(`no drizzle migrations in ${opts.dir}`);
    const { result, report } = reviewFromGit({
      base: opts.base,
      dir,
      lint: opts.lint,
      options: {
        globalTables: GLOBAL_TABLES,
        appendOnlyTables: APPEND_ONLY_TABLES,
        serviceOnlyTables: TABLE_ACCESS.filter((a) => a.policies.length === 0).map((a) => a.table),
      },
    });
    if (opts.out) writeFileSync(opts.out, report);
    else process.stdout.write(report);
    if (opts.out) console.log(`${opts.out}: ${result.needsDecision ? 'needs a decision' : 'nothing needs a decision'}`);
    process.exitCode = result.needsDecision ? 1 : 0;
  });

program
  .command('partitions')
  .description('create the monthly partitions from this month to N months ahead (idempotent)')
  .addOption(urlOption())
  .option('--months <n>', 'months ahead', '3')
  .action(async (opts: { databaseUrl?: string; months: string }) => {
    const months = Number(opts.months);
    if (!Number.isInteger(months) || months < 0 || months > 120)
      throw new Error('--months must be an integer from 0 to 120');
    const db = await open(opts);
    try {
      console.log(`${await ensurePartitions(db, { monthsAhead: months })} partitions created`);
    } finally {
      await db.close();
    }
  });

program
  .command('retention')
  .description("delete data past each tenant's retention_days, then drop fully expired partitions (daily job)")
  .addOption(urlOption())
  .option('--batch-size <n>', 'rows per transaction', '5000')
  .action(async (opts: { databaseUrl?: string; batchSize: string }) => {
    const db = await open(opts);
    try {
      const out = await runRetention(db, { batchSize: Number(opts.batchSize) });
      for (const j of out.jobs)
        console.log(`tenant ${j.tenantId}: ${JSON.stringify((j.result as { removed: unknown }).removed)}`);
      console.log(
        `${out.partitionsDropped.length} partitions dropped${out.partitionsDropped.length ? `: ${out.partitionsDropped.join(', ')}` : ''}`,
      );
    } finally {
      await db.close();
    }
  });

program
  .command('rollup')
  .description('recompute the daily usage rollup of a UTC day (default: yesterday); idempotent')
  .addOption(urlOption())
  .option('--day <yyyy-mm-dd>', 'the day')
  .action(async (opts: { databaseUrl?: string; day?: string }) => {
    const day = opts.day ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const db = await open(opts);
    try {
      const rows = await rollupUsageDaily(db, { day });
      console.log(`${rows.length} rollup rows for ${day}`);
    } finally {
      await db.close();
    }
  });

program
  .command('demo')
  .description('walk through the package on an embedded database (or a server)')
  .option('--database-url <url>', 'run the demo on this server instead of an embedded PGlite')
  .action(async (opts: { databaseUrl?: string }) => {
    const { runDemo } = await import('../demo.js');
    await runDemo(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {});
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0);
  const msg = err instanceof Error ? err.message.split('\n')[0]!.replace(/^error: /, '') : String(err);
  console.error(`ai-platform-db: ${msg}`);
  process.exit(2);
});
