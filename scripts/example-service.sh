#!/usr/bin/env bash
# The example service (examples/service) built on the packed tarball, end to end on the server
# ($DATABASE_URL): type-check, drizzle-kit generate is clean, migrate (package + service) and
# run its story, push twice (the second a no-op) and compare with the migrated database, a
# push that must fail fails, an upgrade from v0.1.0 keeps the data, and the review of
# "add a column, drop a column" reports exactly those two changes.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL (a server where this role may create databases)}"
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
dbs=()
cleanup() {
  for d in "${dbs[@]}"; do psql "$DATABASE_URL" -X -q -c "drop database if exists \"$d\" with (force)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "example service: $*"; }
newdb() { # name -> URL of a new empty database
  local name="aipdb_svc_$$_$1"
  psql "$DATABASE_URL" -X -q -c "create database \"$name\"" >/dev/null
  dbs+=("$name")
  node -e "const u = new URL(process.argv[1]); u.pathname = '/' + process.argv[2]; console.log(u.toString())" "$DATABASE_URL" "$name"
}
q() { psql "$1" -X -q -tA -v ON_ERROR_STOP=1 -c "$2"; }

npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/ai-platform-db-*.tgz)
cp -r examples/service "$work/service"
cd "$work/service"
rm -rf node_modules
npm pkg set "dependencies.ai-platform-db=file:$tarball" >/dev/null
npm install --no-audit --no-fund --silent "@types/node@$(node -p "require('$repo/package.json').devDependencies['@types/node']")" >/dev/null 2>&1 \
  || { echo "npm install failed"; npm install --no-audit --no-fund; exit 1; }
[ ! -d node_modules/@electric-sql/pglite ] || { echo "PGlite was installed: it must be an optional peer"; exit 1; }
step "installed from the tarball without PGlite"

npx --no-install tsc -p tsconfig.json
step "type-checks (merged schema: tx.query.projectNotes, package operations in the same transaction)"

# generate reproduces the committed migrations exactly
cp -r migrations "$work/committed"
npx --no-install drizzle-kit generate >/dev/null
diff -r "$work/committed" migrations >/dev/null || { echo "drizzle-kit generate changed the committed migrations:"; diff -r "$work/committed" migrations | head -40; exit 1; }
grep -q 'CREATE POLICY "project_notes_select_project_viewer" ON "project_notes" AS PERMISSIVE FOR SELECT TO "authenticated" USING (tenant_id' migrations/*.sql \
  || { echo "the generated migration lacks the policy with its expression"; exit 1; }
npx --no-install ai-platform-db service-sql > "$work/grants.sql"
grep -q 'FORCE ROW LEVEL SECURITY' "$work/grants.sql" && grep -q 'GRANT SELECT, INSERT, UPDATE, DELETE ON "project_notes" TO "authenticated"' "$work/grants.sql"
# every statement service-sql prints is in the service's migrations (custom ones carry them)
node -e "
const fs = require('fs');
const split = (t) => t.split('--> statement-breakpoint').map((x) => x.trim()).filter(Boolean);
const want = split(fs.readFileSync(process.argv[1], 'utf8'));
const have = new Set(fs.readdirSync('migrations').filter((f) => f.endsWith('.sql')).flatMap((f) => split(fs.readFileSync('migrations/' + f, 'utf8'))));
const missing = want.filter((x) => !have.has(x));
if (missing.length) { console.error('service-sql statements no migration carries:\\n' + missing.join('\\n')); process.exit(1); }" "$work/grants.sql"
step "drizzle-kit generate is clean; policies carry their expressions; the migrations carry every service-sql statement"

migrated=$(newdb migrated)
DATABASE_URL=$migrated npx --no-install tsx src/migrate.ts
DATABASE_URL=$migrated npx --no-install tsx src/main.ts
step "migrated (package, then service) and ran the story"

pushed=$(newdb pushed)
out1=$(npx --no-install ai-platform-db push --database-url "$pushed" 2>&1) || { echo "$out1"; exit 1; }
out2=$(npx --no-install ai-platform-db push --database-url "$pushed" 2>&1) || { echo "$out2"; exit 1; }
echo "$out2" | grep -q 'push: no schema changes' || { echo "the second push changed something:"; echo "$out2"; exit 1; }
DATABASE_URL=$pushed npx --no-install tsx src/main.ts
catalog() { # what a service table is, as the database sees it
  q "$1" "select string_agg(x, E'\n' order by x) from (
    select 'policy ' || policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') || ' ' || coalesce(qual, '') || ' / ' || coalesce(with_check, '') as x
      from pg_policies where tablename = 'project_notes'
    union all select 'rls ' || relrowsecurity || ' ' || relforcerowsecurity from pg_class where relname = 'project_notes'
    union all select 'grant ' || grantee || ' ' || privilege_type from information_schema.role_table_grants
      where table_name = 'project_notes' and grantee in ('authenticated', 'anon', 'service_role')
    union all select 'column ' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
      from information_schema.columns where table_name = 'project_notes'
    union all select 'index ' || indexdef from pg_indexes where tablename = 'project_notes'
    union all select 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where conrelid = 'public.project_notes'::regclass
  ) s"
}
diff <(catalog "$migrated") <(catalog "$pushed") || { echo "push and migrate built different service tables"; exit 1; }
[ "$(q "$pushed" "select count(*) from pg_policies where tablename = 'documents' and qual is null and with_check is null")" = 0 ] \
  || { echo "a package policy lost its expressions in push"; exit 1; }
step "push twice (the second: no changes), the story runs; service table identical to the migrated one"

# a push that must fail: a service table without row-level security is refused before any change
cp src/schema.ts "$work/schema.ts.bak"
cat >> src/schema.ts <<'TS'
export const leaky = pgTable('leaky', { id: uuid('id').primaryKey() });
TS
if err=$(npx --no-install ai-platform-db push --database-url "$pushed" 2>&1); then echo "a push with an unprotected table succeeded"; exit 1; fi
echo "$err" | grep -q 'without row-level security: leaky' || { echo "unexpected error: $err"; exit 1; }
[ "$(q "$pushed" "select to_regclass('public.leaky') is null")" = t ] || { echo "the refused push created the table"; exit 1; }
# and one drizzle-kit itself fails on: a foreign key to a column that is not unique
cp "$work/schema.ts.bak" src/schema.ts
cat >> src/schema.ts <<'TS'
export const broken = pgTable('broken_refs', { tenantId: uuid('tenant_id').notNull(), title: text('title').notNull() },
  (t) => [foreignKey({ columns: [t.title], foreignColumns: [projectNotes.body] }), ...rlsPolicies(projectScoped('broken_refs', { read: 'viewer', write: 'lead' }))]);
TS
if err=$(npx --no-install ai-platform-db push --database-url "$pushed" 2>&1); then echo "a failing push exited 0"; echo "$err"; exit 1; fi
echo "$err" | tail -1 | grep -q '^ai-platform-db: drizzle-kit push failed' || { echo "unexpected error: $err"; exit 1; }
cp "$work/schema.ts.bak" src/schema.ts
step "a push with an unprotected table and one drizzle-kit fails on both exit non-zero (one line)"

# objects push does not own: another owner's table stays; an enum drizzle-kit would drop stops the push;
# a per-tenant search index (maintainSearchIndexes: in no schema file) is put back as it was
q "$pushed" "create table public.other_owner (id int primary key); insert into public.other_owner values (1)" >/dev/null
q "$pushed" "create index chunks_ivf_example on chunks using ivfflat ((l2_normalize(embedding::vector(384))::vector(384)) vector_l2_ops) with (lists = 10) where tenant_id = '00000000-0000-4000-8000-000000000001'::uuid and dims = 384; comment on index chunks_ivf_example is '{\"rows\":1}'" >/dev/null
before=$(q "$pushed" "select pg_get_indexdef('chunks_ivf_example'::regclass) || obj_description('chunks_ivf_example'::regclass, 'pg_class')")
npx --no-install ai-platform-db push --database-url "$pushed" >/dev/null
[ "$(q "$pushed" "select count(*) from public.other_owner")" = 1 ] || { echo "push touched a table it does not own"; exit 1; }
[ "$(q "$pushed" "select pg_get_indexdef('chunks_ivf_example'::regclass) || obj_description('chunks_ivf_example'::regclass, 'pg_class')")" = "$before" ] \
  || { echo "push lost a per-tenant search index"; exit 1; }
q "$pushed" "create type public.other_enum as enum ('a')" >/dev/null
if err=$(npx --no-install ai-platform-db push --database-url "$pushed" 2>&1); then echo "push went ahead with an enum it would drop"; exit 1; fi
echo "$err" | grep -q 'other_enum' && [ "$(q "$pushed" "select to_regtype('public.other_enum') is not null")" = t ] || { echo "unexpected: $err"; exit 1; }
step "push leaves another owner's table alone, puts back a per-tenant search index it dropped, and refuses to run over an enum it would drop"

# upgrade: a database migrated by v0.1.0 (its six migrations, recorded as v0.1.0 did in drizzle's
# default journal) with data in it, then the service's migrate: package upgraded, data intact
old=$(newdb v010)
cat > "$work/service/upgrade-check.mjs" <<'JS'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import { createDb, MIGRATIONS_FOLDER, withActor } from 'ai-platform-db';
import { appendRevision, createDocument, getDocument } from 'ai-platform-db/queries';
const [phase, url] = process.argv.slice(2);
const db = await createDb(url, { max: 1 });
const one = async (q) => [...(await db.execute(q))][0];
try {
  if (phase === 'v0.1.0') {
    const dir = mkdtempSync(join(tmpdir(), 'v010-'));
    cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
    const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8'));
    writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 6) }));
    await drizzleMigrate(db, { migrationsFolder: dir }); // what v0.1.0's migrate did
    const t = await one(sql`insert into tenants (name, slug) values ('Old', 'old') returning id`);
    const u = await one(sql`insert into users (email) values ('old@example.test') returning id`);
    await db.execute(sql`insert into tenant_memberships (tenant_id, user_id, role) values (${t.id}, ${u.id}, 'owner')`);
    const p = await one(sql`insert into projects (tenant_id, name, owner_id, created_by) values (${t.id}, 'Old project', ${u.id}, ${u.id}) returning id`);
    const { document } = await createDocument(db, { tenantId: t.id, projectId: p.id, kind: 'prd', title: 'Old', content: { r: 1 } });
    await appendRevision(db, { tenantId: t.id, documentId: document.id, content: { r: 2 } });
    writeFileSync('upgrade-ids.json', JSON.stringify({ t: t.id, u: u.id, d: document.id }));
  } else {
    const ids = JSON.parse(readFileSync('upgrade-ids.json', 'utf8'));
    const revs = await one(sql`select count(*)::int as n from document_revisions where document_id = ${ids.d}`);
    if (revs.n !== 2) throw new Error(`revisions after the upgrade: ${revs.n}`);
    const next = await withActor(db, { userId: ids.u, tenantId: ids.t }, (tx) =>
      appendRevision(tx, { tenantId: ids.t, documentId: ids.d, content: { upgraded: true } }));
    if (next.rev !== 3) throw new Error(`the revision counter did not continue: ${next.rev}`);
    const doc = await withActor(db, { userId: ids.u, tenantId: ids.t }, (tx) => getDocument(tx, { tenantId: ids.t, documentId: ids.d }));
    if (doc.currentRev !== 3) throw new Error('document pointer');
    const mine = await one(sql`select count(*)::int as n from drizzle.__ai_platform_db_migrations`);
    const files = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')).entries.length;
    if (mine.n !== files) throw new Error(`package journal has ${mine.n} of ${files} migrations`);
    console.log(`example service: upgraded from v0.1.0 — 2 revisions kept, the next is rev 3, ${mine.n} package migrations recorded`);
  }
} finally {
  await db.close();
}
JS
(cd "$work/service" && node upgrade-check.mjs v0.1.0 "$old")
(cd "$work/service" && DATABASE_URL=$old npx --no-install tsx src/migrate.ts >/dev/null && node upgrade-check.mjs after "$old")
[ "$(q "$old" "select count(*) from pg_policies where tablename = 'project_notes'")" = 4 ] || { echo "the service's table is missing after the upgrade"; exit 1; }
DATABASE_URL=$old npx --no-install tsx src/main.ts >/dev/null
step "a v0.1.0 database with data upgraded by the service's migrate; the story runs on it"

# review: the service's pull request adds a column and drops another
git init -q . && git add -A . ':!node_modules' && git -c user.email=ci@example.test -c user.name=ci commit -qm base
# (two generate runs: drizzle-kit asks "renamed or created?" when one run sees both, and CI has no TTY)
sed -i "s|    body: text('body').notNull(),|    body: text('body').notNull(),\n    pinned: boolean('pinned').notNull().default(false),|; s|import { foreignKey,|import { boolean, foreignKey,|" src/schema.ts
npx --no-install drizzle-kit generate --name pinned >/dev/null
sed -i "s|    createdBy: uuid('created_by').default(sql\`app.current_user_id()\`),||" src/schema.ts
grep -q "pinned: boolean" src/schema.ts && ! grep -q "createdBy" src/schema.ts || { echo "the pull request's edit did not apply"; exit 1; }
npx --no-install drizzle-kit generate --name drop_created_by >/dev/null
set +e
npx --no-install ai-platform-db review --base HEAD --dir migrations --no-lint --out review.md >/dev/null
status=$?
set -e
[ "$status" = 1 ] || { echo "review exit $status (a dropped column needs a decision: 1)"; cat review.md; exit 1; }
grep -q 'project_notes.pinned' review.md && grep -q 'project_notes.created_by' review.md || { echo "review misses a change:"; cat review.md; exit 1; }
changes=$(sed -n '/^## Changes/,/^## Row/p' review.md | grep -cE '^\| [a-z ]+ \| `' || true)
[ "$changes" = 2 ] || { echo "review reported $changes changes, not 2:"; cat review.md; exit 1; }
grep -q '`project_notes.created_by` | removed | uuid and its data | 🟥 destructive' review.md || { echo "the dropped column is not flagged destructive"; cat review.md; exit 1; }
grep -q '0 rule finding(s)' review.md || { echo "rule findings on a service change:"; cat review.md; exit 1; }
step "review of 'add a column, drop a column': exactly those 2 changes, the drop flagged destructive, exit 1"
echo "example service: all steps passed"
