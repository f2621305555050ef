/** P8: platform hot paths — API key verification among many keys, appending a chat message. */
import { createHash } from 'node:crypto';
import { withActor } from '../src/actor.js';
import { issueApiKey } from '../src/queries/apiKeys.js';
import { verifyApiKey } from '../src/jobs/apiKeys.js';
import { appendMessage, createSession } from '../src/queries/conversations.js';
import type { BenchContext } from './run.js';
import { fmtMs, interleaved, type ResultRow } from './lib.js';

export async function platformBench(ctx: BenchContext, only?: string[]): Promise<ResultRow[]> {
  if (only && !only.includes('P8')) return [];
  const { raw, db } = ctx;
  const keys = ctx.quick ? 5_000 : 50_000;
  console.error(`bench: P8 seeding ${keys} API keys`);
  const [tn] = await raw<{ id: string }[]>`insert into tenants (name, slug) values ('keys', 'keys') returning id`;
  const [u] = await raw<{ id: string }[]>`insert into users (email) values ('keys@bench.test') returning id`;
  const tenantId = tn!.id;
  const userId = u!.id;
  await raw`insert into tenant_memberships (tenant_id, user_id, role) values (${tenantId}, ${userId}, 'member')`;
  await raw`insert into api_keys (tenant_id, user_id, name, prefix, key_hash)
            select ${tenantId}, ${userId}, 'k' || g, 'p' || lpad(g::text, 11, '0'), md5(g::text) || md5((g + 1)::text)
            from generate_series(1, ${keys}) g`;
  const me = { userId, tenantId };
  const { key } = await withActor(db, me, (tx) => issueApiKey(tx, { tenantId, name: 'bench' }));
  const prefix = key.split('_').length >= 4 ? key.slice(4 + 22 + 1, 4 + 22 + 1 + 12) : '';
  await raw`analyze api_keys`;
  const rounds = ctx.quick ? 300 : 2000;
  const out: ResultRow[] = [];

  const check = await verifyApiKey(db, { key, touch: false });
  if (!check.ok) throw new Error('bench key does not verify');
  const r = await interleaved(
    () => verifyApiKey(db, { key, touch: false }),
    () =>
      raw.begin(async (tx) => {
        await tx.unsafe(`select set_config('role', 'service_role', true)`, [], { prepare: true });
        const [row] = await tx.unsafe<{ key_hash: string }[]>(
          `select key_hash, user_id, scopes, expires_at, revoked_at, last_used_at,
                  exists (select 1 from tenant_memberships m where m.tenant_id = k.tenant_id and m.user_id = k.user_id) as member
           from api_keys k where tenant_id = $1 and prefix = $2`,
          [tenantId, prefix],
          { prepare: true },
        );
        return row?.key_hash === createHash('sha256').update(key).digest('hex');
      }),
    rounds,
  );
  out.push({
    id: 'P8',
    what: `verifyApiKey among ${keys.toLocaleString('en-US')} keys (service role)`,
    measured: fmtMs(r.a),
    baseline: `hand-written lookup (same columns and membership check) + hash: ${fmtMs(r.b)}`,
    ratio: r.a.p50 / r.b.p50,
    target: '≤ 1.25× p50',
    met: r.a.p50 / r.b.p50 <= 1.25,
  });

  const session = await withActor(db, me, (tx) => createSession(tx, { tenantId }));
  const claims = JSON.stringify({ sub: userId, tenant_id: tenantId, role: 'authenticated' });
  const m = await interleaved(
    (i) => withActor(db, me, (tx) => appendMessage(tx, { tenantId, sessionId: session.id, role: 'user', content: `package ${i}` })),
    (i) =>
      raw.begin(async (tx) => {
        await tx.unsafe(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [claims], {
          prepare: true,
        });
        return tx.unsafe(`select * from app.save_message($1, $2, 'user', $3)`, [tenantId, session.id, `raw ${i}`], { prepare: true });
      }),
    rounds,
  );
  out.push({
    id: 'P8',
    what: 'appendMessage under withActor',
    measured: fmtMs(m.a),
    baseline: `hand-written app.save_message call: ${fmtMs(m.b)}`,
    ratio: m.a.p50 / m.b.p50,
    target: '≤ 1.10× p50',
    met: m.a.p50 / m.b.p50 <= 1.1,
  });
  return out;
}
