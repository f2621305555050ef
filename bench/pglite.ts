/** P7: the embedded PGlite — start + migrate, and the P1 document operations — beside the server. */
import { createEmbeddedDb, migrate } from '../src/db.js';
import { appendRevision, createDocument, getDocument } from '../src/queries/documents.js';
import * as s from '../src/schema/index.js';
import type { BenchContext } from './run.js';
import { fmtMs, interleaved, type ResultRow } from './lib.js';

export async function pgliteBench(ctx: BenchContext, only?: string[]): Promise<ResultRow[]> {
  if (only && !only.includes('P7')) return [];
  console.error('bench: P7 PGlite start + migrate, and documents on PGlite vs the server');
  const t0 = performance.now();
  const lite = await createEmbeddedDb();
  const started = performance.now() - t0;
  await migrate(lite);
  const migrated = performance.now() - t0;
  const out: ResultRow[] = [
    {
      id: 'P7',
      what: 'PGlite create + migrate (in memory)',
      measured: `create ${Math.round(started)} ms, + migrate ${Math.round(migrated - started)} ms`,
      baseline: 'server: a migrated template is cloned per test database',
      ratio: null,
      target: 'reported',
      met: null,
    },
  ];
  const setup = async (db: typeof lite | BenchContext['db']) => {
    const [t] = await db
      .insert(s.tenants)
      .values({ name: 'p7', slug: `p7-${Date.now()}` })
      .returning();
    const [p] = await db.insert(s.projects).values({ tenantId: t!.id, name: 'p7' }).returning();
    const docs: string[] = [];
    for (let i = 0; i < 50; i++) {
      const d = await createDocument(db, {
        tenantId: t!.id,
        projectId: p!.id,
        kind: 'prd',
        title: `d${i}`,
        content: { i },
      });
      docs.push(d.document.id);
    }
    return { tenantId: t!.id, docs };
  };
  const a = await setup(lite);
  const b = await setup(ctx.db);
  const rounds = ctx.quick ? 200 : 1000;
  let n = 0;
  const get = await interleaved(
    (i) => getDocument(lite, { tenantId: a.tenantId, documentId: a.docs[i % 50]! }),
    (i) => getDocument(ctx.db, { tenantId: b.tenantId, documentId: b.docs[i % 50]! }),
    rounds,
  );
  const app = await interleaved(
    (i) => appendRevision(lite, { tenantId: a.tenantId, documentId: a.docs[i % 50]!, content: { n: n++ } }),
    (i) => appendRevision(ctx.db, { tenantId: b.tenantId, documentId: b.docs[i % 50]!, content: { n: n++ } }),
    rounds,
  );
  await lite.close();
  out.push(
    {
      id: 'P7',
      what: 'getDocument on PGlite',
      measured: fmtMs(get.a),
      baseline: `server: ${fmtMs(get.b)}`,
      ratio: get.a.p50 / get.b.p50,
      target: 'reported',
      met: null,
    },
    {
      id: 'P7',
      what: 'appendRevision on PGlite',
      measured: fmtMs(app.a),
      baseline: `server: ${fmtMs(app.b)}`,
      ratio: app.a.p50 / app.b.p50,
      target: 'reported',
      met: null,
    },
  );
  return out;
}
