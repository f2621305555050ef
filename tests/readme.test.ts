/**
 * The README's examples run as written: every ```ts block from "Use it in a service" up to
 * "Build a service on it" is written to a module and imported, on both backends, after a
 * prelude puts the names the examples use (db, tenantId, actor, lead, engineer, modelId,
 * embedding, …) on `globalThis`. Two substitutions only: `ai-platform-db…` imports point at
 * the sources, and `process.env.DATABASE_URL` / `url` at this test's scratch database. The
 * later blocks (a service's schema, its migrations, the framework adapters) need a service
 * project or a framework's objects; they are compiled in `examples/service` (CI, packed
 * tarball) and `examples/adapters` (`npm run typecheck`).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, withSettings } from '../src/db.js';
import { withActor, withAnon, withService } from '../src/actor.js';
import { grantCredits } from '../src/queries/metering.js';
import * as s from '../src/schema/index.js';
import { rowsOf } from './support/expect.js';
import { createWorld, unitVector } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const start = readme.indexOf('## Use it in a service');
const end = readme.indexOf('## Build a service on it');
const blocks = [...readme.slice(start, end).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

const SUBPATHS: Record<string, string> = {
  'ai-platform-db': 'src/index.ts',
  'ai-platform-db/schema': 'src/schema/index.ts',
  'ai-platform-db/rls': 'src/rls/index.ts',
  'ai-platform-db/queries': 'src/queries/index.ts',
  'ai-platform-db/jobs': 'src/jobs/index.ts',
  'ai-platform-db/zod': 'src/zod/index.ts',
  'ai-platform-db/supabase': 'src/supabase/index.ts',
  'ai-platform-db/drizzle': 'src/kit.ts',
};

function asModule(block: string): string {
  return block
    .replace(/from '(ai-platform-db(?:\/[a-z-]+)?)'/g, (_m, spec: string) => {
      const target = SUBPATHS[spec];
      if (!target) throw new Error(`README imports an unknown subpath ${spec}`);
      return `from ${JSON.stringify(join(root, target))}`;
    })
    .replace(/process\.env\.DATABASE_URL!/g, 'globalThis.url');
}

describeBackends('README examples, as written', (t) => {
  // one directory per backend: an imported module is cached by its path, and must run again
  const dir = join(root, 'tests', `.readme-${process.pid}-${randomUUID().slice(0, 8)}`);
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const { db } = t();
    const w = await createWorld(db, 'readme');
    const [model] = await db.insert(s.embeddingModels).values({ tenantId: w.tenantA, name: 'readme', dimensions: 8 }).returning();
    await db.insert(s.projectMembers).values([
      { tenantId: w.tenantA, projectId: w.projectA, userId: w.users.admin, role: 'lead' },
    ]).onConflictDoNothing();
    await grantCredits(db, { tenantId: w.tenantA, userId: w.users.member, add: 5 });
    const actor = { userId: w.users.member, tenantId: w.tenantA };
    Object.assign(globalThis, {
      db,
      url: t().url,
      createDb,
      withSettings,
      withActor,
      withAnon,
      withService,
      tenantId: w.tenantA,
      projectId: w.projectA,
      userId: w.users.member,
      actor,
      engineer: actor,
      lead: { userId: w.users.admin, tenantId: w.tenantA },
      admin: { userId: w.users.admin, tenantId: w.tenantA },
      tenantAdmin: { userId: w.users.admin, tenantId: w.tenantA },
      colleague: w.users.viewer,
      modelId: model!.id,
      embedding: unitVector(8, 1),
      query: unitVector(8, 1),
      fileId: randomUUID(),
      clientId: `client-${randomUUID()}`,
      requestId: randomUUID(),
      occurredAt: new Date(),
      paymentIntentId: `pi_${randomUUID()}`,
      presented: 'aip_not_a_key',
      handler: async () => undefined,
      actorId: w.users.admin,
      from: new Date(Date.now() - 86_400_000),
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it('runs each one (in order: erasure last, it removes the example user)', async () => {
    const ran: string[] = [];
    for (const [i, block] of blocks.entries()) {
      // createDb(url) needs a server; on PGlite those two examples are compiled only (npm run typecheck)
      if (/createDb\(/.test(block) && !t().url) {
        console.log(`[readme] example ${i + 1} skipped on PGlite: it opens a server connection (runs on the server backend)`);
        continue;
      }
      const file = join(dir, `example-${i + 1}.ts`);
      // a handle the example opened itself is closed again (its own `db` shadows the prelude's)
      const epilogue = `\nif (db !== (globalThis as any).db) await (db as any).close();\nexport {};\n`;
      writeFileSync(file, `${asModule(block)}${epilogue}`);
      try {
        await import(/* @vite-ignore */ file);
      } catch (err) {
        throw new Error(`README example ${i + 1} failed: ${(err as Error).message}\n${block}`, { cause: err });
      }
      ran.push(String(i + 1));
    }
    expect(ran.length).toBeGreaterThanOrEqual(t().url ? blocks.length : blocks.length - 2);
    // what the task-review example promises: risk 0.6 from the deliverable schema's rule
    const { db } = t();
    const [v] = rowsOf<{ risk: number }>(
      await db.execute(sql`select risk_score as risk from task_versions where output_data ->> 'utilisation' = '0.95'`),
    );
    expect(v?.risk).toBeCloseTo(0.6);
  }, 120_000);
});
