/**
 * Migrations on databases that hold data: the first k migrations are applied, realistic data
 * is written the way that schema allows (raw rows before the functions exist, operations
 * after), then the rest of the migrations are applied. The data survives, the operations
 * carry on from it (counters continue, RLS applies), and the upgraded catalog is the same as
 * a freshly migrated one.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { createDb, createEmbeddedDb, migrate, MIGRATIONS_FOLDER, type Db } from '../src/db.js';
import { appendRevision, createDocument, getDocument } from '../src/queries/documents.js';
import * as s from '../src/schema/index.js';
import { catalogLines } from './support/catalog.js';
import { emptyServerDatabase } from './support/server.js';
import { rowsOf } from './support/expect.js';
import { createWorld, seedEveryTable } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';
import { V0_1_0 } from './support/release.js';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};
const TOTAL = journal.entries.length;

/** A copy of the migrations folder with only the first k migrations in its journal. */
function firstMigrations(k: number): string {
  const dir = mkdtempSync(join(tmpdir(), `aipdb-mig${k}-`));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  writeFileSync(
    join(dir, 'meta', '_journal.json'),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, k) }),
  );
  return dir;
}

const TABLES = [
  'tenants',
  'users',
  'tenant_memberships',
  'projects',
  'documents',
  'document_revisions',
  'tasks',
  'task_versions',
  'api_keys',
];

describeBackends('migrations on a database with data', (t) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function freshDb(tag: string): Promise<{ db: Db; drop: () => Promise<void> }> {
    if (t().backend === 'embedded') {
      const db = await createEmbeddedDb();
      return { db, drop: () => db.close() };
    }
    const scratch = await emptyServerDatabase(`up${tag}`);
    const db = await createDb(scratch.url, { max: 2 });
    return {
      db,
      drop: async () => {
        await db.close();
        await scratch.drop();
      },
    };
  }

  /** v0.1.0 (commit 0aaaa55) shipped the first six migrations; drizzle/catalogue.json pins their hashes. */
    const stages = () =>
    [...new Set(t().backend === 'embedded' ? [V0_1_0] : [2, 4, V0_1_0, TOTAL - 1])].filter((k) => k < TOTAL);

  it('applies every later migration over data written under an earlier set, and ends where a fresh migrate does', async () => {
    const reference = await catalogLines(t().db);
    for (const k of stages()) {
      const dir = firstMigrations(k);
      dirs.push(dir);
      const { db, drop } = await freshDb(String(k));
      try {
        await migrate(db, { migrationsFolder: dir });
        const w = await createWorld(db, `up${k}`);
        let docId: string;
        let rev: number;
        if (k < 4) {
          // before the functions and triggers exist: rows as an application of that time wrote them
          const [d] = await db
            .insert(s.documents)
            .values({ tenantId: w.tenantA, projectId: w.projectA, kind: 'prd', title: 'Old', currentRev: 3 })
            .returning();
          docId = d!.id;
          for (const r of [1, 2, 3])
            await db.insert(s.documentRevisions).values({
              tenantId: w.tenantA,
              documentId: docId,
              projectId: w.projectA,
              rev: r,
              content: { r },
              contentHash: `${r}`.repeat(64),
            });
          rev = 3;
        } else {
          const { document } = await createDocument(db, {
            tenantId: w.tenantA,
            projectId: w.projectA,
            kind: 'prd',
            title: 'Old',
            content: { r: 1 },
          });
          docId = document.id;
          rev = (await appendRevision(db, { tenantId: w.tenantA, documentId: docId, content: { r: 2 } })).rev;
          if (k >= TOTAL - 1) await seedEveryTable(db, w);
        }
        const count = async () => {
          const out: Record<string, number> = {};
          for (const table of TABLES)
            out[table] = rowsOf<{ n: number }>(
              await db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`),
            )[0]!.n;
          return out;
        };
        const before = await count();
        await migrate(db); // the rest
        expect(await count(), `after migrations ${k}..${TOTAL - 1}`).toEqual(before);
        // the operations carry on from the old data, under RLS
        const next = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
          appendRevision(tx, { tenantId: w.tenantA, documentId: docId, content: { upgraded: k } }),
        );
        expect(next.rev).toBe(rev + 1);
        const seen = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
          getDocument(tx, { tenantId: w.tenantA, documentId: docId }),
        );
        expect(seen.currentRev).toBe(rev + 1);
        const foreign = await withActor(db, { userId: w.users.outsider, tenantId: w.tenantB }, (tx) =>
          tx.select().from(s.documents),
        );
        expect(foreign).toEqual([]);
        // and the schema is exactly what a fresh migrate builds
        const lines = await catalogLines(db);
        const onlyHere = lines.filter((l) => !reference.includes(l));
        const missing = reference.filter((l) => !lines.includes(l));
        expect({ k, onlyHere, missing }).toEqual({ k, onlyHere: [], missing: [] });
      } finally {
        await drop();
      }
    }
  }, 300_000);
});
