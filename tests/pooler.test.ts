/**
 * Behind a transaction pooler (PgBouncer 1.18 in transaction mode, started by .ci/run): with
 * the defaults, 16 concurrent request loops over 2 tenants × 4 users run with no error and no
 * leak — the actor is checked at the start and end of every transaction, every row read
 * belongs to the actor's tenant, and what a transaction wrote is there after commit.
 * (Before: the default `createDb(url)` failed 61 % of these transactions with SQLSTATE 26000,
 * because named prepared statements do not survive a change of server connection.)
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { createDb } from '../src/db.js';
import { createDocument, getDocument } from '../src/queries/documents.js';
import { pgError } from '../src/queries/errors.js';
import { rows } from '../src/queries/util.js';
import * as s from '../src/schema/index.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

const BOUNCER = process.env.PGBOUNCER_URL ?? '';
const LOOPS = 16;
const SECONDS = Number(process.env.AIPDB_POOLER_SECONDS ?? 10);

/** The scratch database's URL, through PgBouncer's port. */
const viaBouncer = (url: string) => {
  const u = new URL(url);
  u.port = new URL(BOUNCER).port;
  return u.toString();
};

if (!BOUNCER) {
  const reason = 'PGBOUNCER_URL is not set (scripts/setup-pgbouncer.sh starts one; .ci/run does)';
  console.log(`[pooler] skipped: ${reason}`);
  describe.skip(`pooler — skipped: ${reason}`, () => it('runs in CI', () => {}));
} else {
  describeBackends(
    'transaction pooler (PgBouncer)',
    (t) => {
      let w: World;
      const actors: { userId: string; tenantId: string }[] = [];
      beforeAll(async () => {
        const { db } = t();
        w = await createWorld(db);
        // 2 tenants x 4 users who may write documents (tenant owners and admins)
        const extra = await db
          .insert(s.users)
          .values(Array.from({ length: 5 }, (_, i) => ({ email: `pool-${i}-${w.tenantA}@example.test` })))
          .returning();
        await db.insert(s.tenantMemberships).values([
          { tenantId: w.tenantA, userId: extra[0]!.id, role: 'admin' },
          { tenantId: w.tenantA, userId: extra[1]!.id, role: 'admin' },
          { tenantId: w.tenantB, userId: extra[2]!.id, role: 'admin' },
          { tenantId: w.tenantB, userId: extra[3]!.id, role: 'admin' },
          { tenantId: w.tenantB, userId: extra[4]!.id, role: 'admin' },
        ]);
        for (const userId of [w.users.owner, w.users.admin, extra[0]!.id, extra[1]!.id])
          actors.push({ userId, tenantId: w.tenantA });
        for (const userId of [w.users.outsider, extra[2]!.id, extra[3]!.id, extra[4]!.id])
          actors.push({ userId, tenantId: w.tenantB });
      });

      it('detects the pooler and sends no named prepared statements through it', async () => {
        const db = await createDb(viaBouncer(t().url!), { max: 2 });
        try {
          expect(db.preparedStatements).toBe(false);
        } finally {
          await db.close();
        }
        const direct = await createDb(t().url!, { max: 1 });
        try {
          expect(direct.preparedStatements).toBe(true);
        } finally {
          await direct.close();
        }
      });

      it(`${LOOPS} request loops for ${SECONDS} s with the defaults: no error, no leak`, async () => {
        const db = await createDb(viaBouncer(t().url!), { max: LOOPS });
        const project = { [w.tenantA]: w.projectA, [w.tenantB]: w.projectB };
        const errors: string[] = [];
        const leaks: string[] = [];
        let done = 0;
        const deadline = Date.now() + SECONDS * 1000;
        const loop = async (n: number) => {
          let i = 0;
          while (Date.now() < deadline) {
            const actor = actors[(n + i++) % actors.length]!;
            const title = `loop ${n} #${i}`;
            try {
              const id = await withActor(db, actor, async (tx) => {
                const check = async (when: string) => {
                  const [me] = await rows<{ uid: string | null; tenant: string | null; role: string }>(
                    tx,
                    sql`select app.current_user_id()::text as uid, app.current_tenant_id()::text as tenant, current_user::text as role`,
                  );
                  if (me!.uid !== actor.userId || me!.tenant !== actor.tenantId || me!.role !== 'authenticated')
                    leaks.push(`${when}: ${JSON.stringify(me)} for ${JSON.stringify(actor)}`);
                };
                await check('start');
                const foreign = await rows<{ n: number }>(
                  tx,
                  sql`select count(*)::int as n from documents where tenant_id <> ${actor.tenantId}`,
                );
                if (foreign[0]!.n !== 0) leaks.push(`read ${foreign[0]!.n} rows of another tenant`);
                const { document } = await createDocument(tx, {
                  tenantId: actor.tenantId,
                  projectId: project[actor.tenantId]!,
                  kind: 'other',
                  title,
                  content: { n, i },
                });
                await check('end');
                return document.id;
              });
              // after commit: there for the writer's tenant
              const seen = await withActor(db, actor, (tx) =>
                getDocument(tx, { tenantId: actor.tenantId, documentId: id }),
              );
              if (seen.title !== title) leaks.push(`after commit: read ${seen.title}, wrote ${title}`);
              done++;
            } catch (err) {
              errors.push(`${pgError(err)?.code ?? ''} ${(err as Error).message}`.slice(0, 200));
            }
          }
        };
        try {
          await Promise.all(Array.from({ length: LOOPS }, (_, n) => loop(n)));
        } finally {
          await db.close();
        }
        console.log(`[pooler] ${done} request transactions through PgBouncer, ${errors.length} errors, ${leaks.length} leaks`);
        expect(errors.slice(0, 5)).toEqual([]);
        expect(leaks.slice(0, 5)).toEqual([]);
        expect(done).toBeGreaterThan(LOOPS * 5);
      });
    },
    { serverOnly: 'needs a server and PgBouncer' },
  );
}
