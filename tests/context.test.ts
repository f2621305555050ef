/**
 * Contexts inside one shared process: nested withActor / withService / withAnon cannot leak
 * role or claims, a stale legacy claim on a pooled connection changes nothing, and actor
 * transactions carry the handle's statement and lock timeouts.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withActor, withAnon, withService } from '../src/actor.js';
import { withSettings, type Db } from '../src/db.js';
import { ContextError, TimeoutError } from '../src/queries/errors.js';
import { createDocument, getDocument } from '../src/queries/documents.js';
import { rows } from '../src/queries/util.js';
import type { DbOrTx } from '../src/db.js';
import { rejectsWith } from './support/expect.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';

interface Who {
  role: string;
  uid: string | null;
  tenant: string | null;
  sub: string;
}
const who = async (tx: DbOrTx): Promise<Who> =>
  (
    await rows<Who>(
      tx,
      sql`select current_user::text as role, app.current_user_id()::text as uid,
                 app.current_tenant_id()::text as tenant,
                 coalesce(current_setting('request.jwt.claim.sub', true), '') as sub`,
    )
  )[0]!;

describeBackends('contexts', (t) => {
  let w: World;
  let docA: string;
  beforeAll(async () => {
    w = await createWorld(t().db);
    const { document } = await withActor(t().db, { userId: w.users.member, tenantId: w.tenantA }, (tx) =>
      createDocument(tx, { tenantId: w.tenantA, projectId: w.projectA, kind: 'other', title: 'secret of A', content: {} }),
    );
    docA = document.id;
  });
  const b = () => ({ userId: w.users.outsider, tenantId: w.tenantB });
  const a = () => ({ userId: w.users.member, tenantId: w.tenantA });

  it('refuses withService inside an actor transaction, so a tenant-B actor never reads tenant A', async () => {
    await withActor(t().db, b(), async (tx) => {
      await rejectsWith(
        withService(tx, (s) => getDocument(s, { tenantId: w.tenantA, documentId: docA })),
        ContextError,
      );
    });
    // and inside withAnon
    await withAnon(t().db, async (tx) => {
      await rejectsWith(withService(tx, async () => 1), ContextError);
    });
    // the actor still sees nothing of A afterwards, whatever it tries
    const after = await withActor(t().db, b(), async (tx) => {
      await withService(tx, async () => 1).catch(() => undefined);
      return rows<{ n: number }>(tx, sql`select count(*)::int as n from documents where id = ${docA}`);
    });
    expect(after[0]!.n).toBe(0);
  });

  it('nested withActor runs in a savepoint and restores the outer actor afterwards', async () => {
    await withActor(t().db, b(), async (tx) => {
      const outer = await who(tx);
      const inner = await withActor(tx, a(), async (itx) => {
        const me = await who(itx);
        const seen = await getDocument(itx, { tenantId: w.tenantA, documentId: docA });
        return { me, title: seen.title };
      });
      expect(inner.me.uid).toBe(w.users.member);
      expect(inner.title).toBe('secret of A');
      expect(await who(tx)).toEqual(outer);
      expect(outer).toMatchObject({ role: 'authenticated', uid: w.users.outsider, tenant: w.tenantB });
      const n = await rows<{ n: number }>(tx, sql`select count(*)::int as n from documents where id = ${docA}`);
      expect(n[0]!.n).toBe(0);
    });
  });

  it('restores the outer context after a nested one fails', async () => {
    await withActor(t().db, b(), async (tx) => {
      const outer = await who(tx);
      await expect(
        withActor(tx, a(), async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await who(tx)).toEqual(outer);
    });
  });

  it('withActor and withAnon inside withService restore the service role', async () => {
    await withService(t().db, async (tx) => {
      const outer = await who(tx);
      expect(outer.role).toBe('service_role');
      await withActor(tx, a(), async (itx) => expect((await who(itx)).uid).toBe(w.users.member));
      expect(await who(tx)).toEqual(outer);
      await withAnon(tx, async (itx) => expect((await who(itx)).role).toBe('anon'));
      expect(await who(tx)).toEqual(outer);
      // the service role still sees A's document
      const n = await rows<{ n: number }>(tx, sql`select count(*)::int as n from documents where id = ${docA}`);
      expect(n[0]!.n).toBe(1);
    });
  });

  it('a stale legacy claim left on the connection does not speak for the next request', async () => {
    const one: Db = t().backend === 'server' ? await t().connect(1) : t().db;
    // what a careless client (or an old PostgREST) leaves at session level on a pooled connection
    await one.execute(sql`select set_config('request.jwt.claim.sub', ${w.users.outsider}, false)`);
    try {
      const me = await withActor(one, a(), (tx) => who(tx));
      expect(me.uid).toBe(w.users.member);
      expect(me.tenant).toBe(w.tenantA);
      const anon = await withAnon(one, (tx) => who(tx));
      expect(anon.uid).toBeNull();
    } finally {
      await one.execute(sql`select set_config('request.jwt.claim.sub', '', false)`);
    }
  });

  it('actor transactions carry the handle’s statement and lock timeouts; service jobs do not', async () => {
    const strict = withSettings(t().db, { timeouts: { statementMs: 250, lockMs: 100 } });
    const settings = await withActor(strict, a(), (tx) =>
      rows<{ st: string; lt: string }>(
        tx,
        sql`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`,
      ),
    );
    expect(settings[0]).toEqual({ st: '250ms', lt: '100ms' });
    const service = await withService(strict, (tx) =>
      rows<{ st: string }>(tx, sql`select current_setting('statement_timeout') as st`),
    );
    expect(service[0]!.st).toBe('0');
    // the defaults of a handle
    const d = await withActor(t().db, a(), (tx) => rows<{ st: string }>(tx, sql`select current_setting('statement_timeout') as st`));
    expect(d[0]!.st).toBe(`${t().db.settings.timeouts.statementMs / 1000}s`);
    if (t().backend === 'server') {
      await rejectsWith(
        withActor(strict, a(), (tx) => tx.execute(sql`select pg_sleep(2)`)),
        TimeoutError,
      );
    }
  });
});

describe('settings belong to the handle', () => {
  it('validates settings', async () => {
    const { makeSettings } = await import('../src/settings.js');
    expect(() => makeSettings({ limits: { diffBytes: -1 } })).toThrow(/limits.diffBytes/);
    expect(makeSettings().caches).not.toBe(makeSettings().caches);
  });
});
