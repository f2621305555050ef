#!/usr/bin/env bash
# Packs the package, installs the tarball into a fresh project, imports every subpath in ESM,
# runs a migration on an embedded database from the installed package, type-checks a small
# consumer against the published types, and runs publint on the package.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/ai-platform-db-*.tgz)
# hygiene: one snapshot (the latest), no source maps pointing at sources that are not shipped
contents=$(tar -tzf "$tarball")
[ "$(echo "$contents" | grep -c '_snapshot.json')" = 1 ] || { echo "the package must ship exactly one snapshot"; exit 1; }
if echo "$contents" | grep -q '\.map$'; then echo "the package ships source maps without their sources"; exit 1; fi
echo "$contents" | grep -q 'package/LICENSE' || { echo "no LICENSE in the package"; exit 1; }
mkdir "$work/consumer"
cd "$work/consumer"
cat > package.json <<'JSON'
{ "name": "consumer", "private": true, "type": "module" }
JSON
npm install --silent --no-audit --no-fund "$tarball" drizzle-orm@0.45.4 >/dev/null 2>&1
# PGlite is an optional peer: without it everything loads and createEmbeddedDb names what to install
node --input-type=module -e "
const m = await import('ai-platform-db'); await import('ai-platform-db/queries'); await import('ai-platform-db/drizzle');
try { await m.createEmbeddedDb(); throw new Error('createEmbeddedDb worked without PGlite'); }
catch (e) { if (!(e instanceof m.MissingDependencyError) || !e.message.includes('npm i @electric-sql/pglite')) throw e; }"
echo "consumer: without PGlite the package loads; createEmbeddedDb says what to install"
# the framework adapters: each subpath needs its framework (an optional peer), and only it
node --input-type=module -e "
for (const [sub, dep] of [['langchain', '@langchain/core'], ['llamaindex', '@llamaindex/core']]) {
  try { await import('ai-platform-db/' + sub); throw new Error(sub + ' loaded without ' + dep); }
  catch (e) { if (e.code !== 'ERR_MODULE_NOT_FOUND' || !e.message.includes(dep)) throw e; }
}
const ai = await import('ai-platform-db/ai-sdk'); // types only from 'ai'
if (typeof ai.saveUIMessages !== 'function') throw new Error('ai-sdk');"
npm install --silent --no-audit --no-fund $(node -p "const d = require('$repo/package.json').devDependencies; ['@langchain/core', '@llamaindex/core', 'ai'].map((n) => n + '@' + d[n]).join(' ')") >/dev/null 2>&1
node --input-type=module -e "
const lc = await import('ai-platform-db/langchain'); const li = await import('ai-platform-db/llamaindex');
if (typeof lc.TenantVectorStore !== 'function' || typeof lc.TenantChatMessageHistory !== 'function' || typeof li.TenantLlamaVectorStore !== 'function') throw new Error('adapters');"
echo "consumer: the framework adapters load only with their framework installed (no hard dependency)"
npm install --silent --no-audit --no-fund "@electric-sql/pglite@$(node -p "require('$repo/package.json').devDependencies['@electric-sql/pglite']")" \
  "@electric-sql/pglite-pgvector@$(node -p "require('$repo/package.json').devDependencies['@electric-sql/pglite-pgvector']")" >/dev/null 2>&1
cat > smoke.mjs <<'JS'
import { createEmbeddedDb, migrate, withActor, emitRlsSql } from 'ai-platform-db';
import * as schema from 'ai-platform-db/schema';
import * as rls from 'ai-platform-db/rls';
import * as queries from 'ai-platform-db/queries';
import * as zod from 'ai-platform-db/zod';
import * as jobs from 'ai-platform-db/jobs';
if (!schema.documents || !rls.TABLE_ACCESS || !queries.NotFoundError || !zod.insertChunkSchema) throw new Error('missing exports');
for (const fn of ['appendRevision', 'reviewVersion', 'searchSimilar', 'appendMessage', 'recordUsage', 'checkQuota', 'listAuditLog'])
  if (typeof queries[fn] !== 'function') throw new Error(`missing operation ${fn}`);
for (const fn of ['verifyApiKey', 'executeDeletion', 'runRetention', 'ensurePartitions', 'rollupUsageDaily'])
  if (typeof jobs[fn] !== 'function') throw new Error(`missing job ${fn}`);
if ('verifyApiKey' in queries) throw new Error('service-role jobs must not be actor operations');
if (!emitRlsSql().includes('FORCE ROW LEVEL SECURITY')) throw new Error('emitRlsSql');
const db = await createEmbeddedDb();
await migrate(db);
const [t] = await db.insert(schema.tenants).values({ name: 'T', slug: 't' }).returning();
const [u] = await db.insert(schema.users).values({ email: 'u@example.test' }).returning();
await db.insert(schema.tenantMemberships).values({ tenantId: t.id, userId: u.id, role: 'owner' });
const seen = await withActor(db, { userId: u.id, tenantId: t.id }, (tx) => tx.select().from(schema.tenants));
if (seen.length !== 1) throw new Error('RLS');
await db.close();
console.log('consumer: imports, migrate and withActor work from the packed tarball');
JS
node smoke.mjs
# the binary: every command answers --help; an unknown command is one line and a non-zero exit
for cmd in migrate push push-extras service-sql supabase:sql review rls:sql partitions retention rollup demo; do
  npx --no-install ai-platform-db "$cmd" --help >/dev/null
done
if npx --no-install ai-platform-db frobnicate >/dev/null 2>&1; then echo "unknown command accepted"; exit 1; fi
npx --no-install ai-platform-db rls:sql --sections policies | grep -q 'CREATE POLICY'
echo "consumer: the ai-platform-db binary answers"
cat > consumer.ts <<'TS'
import { createDb, withActor, type Db, type DbOrTx } from 'ai-platform-db';
import { documents, type Document, type NewDocument } from 'ai-platform-db/schema';
import { emitRlsSql, type RoleNames } from 'ai-platform-db/rls';
import { ConflictError } from 'ai-platform-db/queries';
import { insertDocumentSchema } from 'ai-platform-db/zod';

export async function titles(db: DbOrTx): Promise<string[]> {
  const rows: Document[] = await db.select().from(documents);
  return rows.map((d) => d.title);
}
export async function main(url: string): Promise<void> {
  const db: Db = await createDb(url);
  const input: NewDocument = insertDocumentSchema.parse({ tenantId: 'x', projectId: 'y', kind: 'prd', title: 't' }) as NewDocument;
  await withActor(db, { userId: '00000000-0000-4000-8000-000000000000' }, (tx) => tx.insert(documents).values(input));
  const roles: RoleNames = { app: 'a', service: 's', anon: 'n' };
  emitRlsSql({ roles });
  if (new ConflictError('x').code !== 'CONFLICT') throw new Error();
}
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2022", "strict": true, "noEmit": true, "skipLibCheck": true, "types": [] }, "files": ["consumer.ts"] }
JSON
"$repo/node_modules/.bin/tsc" -p tsconfig.json
echo "consumer: the published types check"
# require() (Node >= 20.19 loads ESM through require): how drizzle-kit loads a consumer's schema
node -e "const s = require('ai-platform-db/schema'); const q = require('ai-platform-db/queries'); const j = require('ai-platform-db/jobs');
if (!s.projects || !q.appendRevision || !j.verifyApiKey) throw new Error('require');"
echo "consumer: every subpath loads with require()"
# drizzle-kit generate on a service schema that imports the package's tables
cat > service-schema.ts <<'TS'
import { foreignKey, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { projects } from 'ai-platform-db/schema';
export const projectNotes = pgTable('project_notes', {
  tenantId: uuid('tenant_id').notNull(),
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').notNull(),
  body: text('body').notNull(),
}, (t) => [foreignKey({ columns: [t.tenantId, t.projectId], foreignColumns: [projects.tenantId, projects.id] })]);
TS
cat > drizzle.config.ts <<'TS'
export default { dialect: 'postgresql', schema: './service-schema.ts', out: './migrations' };
TS
"$repo/node_modules/.bin/drizzle-kit" generate --name notes >/dev/null
grep -q 'CREATE TABLE "project_notes"' migrations/0000_notes.sql && grep -q 'REFERENCES "public"."projects"' migrations/0000_notes.sql
echo "consumer: drizzle-kit generate loads a service schema that imports ai-platform-db/schema"
cd "$repo"
npx --no-install publint --strict >/dev/null 2>&1 && echo "publint: clean" || { npx --no-install publint --strict; exit 1; }
