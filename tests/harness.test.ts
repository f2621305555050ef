/**
 * The foundation works on every backend: pgvector answers a k-NN query through an HNSW
 * index, RLS is enforced after the switch to the application role inside a transaction, and
 * the committed migrations are recorded as applied.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db.js';
import { withActor } from '../src/actor.js';
import { ForbiddenError } from '../src/queries/errors.js';
import { rejectsWith, rowsOf } from './support/expect.js';
import * as s from '../src/schema/index.js';
import { describeBackends } from './support/harness.js';
import { createWorld, unitVector, type World } from './support/fixtures.js';
import { V0_1_0, V0_1_0_TAGS } from './support/release.js';

describeBackends('harness', (t) => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld(t().db);
  });

  it('has pgvector, and an HNSW index answers a k-NN query', async () => {
    const { db } = t();
    const rows = rowsOf<{ extversion: string }>(
      await db.execute(sql`select extversion from pg_extension where extname = 'vector'`),
    );
    expect(rows[0]?.extversion).toMatch(/^0\.8\./);
    const [model] = await db
      .insert(s.embeddingModels)
      .values({ tenantId: w.tenantA, name: 'm384', dimensions: 384 })
      .returning();
    const [src] = await db.insert(s.dataSources).values({ tenantId: w.tenantA, name: 'src', type: 'text' }).returning();
    await db.insert(s.chunks).values(
      Array.from({ length: 50 }, (_, i) => ({
        tenantId: w.tenantA,
        sourceType: 'manual' as const,
        sourceId: src!.id,
        chunkIndex: i,
        content: `chunk ${i}`,
        contentHash: i.toString(16).padStart(64, '0'),
        modelId: model!.id,
        dims: 384,
        embedding: unitVector(384, i),
      })),
    );
    const q = `[${unitVector(384, 7).join(',')}]`;
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const plan = await tx.execute(
        sql.raw(
          `explain select id from chunks where dims = 384 order by embedding::vector(384) <=> '${q}'::vector(384) limit 3`,
        ),
      );
      const text = JSON.stringify(plan);
      expect(text).toContain('chunks_embedding_384_hnsw_idx');
      const list = rowsOf<{ chunk_index: number }>(
        await tx.execute(
          sql.raw(
            `select chunk_index from chunks where dims = 384 order by embedding::vector(384) <=> '${q}'::vector(384) limit 3`,
          ),
        ),
      );
      expect(list[0]?.chunk_index).toBe(7);
    });
  });

  it('enforces RLS after switching to the application role inside a transaction', async () => {
    const { db } = t();
    // The member of A sees A's project and not B's.
    const seen = await withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
      tx.select({ id: s.projects.id, tenantId: s.projects.tenantId }).from(s.projects),
    );
    expect(seen.map((p) => p.id)).toContain(w.projectA);
    expect(seen.map((p) => p.id)).not.toContain(w.projectB);
    // An insert for tenant B is refused.
    const err = await rejectsWith(
      withActor(db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
        tx.insert(s.projects).values({ tenantId: w.tenantB, name: 'sneaky' }),
      ),
      ForbiddenError,
    );
    expect(err.message).toMatch(/row-level security/);
    // Nothing leaks to the next transaction on the same connection.
    const [row] = rowsOf<{ current_user: string; claims: string | null }>(
      await db.execute(sql`select current_user, current_setting('request.jwt.claims', true) as claims`),
    );
    expect(row!.current_user).not.toBe('authenticated');
    expect(row!.claims ?? '').toBe('');
  });

  it('records the committed migrations as applied', async () => {
    const { db } = t();
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const [{ n } = { n: 0 }] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from drizzle.__ai_platform_db_migrations`),
    );
    expect(n).toBe(journal.entries.length);
    // v0.1.0's six, then what came after
    expect(journal.entries.map((e) => e.tag).slice(0, V0_1_0)).toEqual([...V0_1_0_TAGS]);
  });
});
