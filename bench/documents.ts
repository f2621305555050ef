/** P1, P2, P4 for versioned documents: the package against hand-written SQL, RLS against none. */
import { withActor, withService } from '../src/actor.js';
import { appendRevision, getDocument, revisionHash } from '../src/queries/documents.js';
import type { BenchContext } from './run.js';
import { fmtMs, interleaved, mulberry32, progressBar, throughput, type ResultRow } from './lib.js';

export interface DocWorld {
  tenantId: string;
  projectId: string;
  userId: string;
  docIds: string[];
}

/** Seeds 10 tenants; the first gets `docs` documents with 3 revisions each. */
export async function seedDocuments(ctx: BenchContext, docs: number): Promise<DocWorld> {
  const { raw } = ctx;
  await raw`insert into tenants (name, slug) select 'bench ' || i, 'bench-' || i from generate_series(0, 9) i`;
  const tenants = await raw<{ id: string }[]>`select id from tenants order by slug`;
  const [u] = await raw<{ id: string }[]>`insert into users (email) values ('bench@example.test') returning id`;
  for (const tn of tenants) {
    await raw`insert into tenant_memberships (tenant_id, user_id, role) values (${tn.id}, ${u!.id}, 'member')`;
  }
  const tenantId = tenants[0]!.id;
  const [p] = await raw<
    { id: string }[]
  >`insert into projects (tenant_id, name) values (${tenantId}, 'bench') returning id`;
  await raw`insert into project_members (tenant_id, project_id, user_id, role) values (${tenantId}, ${p!.id}, ${u!.id}, 'contributor')`;
  // other tenants hold documents too, so the tenant predicate matters
  for (const tn of tenants.slice(1)) {
    const [q] = await raw<
      { id: string }[]
    >`insert into projects (tenant_id, name) values (${tn.id}, 'other') returning id`;
    await raw`insert into documents (tenant_id, project_id, kind, title) select ${tn.id}, ${q!.id}, 'prd', 'doc ' || i from generate_series(1, ${docs}) i`;
  }
  const ids = await raw<{ id: string }[]>`
    insert into documents (tenant_id, project_id, kind, title)
    select ${tenantId}, ${p!.id}, 'prd', 'doc ' || i from generate_series(1, ${docs}) i returning id`;
  const bar = progressBar('seeding revisions', 3);
  for (let r = 1; r <= 3; r++) {
    await raw`
      insert into document_revisions (tenant_id, document_id, project_id, rev, content, content_hash)
      select ${tenantId}, id, ${p!.id}, 0, jsonb_build_object('rev', ${r}::int, 'body', repeat('x', 400)),
             encode(sha256(convert_to(id::text || ${r}::int, 'UTF8')), 'hex')
      from documents where tenant_id = ${tenantId}`;
    bar.tick(r);
  }
  bar.stop();
  await raw`analyze`;
  return { tenantId, projectId: p!.id, userId: u!.id, docIds: ids.map((r) => r.id) };
}

const GET_SQL = `select d.*, r.content, r.body_md from documents d
  left join document_revisions r on r.tenant_id = d.tenant_id and r.document_id = d.id and r.rev = d.current_rev
  where d.tenant_id = $1 and d.id = $2 and d.deleted_at is null`;
const APPEND_SQL = `with d as (
    select project_id from documents
    where tenant_id = $1 and id = $2 and deleted_at is null and not is_locked
      and ($6::int is null or current_rev = $6::int) and current_content_hash is distinct from $5
    for update)
  insert into document_revisions (tenant_id, document_id, project_id, rev, content, body_md, content_hash, restored_from_rev, change_note, created_by)
  select $1, $2, d.project_id, 0, $3::jsonb, $4, $5, null, null, app.current_user_id() from d
  returning rev`;

export async function documentsBench(ctx: BenchContext, only?: string[]): Promise<ResultRow[]> {
  const want = (id: string) => !only || only.includes(id);
  if (!want('P1') && !want('P2') && !want('P4')) return [];
  const rounds = ctx.quick ? 300 : 2000;
  const w = await seedDocuments(ctx, ctx.quick ? 200 : 1000);
  const rand = mulberry32(ctx.seed);
  const pick = () => w.docIds[Math.floor(rand() * w.docIds.length)]!;
  const out: ResultRow[] = [];
  const actor = { userId: w.userId, tenantId: w.tenantId };
  let n = 0;
  const content = () => ({ n: n++, body: 'y'.repeat(400) });

  if (want('P1')) {
    console.error('bench: P1 documents (package vs hand-written)');
    const get = await interleaved(
      () => getDocument(ctx.db, { tenantId: w.tenantId, documentId: pick() }),
      () => ctx.raw.unsafe(GET_SQL, [w.tenantId, pick()], { prepare: true }),
      rounds,
    );
    out.push({
      id: 'P1',
      what: 'getDocument',
      measured: fmtMs(get.a),
      baseline: `hand-written prepared: ${fmtMs(get.b)}`,
      ratio: get.a.p50 / get.b.p50,
      target: '≤ 1.10× p50',
      met: get.a.p50 / get.b.p50 <= 1.1,
    });
    const app = await interleaved(
      () => appendRevision(ctx.db, { tenantId: w.tenantId, documentId: pick(), content: content() }),
      () => {
        const c = content();
        return ctx.raw.unsafe(APPEND_SQL, [w.tenantId, pick(), JSON.stringify(c), null, revisionHash(c), null], {
          prepare: true,
        });
      },
      rounds,
    );
    out.push({
      id: 'P1',
      what: 'appendRevision',
      measured: fmtMs(app.a),
      baseline: `hand-written prepared: ${fmtMs(app.b)}`,
      ratio: app.a.p50 / app.b.p50,
      target: '≤ 1.10× p50',
      met: app.a.p50 / app.b.p50 <= 1.1,
    });
  }

  if (want('P2')) {
    console.error('bench: P2 documents (withActor + RLS vs service role + explicit WHERE)');
    const get = await interleaved(
      () => withActor(ctx.db, actor, (tx) => getDocument(tx, { tenantId: w.tenantId, documentId: pick() })),
      () => withService(ctx.db, (tx) => getDocument(tx, { tenantId: w.tenantId, documentId: pick() })),
      rounds,
    );
    out.push({
      id: 'P2',
      what: 'getDocument under withActor (RLS)',
      measured: fmtMs(get.a),
      baseline: `service role, explicit WHERE: ${fmtMs(get.b)}`,
      ratio: get.a.p50 / get.b.p50,
      target: '≤ 1.10× p50',
      met: get.a.p50 / get.b.p50 <= 1.1,
    });
    const app = await interleaved(
      () =>
        withActor(ctx.db, actor, (tx) =>
          appendRevision(tx, { tenantId: w.tenantId, documentId: pick(), content: content() }),
        ),
      () =>
        withService(ctx.db, (tx) =>
          appendRevision(tx, { tenantId: w.tenantId, documentId: pick(), content: content() }),
        ),
      rounds,
    );
    out.push({
      id: 'P2',
      what: 'appendRevision under withActor (RLS)',
      measured: fmtMs(app.a),
      baseline: `service role, explicit WHERE: ${fmtMs(app.b)}`,
      ratio: app.a.p50 / app.b.p50,
      target: '≤ 1.10× p50',
      met: app.a.p50 / app.b.p50 <= 1.1,
    });
  }

  if (want('P4')) {
    const seconds = ctx.quick ? 2 : 8;
    for (const [label, docs] of [
      ['one hot document', [w.docIds[0]!]],
      ['1,000 documents', w.docIds],
    ] as const) {
      console.error(`bench: P4 appendRevision, 8 writers, ${label}`);
      const target = (i: number, wk: number) => docs[(i * 8 + wk) % docs.length]!;
      // alternate the two sides twice, so drift hits both
      const pkg: number[] = [];
      const hand: number[] = [];
      for (let round = 0; round < 2; round++) {
        pkg.push(
          await throughput(8, seconds, (wk, i) =>
            appendRevision(ctx.db, { tenantId: w.tenantId, documentId: target(i, wk), content: content() }),
          ),
        );
        hand.push(
          await throughput(8, seconds, (wk, i) => {
            const c = content();
            return ctx.raw.unsafe(
              APPEND_SQL,
              [w.tenantId, target(i, wk), JSON.stringify(c), null, revisionHash(c), null],
              { prepare: true },
            );
          }),
        );
      }
      const a = pkg.reduce((x, y) => x + y) / pkg.length;
      const b = hand.reduce((x, y) => x + y) / hand.length;
      // zero gaps: every document's revisions are exactly 1..current_rev
      const [gaps] = await ctx.raw<{ bad: number }[]>`
        select count(*)::int as bad from documents d
        where d.tenant_id = ${w.tenantId}
          and (select count(*) from document_revisions r where r.tenant_id = d.tenant_id and r.document_id = d.id) <> d.current_rev`;
      out.push({
        id: 'P4',
        what: `appendRevision, 8 writers, ${label}`,
        measured: `${Math.round(a)} appends/s`,
        baseline: `hand-written: ${Math.round(b)} appends/s`,
        ratio: a / b,
        target: '≥ 0.85×, zero gaps',
        met: a / b >= 0.85 && gaps!.bad === 0,
        extra: { gaps: gaps!.bad },
      });
    }
  }
  return out;
}
