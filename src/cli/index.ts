#!/usr/bin/env node
/**
 * The `ai-platform-db` command: migrations, the RLS SQL, maintenance, the demo.
 * Errors print one line and exit non-zero.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { sql } from 'drizzle-orm';
import { applyStatements, createDb, createEmbeddedDb, migrate, type Db } from '../db.js';
import { ALL_SECTIONS, emitRlsSql, type RlsSection } from '../rls/emit.js';
import { distribute, ensurePartitions, maintainSearchIndexes, rollupUsageDaily, runRetention } from '../jobs/index.js';

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
      await applyStatements(db, statements);
      console.log(`push-extras ${opts.phase}: ${statements.length} statements applied`);
    } finally {
      await db.close();
    }
  });

type RuleLists = { globalTables?: string[]; appendOnlyTables?: string[]; serviceOnlyTables?: string[]; disabledRules?: string[] };

/** A service's review rules file, checked key by key (an unknown key or rule is an error). */
function readRules(file: string, known: readonly string[]): RuleLists {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--rules ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`--rules ${file}: not a JSON object`);
  const keys = ['globalTables', 'appendOnlyTables', 'serviceOnlyTables', 'disabledRules'];
  for (const [k, v] of Object.entries(parsed)) {
    if (!keys.includes(k)) throw new Error(`--rules ${file}: unknown key "${k}" (one of ${keys.join(', ')})`);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`--rules ${file}: "${k}" must be a list of names`);
  }
  const out = parsed as RuleLists;
  const unknown = (out.disabledRules ?? []).filter((r) => !known.includes(r));
  if (unknown.length) throw new Error(`--rules ${file}: unknown rule ${unknown.join(', ')} (one of ${known.join(', ')})`);
  return out;
}

/** drizzle-kit of the project in the current directory (or above). */
function drizzleKitBin(explicit?: string): string {
  if (explicit) return resolve(explicit);
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', 'drizzle-kit');
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) break;
  }
  throw new Error('drizzle-kit is not installed in this project (npm i -D drizzle-kit)');
}

/** Runs drizzle-kit; its output is shown; a non-zero exit or an error it printed is a failure. */
function drizzleKit(bin: string, args: string[], env: NodeJS.ProcessEnv, capture = false): string {
  const res = spawnSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (!capture) process.stdout.write(res.stdout ?? '');
  if (res.error) throw new Error(`drizzle-kit ${args[0]} could not run: ${res.error.message}`);
  // drizzle-kit 0.31 exits 0 after some failures (it prints the error and stops)
  const printed = /^\s*(error|PostgresError|DrizzleError|Error:)/im.exec(out);
  if (res.status !== 0 || printed) {
    const line = (printed ? out.slice(printed.index) : out).trim().split('\n').find((l) => l.trim()) ?? `exit ${res.status}`;
    if (!capture) process.stderr.write(res.stderr ?? '');
    throw new Error(`drizzle-kit ${args[0]} failed: ${line.trim()}`);
  }
  return res.stdout ?? '';
}

/** The service's drizzle config: --config, or drizzle-kit's default name in the current directory. */
function serviceConfig(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`no drizzle config at ${explicit}`);
    return resolve(explicit);
  }
  for (const name of ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs']) {
    if (existsSync(name)) return resolve(name);
  }
  throw new Error('no drizzle.config.ts in this directory (pass --config)');
}

async function serviceExport(bin: string, config: string) {
  const { parseExport } = await import('../rls/service.js');
  return parseExport(drizzleKit(bin, ['export', '--sql', '--config', config], process.env, true));
}

/** The statements drizzle-kit push --verbose printed before applying them. */
function pushedStatements(out: string): string[] {
  const start = out.indexOf('You are about to execute');
  if (start < 0) return [];
  const end = out.indexOf('[✓] Changes applied', start);
  return out
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.endsWith(';'));
}

program
  .command('push')
  .description(
    "push a service's schema and the package's the way migrate would build them: package prerequisites, drizzle-kit push over both schemas (only their tables), then what push cannot do — partitioned tables, functions, triggers, FORCE RLS, grants and every policy in full, for the package's tables and the service's",
  )
  .addOption(urlOption())
  .option('--config <file>', "the service's drizzle config (default: ./drizzle.config.ts); its schema holds the service's tables only")
  .option('--drizzle-kit <path>', 'the drizzle-kit binary (default: node_modules/.bin/drizzle-kit)')
  .action(async (opts: { databaseUrl?: string; config?: string; drizzleKit?: string }) => {
    if (!opts.databaseUrl) throw new Error('no database: pass --database-url or set DATABASE_URL');
    const bin = drizzleKitBin(opts.drizzleKit);
    const config = serviceConfig(opts.config);
    const { PACKAGE_TABLES, serviceTableStatements } = await import('../rls/service.js');
    const { preSchemaStatements, pushPostStatements } = await import('../sql/migrations.js');
    // the service's statements first: an unprotected table stops the push before it changes anything
    const exported = await serviceExport(bin, config);
    const service = serviceTableStatements(exported, { policies: true });
    const clash = exported.tables.filter((t) => PACKAGE_TABLES.has(t));
    if (clash.length > 0) {
      throw new Error(`the service schema declares package tables (${clash.join(', ')}): export only the service's own tables`);
    }
    // drizzle-kit sees the package's objects (ai-platform-db/drizzle) and the service's, and
    // manages only their tables: nothing else in the database is touched or dropped
    const { PARTITIONED_TABLES } = await import('../schema/partitioned.js');
    const partitioned = new Set<string>(PARTITIONED_TABLES.map((p) => p.table));
    const managed = [...PACKAGE_TABLES].filter((t) => !partitioned.has(t)).concat(exported.tables);
    const kit = fileURLToPath(new URL('../kit.js', import.meta.url));
    const merged = join(dirname(config), `.ai-platform-db-push-${process.pid}.config.ts`);
    writeFileSync(
      merged,
      `import base from ${JSON.stringify(config)};
const own = (base as { schema?: string | string[] }).schema ?? [];
export default {
  ...base,
  schema: [${JSON.stringify(kit)}, ...(Array.isArray(own) ? own : [own])],
  schemaFilter: ['public'],
  tablesFilter: ${JSON.stringify(managed)},
  entities: { roles: false },
  dbCredentials: { url: process.env.DATABASE_URL },
};
`,
    );
    const db = await open(opts);
    try {
      // drizzle-kit push drops enums of public that its schema does not declare (tablesFilter
      // does not cover types): refuse rather than drop another owner's type
      const schemaModule = await import('../schema/index.js');
      const { isPgEnum } = await import('drizzle-orm/pg-core');
      const declared = new Set<string>([
        ...exported.enums,
        ...Object.values(schemaModule)
          .filter((v) => isPgEnum(v))
          .map((e) => (e as { enumName: string }).enumName),
      ]);
      const present = (await db.execute(
        sql`select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
            where n.nspname = 'public' and t.typtype = 'e'`,
      )) as unknown as { name: string }[];
      const foreign = [...present].map((r) => r.name).filter((n) => !declared.has(n));
      if (foreign.length > 0) {
        throw new Error(
          `public has enum types neither the package nor this service declares (${foreign.join(', ')}): drizzle-kit push would drop them; move them to another schema or declare them`,
        );
      }
      const run = (statements: string[]) => applyStatements(db, statements);
      await run(preSchemaStatements());
      // the per-tenant search indexes (maintainSearchIndexes) are not in any schema file:
      // drizzle-kit push drops them from chunks; they are put back as they were, below
      const tenantIndexes = (await db.execute(
        sql`select c.relname as name, pg_get_indexdef(c.oid) as def, obj_description(c.oid, 'pg_class') as note
            from pg_index i join pg_class c on c.oid = i.indexrelid
            where i.indrelid = to_regclass('public.chunks') and c.relname like 'chunks\_ivf\_%'`,
      )) as unknown as { name: string; def: string; note: string | null }[];
      const out = drizzleKit(bin, ['push', '--force', '--verbose', '--config', merged], {
        ...process.env,
        DATABASE_URL: opts.databaseUrl,
      }, true);
      const statements = pushedStatements(out);
      // drizzle-kit 0.31 reads an empty text[] default back as '{""}' and re-states it every time
      const quirk = statements.filter((x) => /^ALTER TABLE "[^"]+" ALTER COLUMN "[^"]+" SET DEFAULT '\{\}';$/.test(x));
      const changes = statements.filter((x) => !quirk.includes(x));
      for (const x of changes) console.log(`  ${x}`);
      await run([...pushPostStatements(), ...service]);
      const left = new Set(
        ((await db.execute(
          sql`select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
              where i.indrelid = to_regclass('public.chunks')`,
        )) as unknown as { name: string }[]).map((r) => r.name),
      );
      const dropped = [...tenantIndexes].filter((x) => !left.has(x.name));
      for (const x of dropped) {
        await db.exec(x.def);
        if (x.note) await db.exec(`comment on index ${x.name} is '${x.note.replace(/'/g, "''")}'`);
      }
      if (dropped.length) console.log(`push: restored ${dropped.length} per-tenant search indexes drizzle-kit dropped`);
      console.log(
        `push: ${changes.length ? `${changes.length} schema statements` : 'no schema changes'}${quirk.length ? ` (and ${quirk.length} empty-array defaults drizzle-kit re-states on every push)` : ''}; then ${pushPostStatements().length} package and ${service.length} service statements (${exported.tables.length} service tables)`,
      );
    } finally {
      rmSync(merged, { force: true });
      await db.close();
    }
  });

program
  .command('service-sql')
  .description(
    "print what a service's own tables need besides drizzle-kit's migrations (FORCE RLS, grants that follow their policies), for a custom migration",
  )
  .option('--config <file>', "the service's drizzle config (default: ./drizzle.config.ts)")
  .option('--drizzle-kit <path>', 'the drizzle-kit binary (default: node_modules/.bin/drizzle-kit)')
  .action(async (opts: { config?: string; drizzleKit?: string }) => {
    const { serviceTableStatements } = await import('../rls/service.js');
    const exported = await serviceExport(drizzleKitBin(opts.drizzleKit), serviceConfig(opts.config));
    const statements = serviceTableStatements(exported, { policies: false });
    process.stdout.write(statements.map((x) => `${x};`).join('\n--> statement-breakpoint\n') + '\n');
  });

program
  .command('supabase:sql')
  .description(
    'print the Supabase additions (access-token hook, auth.users sync and erasure, readable views) for a migration of your own; apply after the package\'s migrations',
  )
  .option('--auth-role <name>', "Supabase Auth's database role", 'supabase_auth_admin')
  .action(async (opts: { authRole: string }) => {
    const { supabaseStatements } = await import('../supabase/index.js');
    process.stdout.write(supabaseStatements({ authRole: opts.authRole }).map((x) => `${x};`).join('\n\n') + '\n');
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
  .option(
    '--rules <file>',
    'a JSON file for a service: { "globalTables": [], "appendOnlyTables": [], "serviceOnlyTables": [], "disabledRules": [] }, added to the package\'s',
  )
  .action(async (opts: { base: string; dir: string; out?: string; lint: boolean; rules?: string }) => {
    const { reviewFromGit } = await import('../review/index.js');
    const { TABLE_ACCESS } = await import('../rls/policies.js');
    const { GLOBAL_TABLES } = await import('../schema/index.js');
    const { APPEND_ONLY_TABLES } = await import('../sql/functions.js');
    const dir = resolve(opts.dir);
    if (!existsSync(join(dir, 'meta', '_journal.json'))) throw new Error(`no drizzle migrations in ${opts.dir}`);
    const { REVIEW_RULES } = await import('../review/index.js');
    const extra = opts.rules ? readRules(opts.rules, REVIEW_RULES) : {};
    const { result, report } = reviewFromGit({
      base: opts.base,
      dir,
      lint: opts.lint,
      options: {
        globalTables: [...GLOBAL_TABLES, ...(extra.globalTables ?? [])],
        appendOnlyTables: [...APPEND_ONLY_TABLES, ...(extra.appendOnlyTables ?? [])],
        serviceOnlyTables: [
          ...TABLE_ACCESS.filter((a) => a.policies.length === 0).map((a) => a.table),
          ...(extra.serviceOnlyTables ?? []),
        ],
        disabledRules: extra.disabledRules ?? [],
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
  .command('search-indexes')
  .description("give each tenant too large for an exact search its own vector index; rebuild or drop them as tenants grow or shrink (daily job)")
  .addOption(urlOption())
  .option('--min-rows <n>', 'rows (at 384 dimensions) from which a tenant gets its own index')
  .option('--dry-run', 'print what would change, change nothing')
  .action(async (opts: { databaseUrl?: string; minRows?: string; dryRun?: boolean }) => {
    const minRows = opts.minRows === undefined ? undefined : Number(opts.minRows);
    if (minRows !== undefined && (!Number.isInteger(minRows) || minRows < 100))
      throw new Error('--min-rows must be an integer of at least 100');
    const db = await open(opts);
    try {
      const actions = await maintainSearchIndexes(db, { minRows, dryRun: !!opts.dryRun });
      for (const a of actions)
        console.log(`${opts.dryRun ? 'would ' : ''}${a.action} ${a.index} (tenant ${a.tenantId}, ${a.dims}-d, ${a.rows} rows${a.lists ? `, ${a.lists} lists` : ''})`);
      console.log(`${actions.length} change${actions.length === 1 ? '' : 's'}${opts.dryRun ? ' (dry run)' : ''}`);
    } finally {
      await db.close();
    }
  });

program
  .command('distribute')
  .description('on a Citus coordinator: distribute every table by tenant (reference tables for the directory), adapt policies, triggers and functions; run after every migrate (docs/scale-out.md)')
  .addOption(urlOption())
  .action(async (opts: { databaseUrl?: string }) => {
    const db = await open(opts);
    try {
      const steps = await distribute(db);
      const by = new Map<string, number>();
      for (const s of steps) by.set(s.step, (by.get(s.step) ?? 0) + 1);
      for (const s of steps) if (s.step === 'foreign key not kept') console.log(`foreign key not kept: ${s.object} (${s.detail})`);
      console.log(steps.length ? [...by].map(([k, n]) => `${k}: ${n}`).join(', ') : 'nothing to do');
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
