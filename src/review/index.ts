/**
 * Schema review for pull requests: compares the migrations folder at a base git ref with the
 * working tree — drizzle-kit's latest snapshot on each side, the new migration files — and
 * writes a markdown report: what was added, removed or changed (tables, columns, indexes,
 * constraints, enums, policies, RLS, grants and functions in custom SQL), what needs a human
 * decision (destructive, data-dependent, lock-heavy, security), this schema's own rules
 * (RLS coverage, tenant key, append-only history), Squawk's lint of the new SQL, and the SQL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { canonicalJson } from '../queries/util.js';
import { dirname, join, relative } from 'node:path';

// ---------------------------------------------------------------- snapshot shapes (drizzle-kit pg, version 7)
interface SnapColumn {
  name: string;
  type: string;
  primaryKey: boolean;
  notNull: boolean;
  default?: unknown;
  generated?: { as: string; type: string };
  identity?: unknown;
}
interface SnapIndex {
  name: string;
  columns: { expression: string; isExpression: boolean }[];
  isUnique: boolean;
  where?: string;
  method?: string;
  concurrently?: boolean;
}
interface SnapFk {
  name: string;
  columnsFrom: string[];
  tableTo: string;
  columnsTo: string[];
  onDelete?: string;
}
interface SnapPolicy {
  name: string;
  as?: string;
  for?: string;
  to?: string[];
  using?: string;
  withCheck?: string;
}
interface SnapTable {
  name: string;
  schema: string;
  columns: Record<string, SnapColumn>;
  indexes: Record<string, SnapIndex>;
  foreignKeys: Record<string, SnapFk>;
  compositePrimaryKeys: Record<string, { name: string; columns: string[] }>;
  uniqueConstraints: Record<string, { name: string; columns: string[] }>;
  checkConstraints: Record<string, { name: string; value: string }>;
  policies: Record<string, SnapPolicy>;
  isRLSEnabled: boolean;
}
export interface Snapshot {
  tables: Record<string, SnapTable>;
  enums: Record<string, { name: string; schema: string; values: string[] }>;
}

/** One side of the comparison: the latest snapshot and every migration file by tag. */
export interface SchemaSide {
  snapshot: Snapshot;
  migrations: { tag: string; sql: string }[];
}

export type Flag = 'destructive' | 'data-dependent' | 'lock-heavy' | 'security';
export interface Change {
  kind:
    | 'table'
    | 'column'
    | 'index'
    | 'foreign key'
    | 'constraint'
    | 'enum'
    | 'policy'
    | 'rls'
    | 'grant'
    | 'function'
    | 'trigger';
  object: string;
  change: 'added' | 'removed' | 'changed';
  detail: string;
  flags: Flag[];
}
export interface Finding {
  rule: string;
  object: string;
  message: string;
}
export interface LintFinding {
  file: string;
  line: number;
  rule: string;
  level: string;
  message: string;
  /** False for advisory rules (timeouts, idempotency of a file the migrator runs once). */
  blocking: boolean;
}
export interface ReviewResult {
  changes: Change[];
  findings: Finding[];
  lint: LintFinding[] | 'skipped';
  newMigrations: { tag: string; sql: string }[];
  needsDecision: boolean;
}

export interface ReviewOptions {
  /** Tables that are global (no tenant key). */
  globalTables?: readonly string[];
  /** Tables whose rows are history (must keep an append-only trigger). */
  appendOnlyTables?: readonly string[];
  /** Tables with RLS on and, on purpose, no policy (only the service role reaches them). */
  serviceOnlyTables?: readonly string[];
  /** Rules not to apply (e.g. `tenant-key` for a service whose tables are global), by name. */
  disabledRules?: readonly string[];
}

/** The rules `review` applies; `disabledRules` names from this list. */
export const REVIEW_RULES = ['rls-enabled', 'rls-policy', 'tenant-key', 'append-only', 'migration-edited', 'migration-missing'] as const;

// ---------------------------------------------------------------- diff
const byName = <T extends { name: string }>(r: Record<string, T> | undefined) =>
  new Map(Object.values(r ?? {}).map((v) => [v.name, v]));

function diffMaps<T extends { name: string }>(
  base: Record<string, T> | undefined,
  head: Record<string, T> | undefined,
  on: { added(h: T): void; removed(b: T): void; changed(b: T, h: T): void },
  // structural: drizzle-kit writes the same snapshot with other key orders (custom migrations)
  equal: (a: T, b: T) => boolean = (a, b) => canonicalJson(a) === canonicalJson(b),
) {
  const b = byName(base);
  const h = byName(head);
  for (const [n, v] of h) if (!b.has(n)) on.added(v);
  for (const [n, v] of b) if (!h.has(n)) on.removed(v);
  for (const [n, v] of h) {
    const old = b.get(n);
    if (old && !equal(old, v)) on.changed(old, v);
  }
}

/** Type changes PostgreSQL does without rewriting or losing data. */
function safeWidening(from: string, to: string): boolean {
  if (from === to) return true;
  const vc = (t: string) => /^varchar\((\d+)\)$|^character varying\((\d+)\)$/.exec(t);
  const a = vc(from);
  if (a && (to === 'text' || to === 'varchar' || to === 'character varying')) return true;
  const b = vc(to);
  if (a && b) return Number(b[1] ?? b[2]) >= Number(a[1] ?? a[2]);
  return false;
}

const cols = (i: SnapIndex) => i.columns.map((c) => c.expression).join(', ');

export function diffSnapshots(base: Snapshot, head: Snapshot): Change[] {
  const out: Change[] = [];
  const push = (c: Change) => out.push(c);
  diffMaps(base.tables, head.tables, {
    added: (t) => {
      push({
        kind: 'table',
        object: t.name,
        change: 'added',
        detail: `${Object.keys(t.columns).length} columns`,
        flags: [],
      });
      if (Object.keys(t.policies).length)
        push({
          kind: 'policy',
          object: t.name,
          change: 'added',
          detail: Object.keys(t.policies).join(', '),
          flags: ['security'],
        });
    },
    removed: (t) =>
      push({
        kind: 'table',
        object: t.name,
        change: 'removed',
        detail: 'the table and its rows',
        flags: ['destructive'],
      }),
    changed: (b, h) => {
      const table = h.name;
      diffMaps(b.columns, h.columns, {
        added: (c) => {
          const required = c.notNull && c.default === undefined && !c.generated && !c.identity;
          push({
            kind: 'column',
            object: `${table}.${c.name}`,
            change: 'added',
            detail: `${c.type}${c.notNull ? ' not null' : ''}${c.default !== undefined ? ` default ${String(c.default)}` : ''}`,
            flags: required ? ['data-dependent'] : [],
          });
        },
        removed: (c) =>
          push({
            kind: 'column',
            object: `${table}.${c.name}`,
            change: 'removed',
            detail: `${c.type} and its data`,
            flags: ['destructive'],
          }),
        changed: (bc, hc) => {
          const parts: string[] = [];
          const flags = new Set<Flag>();
          if (bc.type !== hc.type) {
            parts.push(`type ${bc.type} → ${hc.type}`);
            if (!safeWidening(bc.type, hc.type)) {
              flags.add('destructive');
              flags.add('lock-heavy');
            }
          }
          if (!bc.notNull && hc.notNull) {
            parts.push('now NOT NULL');
            flags.add('data-dependent');
          }
          if (bc.notNull && !hc.notNull) parts.push('now nullable');
          if (canonicalJson(bc.default) !== canonicalJson(hc.default))
            parts.push(`default ${String(bc.default ?? 'none')} → ${String(hc.default ?? 'none')}`);
          if (canonicalJson(bc.generated) !== canonicalJson(hc.generated)) {
            parts.push('generation changed');
            flags.add('lock-heavy');
          }
          if (parts.length)
            push({
              kind: 'column',
              object: `${table}.${hc.name}`,
              change: 'changed',
              detail: parts.join('; '),
              flags: [...flags],
            });
        },
      });
      diffMaps(b.indexes, h.indexes, {
        added: (i) =>
          push({
            kind: 'index',
            object: `${table}.${i.name}`,
            change: 'added',
            detail: `${i.isUnique ? 'unique ' : ''}(${cols(i)})${i.where ? ` where ${i.where}` : ''}${i.concurrently ? ' concurrently' : ''}`,
            flags: [
              ...(i.concurrently ? [] : (['lock-heavy'] as Flag[])),
              ...(i.isUnique ? (['data-dependent'] as Flag[]) : []),
            ],
          }),
        removed: (i) =>
          push({ kind: 'index', object: `${table}.${i.name}`, change: 'removed', detail: `(${cols(i)})`, flags: [] }),
        changed: (_, i) =>
          push({
            kind: 'index',
            object: `${table}.${i.name}`,
            change: 'changed',
            detail: `now ${i.isUnique ? 'unique ' : ''}(${cols(i)})${i.where ? ` where ${i.where}` : ''}: dropped and rebuilt`,
            flags: ['lock-heavy', ...(i.isUnique ? (['data-dependent'] as Flag[]) : [])],
          }),
      });
      diffMaps(b.foreignKeys, h.foreignKeys, {
        added: (f) =>
          push({
            kind: 'foreign key',
            object: `${table}.${f.name}`,
            change: 'added',
            detail: `(${f.columnsFrom.join(', ')}) → ${f.tableTo} on delete ${f.onDelete ?? 'no action'}`,
            flags: ['data-dependent', 'lock-heavy'],
          }),
        removed: (f) =>
          push({
            kind: 'foreign key',
            object: `${table}.${f.name}`,
            change: 'removed',
            detail: `→ ${f.tableTo}`,
            flags: [],
          }),
        changed: (_, f) =>
          push({
            kind: 'foreign key',
            object: `${table}.${f.name}`,
            change: 'changed',
            detail: `(${f.columnsFrom.join(', ')}) → ${f.tableTo} on delete ${f.onDelete ?? 'no action'}`,
            flags: ['data-dependent', 'lock-heavy'],
          }),
      });
      const constraint = (what: string, value: (x: never) => string) => ({
        added: (c: { name: string }) =>
          push({
            kind: 'constraint',
            object: `${table}.${c.name}`,
            change: 'added',
            detail: `${what} ${value(c as never)}`,
            flags: ['data-dependent'],
          }),
        removed: (c: { name: string }) =>
          push({ kind: 'constraint', object: `${table}.${c.name}`, change: 'removed', detail: what, flags: [] }),
        changed: (_: unknown, c: { name: string }) =>
          push({
            kind: 'constraint',
            object: `${table}.${c.name}`,
            change: 'changed',
            detail: `${what} ${value(c as never)}`,
            flags: ['data-dependent'],
          }),
      });
      diffMaps(
        b.checkConstraints,
        h.checkConstraints,
        constraint('check', (c: { value: string }) => c.value),
      );
      diffMaps(
        b.uniqueConstraints,
        h.uniqueConstraints,
        constraint('unique', (c: { columns: string[] }) => `(${c.columns.join(', ')})`),
      );
      diffMaps(
        b.compositePrimaryKeys,
        h.compositePrimaryKeys,
        constraint('primary key', (c: { columns: string[] }) => `(${c.columns.join(', ')})`),
      );
      diffMaps(b.policies, h.policies, {
        added: (p) =>
          push({
            kind: 'policy',
            object: `${table}.${p.name}`,
            change: 'added',
            detail: policyText(p),
            flags: ['security'],
          }),
        removed: (p) =>
          push({
            kind: 'policy',
            object: `${table}.${p.name}`,
            change: 'removed',
            detail: policyText(p),
            flags: ['security'],
          }),
        changed: (_, p) =>
          push({
            kind: 'policy',
            object: `${table}.${p.name}`,
            change: 'changed',
            detail: policyText(p),
            flags: ['security'],
          }),
      });
      if (b.isRLSEnabled !== h.isRLSEnabled)
        push({
          kind: 'rls',
          object: table,
          change: 'changed',
          detail: h.isRLSEnabled ? 'row-level security enabled' : 'row-level security DISABLED',
          flags: ['security'],
        });
    },
  });
  diffMaps(base.enums, head.enums, {
    added: (e) => push({ kind: 'enum', object: e.name, change: 'added', detail: e.values.join(', '), flags: [] }),
    removed: (e) =>
      push({ kind: 'enum', object: e.name, change: 'removed', detail: e.values.join(', '), flags: ['destructive'] }),
    changed: (b, h) => {
      const gone = b.values.filter((v) => !h.values.includes(v));
      const added = h.values.filter((v) => !b.values.includes(v));
      push({
        kind: 'enum',
        object: h.name,
        change: 'changed',
        detail:
          [added.length ? `+ ${added.join(', ')}` : '', gone.length ? `− ${gone.join(', ')}` : '']
            .filter(Boolean)
            .join('; ') || 'reordered',
        flags: gone.length ? ['destructive'] : [],
      });
    },
  });
  return out;
}

function policyText(p: SnapPolicy): string {
  return `${p.as ?? 'PERMISSIVE'} FOR ${p.for ?? 'ALL'} TO ${(p.to ?? ['public']).join(', ')}${p.using ? ` USING (${p.using})` : ''}${p.withCheck ? ` WITH CHECK (${p.withCheck})` : ''}`;
}

// ---------------------------------------------------------------- custom SQL (functions, triggers, grants)
/** Named objects in custom migration SQL: functions, triggers, grants, policies on partitioned tables. */
export function sqlObjects(sqlText: string): Map<string, { kind: Change['kind']; text: string }> {
  const out = new Map<string, { kind: Change['kind']; text: string }>();
  for (const raw of sqlText.split('--> statement-breakpoint')) {
    const stmt = raw
      .replace(/^--.*$/gm, '')
      .trim()
      .replace(/;$/, '');
    if (!stmt) continue;
    let m = /^CREATE OR REPLACE FUNCTION\s+([\w.]+)\s*\(/i.exec(stmt);
    if (m) {
      out.set(`function ${m[1]}(${argTypes(stmt.slice(m[0].length))})`, { kind: 'function', text: stmt });
      continue;
    }
    m = /^CREATE TRIGGER\s+(\w+).*?\sON\s+([\w.]+)/is.exec(stmt);
    if (m) {
      out.set(`trigger ${m[2]}.${m[1]}`, { kind: 'trigger', text: stmt });
      continue;
    }
    m = /^(GRANT|REVOKE)\s+(.+?)\s+ON\s+(.+?)\s+(TO|FROM)\s+(.+)$/is.exec(stmt);
    if (m) {
      out.set(`grant ${m[1]} ${m[2]} ON ${m[3]} ${m[4]} ${m[5]}`.replace(/\s+/g, ' '), { kind: 'grant', text: stmt });
      continue;
    }
    m = /^CREATE POLICY\s+"?(\w+)"?\s+ON\s+([\w."]+)/i.exec(stmt);
    if (m) out.set(`policy ${m[2]!.replace(/"/g, '')}.${m[1]}`, { kind: 'policy', text: stmt });
  }
  return out;
}

/** A function's argument types (names and defaults dropped), from the text after its `(`. */
function argTypes(rest: string): string {
  let depth = 1;
  let i = 0;
  for (; i < rest.length && depth > 0; i++) {
    if (rest[i] === '(') depth++;
    else if (rest[i] === ')') depth--;
  }
  const args: string[] = [];
  let cur = '';
  depth = 0;
  for (const ch of rest.slice(0, i - 1)) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      args.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) args.push(cur);
  return args
    .map(
      (a) =>
        a
          .replace(/\s+DEFAULT\s+.*$/is, '')
          .replace(/\s*=.*$/s, '')
          .trim()
          .split(/\s+/)
          .slice(1)
          .join(' ') || a.trim(),
    )
    .join(', ');
}

/** Objects of custom SQL; policies of tables drizzle-kit manages are compared through its snapshot. */
export function diffSqlObjects(base: string, head: string, snapshotTables: ReadonlySet<string> = new Set()): Change[] {
  const keep = (m: Map<string, { kind: Change['kind']; text: string }>) =>
    new Map(
      [...m].filter(
        ([k, v]) => !(v.kind === 'policy' && snapshotTables.has(k.replace(/^policy (public\.)?/, '').split('.')[0]!)),
      ),
    );
  const b = keep(sqlObjects(base));
  const h = keep(sqlObjects(head));
  const out: Change[] = [];
  const flagsOf = (kind: Change['kind']): Flag[] => (kind === 'grant' || kind === 'policy' ? ['security'] : []);
  for (const [k, v] of h) {
    const old = b.get(k);
    if (!old)
      out.push({ kind: v.kind, object: k.replace(/^\w+ /, ''), change: 'added', detail: '', flags: flagsOf(v.kind) });
    else if (old.text !== v.text)
      out.push({
        kind: v.kind,
        object: k.replace(/^\w+ /, ''),
        change: 'changed',
        detail: 'definition changed',
        flags: flagsOf(v.kind),
      });
  }
  for (const [k, v] of b)
    if (!h.has(k))
      out.push({
        kind: v.kind,
        object: k.replace(/^\w+ /, ''),
        change: 'removed',
        detail: '',
        flags: v.kind === 'trigger' || v.kind === 'function' ? ['destructive'] : flagsOf(v.kind),
      });
  return out;
}

// ---------------------------------------------------------------- this schema's rules
export function projectRules(
  head: SchemaSide,
  options: ReviewOptions = {},
  /** Only these tables are checked (what the change touched); all when undefined. */
  scope?: ReadonlySet<string>,
  /** Tables whose RLS switch went from on to off in this change. */
  switchedOff: ReadonlySet<string> = new Set(),
): Finding[] {
  const global = new Set(options.globalTables ?? []);
  const serviceOnly = new Set(options.serviceOnlyTables ?? []);
  const out: Finding[] = [];
  const allSql = head.migrations.map((m) => m.sql).join('\n');
  const inScope = (name: string) => !scope || scope.has(name);
  for (const t of Object.values(head.snapshot.tables)) {
    if (!inScope(t.name)) continue;
    const hasPolicy = Object.keys(t.policies).length > 0;
    // drizzle-kit enables RLS on a table with policies without setting isRLSEnabled
    const enabledBySql = allSql.includes(`ALTER TABLE "${t.name}" ENABLE ROW LEVEL SECURITY`);
    if (!t.isRLSEnabled && ((!hasPolicy && !enabledBySql) || switchedOff.has(t.name)))
      out.push({ rule: 'rls-enabled', object: t.name, message: 'row-level security is not enabled' });
    if (!hasPolicy && !serviceOnly.has(t.name))
      out.push({ rule: 'rls-policy', object: t.name, message: 'no policy and not declared service-only' });
    if (!global.has(t.name)) {
      const pk =
        Object.values(t.compositePrimaryKeys)[0]?.columns ??
        Object.values(t.columns)
          .filter((c) => c.primaryKey)
          .map((c) => c.name);
      if (pk[0] !== 'tenant_id')
        out.push({
          rule: 'tenant-key',
          object: t.name,
          message: `primary key (${pk.join(', ')}) does not lead with tenant_id`,
        });
      for (const f of Object.values(t.foreignKeys)) {
        const target = Object.values(head.snapshot.tables).find((x) => x.name === f.tableTo);
        if (target && !global.has(target.name) && f.columnsFrom[0] !== 'tenant_id')
          out.push({
            rule: 'tenant-key',
            object: `${t.name}.${f.name}`,
            message: `foreign key into tenant table ${f.tableTo} without tenant_id`,
          });
      }
    }
  }
  const present = new Set(Object.values(head.snapshot.tables).map((t) => t.name));
  for (const t of options.appendOnlyTables ?? []) {
    // a history table of this schema that the change touched (a service's review never
    // reports the package's tables it did not touch)
    if (!inScope(t) || (present.size > 0 && !present.has(t) && scope)) continue;
    if (!new RegExp(`CREATE TRIGGER ${t}_append_only\\b`).test(allSql))
      out.push({ rule: 'append-only', object: t, message: 'history table without its append-only trigger' });
  }
  return out;
}

// ---------------------------------------------------------------- lint (Squawk)
/** Squawk rules that are advice for every migration rather than a decision for this one. */
export const ADVISORY_RULES = new Set([
  'prefer-robust-stmts', // the migrator runs each file once, in a transaction
  'require-timeout-settings',
  'require-lock-timeout',
  'require-statement-timeout',
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-text-field',
  'transaction-nesting',
]);

export function squawkBin(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    const pkg = req.resolve('squawk-cli/package.json');
    const bin = join(dirname(pkg), 'js', 'bin', 'squawk');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

export function lintSql(files: { file: string; path: string }[]): LintFinding[] {
  if (!files.length) return [];
  const bin = squawkBin();
  if (!bin) throw new Error('squawk-cli is not installed: npm i -D squawk-cli, or pass --no-lint');
  const res = spawnSync(
    process.execPath,
    [bin, '--reporter', 'json', '--pg-version', '15', ...files.map((f) => f.path)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const text = (res.stdout ?? '').trim();
  if (!text.startsWith('[')) throw new Error(`squawk failed: ${(res.stderr || text).split('\n')[0]}`);
  const list = JSON.parse(text) as { file: string; line: number; rule_name: string; level: string; message: string }[];
  return list.map((f) => ({
    file: files.find((x) => x.path === f.file)?.file ?? f.file,
    line: f.line + 1,
    rule: f.rule_name,
    level: f.level,
    message: f.message,
    blocking: !ADVISORY_RULES.has(f.rule_name),
  }));
}

// ---------------------------------------------------------------- sides from git and disk
function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** The migrations folder as of a git ref (`dir` relative to the repository root). */
export function sideAtRef(repo: string, ref: string, dir: string): SchemaSide {
  const show = (p: string) => git(repo, ['show', `${ref}:${dir}/${p}`]);
  let journal: Journal;
  try {
    journal = JSON.parse(show('meta/_journal.json')) as Journal;
  } catch {
    return { snapshot: { tables: {}, enums: {} }, migrations: [] }; // no migrations yet at that ref
  }
  const last = journal.entries[journal.entries.length - 1];
  const snapshot = last
    ? (JSON.parse(show(`meta/${String(last.idx).padStart(4, '0')}_snapshot.json`)) as Snapshot)
    : { tables: {}, enums: {} };
  return { snapshot, migrations: journal.entries.map((e) => ({ tag: e.tag, sql: show(`${e.tag}.sql`) })) };
}

/** The migrations folder in the working tree. */
export function sideOnDisk(dirPath: string): SchemaSide {
  const journal = JSON.parse(readFileSync(join(dirPath, 'meta', '_journal.json'), 'utf8')) as Journal;
  const last = journal.entries[journal.entries.length - 1];
  const snapshot = last
    ? (JSON.parse(
        readFileSync(join(dirPath, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8'),
      ) as Snapshot)
    : { tables: {}, enums: {} };
  return {
    snapshot,
    migrations: journal.entries.map((e) => ({ tag: e.tag, sql: readFileSync(join(dirPath, `${e.tag}.sql`), 'utf8') })),
  };
}

// ---------------------------------------------------------------- the review
export function review(
  base: SchemaSide,
  head: SchemaSide,
  options: ReviewOptions & { lint?: (m: { tag: string; sql: string }[]) => LintFinding[] | 'skipped' } = {},
): ReviewResult {
  const changes = diffSnapshots(base.snapshot, head.snapshot);
  const baseTags = new Set(base.migrations.map((m) => m.tag));
  const newMigrations = head.migrations.filter((m) => !baseTags.has(m.tag));
  // custom SQL: compare every file's named objects (functions, triggers, grants), edited files included
  const joined = (side: SchemaSide) => side.migrations.map((m) => m.sql).join('\n--> statement-breakpoint\n');
  const managed = new Set(Object.values(head.snapshot.tables).map((t) => t.name));
  changes.push(...diffSqlObjects(joined(base), joined(head), managed));
  const edited = head.migrations.filter(
    (m) => baseTags.has(m.tag) && base.migrations.find((b) => b.tag === m.tag)!.sql !== m.sql,
  );
  // the rules look at what this change touched: tables with a change, and new tables
  const touched = new Set(
    changes.map((c) => c.object.replace(/^"?([a-z_][a-z0-9_]*)"?.*$/i, '$1').split('.')[0]!).filter(Boolean),
  );
  const switchedOff = new Set(
    Object.values(head.snapshot.tables)
      .filter((t) => !t.isRLSEnabled && Object.values(base.snapshot.tables).some((b) => b.name === t.name && b.isRLSEnabled))
      .map((t) => t.name),
  );
  const findings = projectRules(head, options, touched, switchedOff);
  for (const m of edited)
    findings.push({
      rule: 'migration-edited',
      object: m.tag,
      message: 'an applied migration was edited: databases that ran it will not see the change',
    });
  if (
    changes.some((c) => c.kind !== 'function' && c.kind !== 'trigger' && c.kind !== 'grant') &&
    !newMigrations.length &&
    !edited.length
  )
    findings.push({
      rule: 'migration-missing',
      object: 'drizzle/',
      message: 'the schema changed but no migration was added (run drizzle-kit generate)',
    });
  const disabled = new Set(options.disabledRules ?? []);
  const kept = findings.filter((f) => !disabled.has(f.rule));
  findings.length = 0;
  findings.push(...kept);
  const lint = options.lint ? options.lint(newMigrations) : 'skipped';
  const needsDecision =
    changes.some((c) => c.flags.length > 0) ||
    findings.length > 0 ||
    (lint !== 'skipped' && lint.some((l) => l.blocking));
  return { changes, findings, lint, newMigrations, needsDecision };
}

const FLAG_TEXT: Record<Flag, string> = {
  destructive: '🟥 destructive',
  'data-dependent': '🟧 data-dependent',
  'lock-heavy': '🟨 lock-heavy',
  security: '🟦 security',
};

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderReport(r: ReviewResult, title: string): string {
  const lines: string[] = [`# Schema review: ${title}`, ''];
  const flagged = r.changes.filter((c) => c.flags.length);
  const blocking = r.lint === 'skipped' ? [] : r.lint.filter((l) => l.blocking);
  lines.push(
    r.needsDecision
      ? `**Needs a decision**: ${flagged.length} flagged change(s), ${r.findings.length} rule finding(s), ${blocking.length} lint finding(s).`
      : r.changes.length
        ? `No change needs a decision (${r.changes.length} change(s)).`
        : 'No schema changes.',
    '',
  );
  if (r.changes.length) {
    lines.push('## Changes', '', '| kind | object | change | detail | flags |', '| --- | --- | --- | --- | --- |');
    const order = (c: Change) => (c.flags.includes('destructive') ? 0 : c.flags.length ? 1 : 2);
    for (const c of [...r.changes].sort((a, b) => order(a) - order(b) || a.object.localeCompare(b.object)))
      lines.push(
        `| ${c.kind} | \`${esc(c.object)}\` | ${c.change} | ${esc(c.detail)} | ${c.flags.map((f) => FLAG_TEXT[f]).join(', ')} |`,
      );
    lines.push('');
  }
  lines.push('## Row-level security and tenancy rules', '');
  if (!r.findings.length)
    lines.push(
      'Every table has RLS enabled with a policy (or is service-only), tenant keys lead with `tenant_id`, history tables keep their append-only trigger.',
      '',
    );
  else {
    lines.push('| rule | object | finding |', '| --- | --- | --- |');
    for (const f of r.findings) lines.push(`| ${f.rule} | \`${esc(f.object)}\` | ${esc(f.message)} |`);
    lines.push('');
  }
  lines.push('## Migration lint (Squawk)', '');
  if (r.lint === 'skipped') lines.push('Skipped (`--no-lint`).', '');
  else if (!r.lint.length)
    lines.push(r.newMigrations.length ? 'No findings in the new migrations.' : 'No new migrations.', '');
  else {
    lines.push('| file | line | rule | finding | blocks |', '| --- | --- | --- | --- | --- |');
    for (const l of r.lint)
      lines.push(
        `| ${l.file} | ${l.line} | [${l.rule}](https://squawkhq.com/docs/${l.rule}) | ${esc(l.message)} | ${l.blocking ? 'yes' : 'advice'} |`,
      );
    lines.push('');
  }
  if (r.newMigrations.length) {
    lines.push('## New migrations', '');
    for (const m of r.newMigrations) {
      lines.push(
        `<details><summary><code>${m.tag}.sql</code></summary>`,
        '',
        '```sql',
        m.sql.replace(/--> statement-breakpoint\n?/g, '').trim(),
        '```',
        '',
        '</details>',
        '',
      );
    }
  }
  return lines.join('\n');
}

/** The whole review from git: `base` ref versus the working tree's migrations folder. */
export function reviewFromGit(opts: { base: string; dir: string; lint: boolean; options?: ReviewOptions }): {
  result: ReviewResult;
  report: string;
} {
  const repo = git(dirname(opts.dir), ['rev-parse', '--show-toplevel']).trim();
  const rel = relative(repo, opts.dir).split('\\').join('/');
  git(repo, ['rev-parse', '--verify', `${opts.base}^{commit}`]);
  const base = sideAtRef(repo, opts.base, rel);
  const head = sideOnDisk(opts.dir);
  const result = review(base, head, {
    ...opts.options,
    lint: opts.lint
      ? (ms) => lintSql(ms.map((m) => ({ file: `${m.tag}.sql`, path: join(opts.dir, `${m.tag}.sql`) })))
      : undefined,
  });
  return { result, report: renderReport(result, `${opts.base} → working tree`) };
}
