/**
 * A separate process that runs one operation and whose backend the fault tests kill. A
 * separate process, because the driver does not survive its backend dying inside a
 * transaction (postgres.js 3.4.9 throws from its socket writer): the client's fate is not
 * the point, the database's state is.
 *
 * argv[2]: JSON { url, app, op, params, actor?: { userId, tenantId } } — actor absent: service role.
 */
import { withActor, withService } from '../../src/actor.js';
import { createDb } from '../../src/db.js';
import * as q from '../../src/queries/index.js';

const { url, app, op, params, actor } = JSON.parse(process.argv[2]!) as {
  url: string;
  app: string;
  op: keyof typeof q;
  params: unknown;
  actor?: { userId: string; tenantId: string };
};
const db = await createDb(url, { max: 1, connection: { application_name: app } });
const fn = q[op] as unknown as (tx: unknown, p: unknown) => Promise<unknown>;
try {
  const out = actor
    ? await withActor(db, actor, (tx) => fn(tx, params))
    : await withService(db, (tx) => fn(tx, params));
  process.stdout.write(JSON.stringify({ ok: true, out }));
  await db.close();
  process.exit(0);
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: String((err as Error).message ?? err).split('\n')[0] }));
  process.exit(3);
}
