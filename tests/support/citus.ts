/**
 * A fresh database on a running Citus cluster, for tests/citus.test.ts. `CITUS_URL` names a
 * database on the coordinator (superuser) whose `pg_dist_node` lists the workers; each test
 * file gets a database of its own name on every node, with citus, vector and pgcrypto, and
 * the nodes registered with its coordinator. Nothing here builds or installs Citus.
 */
import postgres from 'postgres';

export interface CitusDb {
  url: string;
  workers: { host: string; port: number }[];
  drop(): Promise<void>;
}

const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
const at = (url: string, host: string, port: number, db: string) => {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  u.pathname = `/${db}`;
  return u.toString();
};

export async function freshCitusDatabase(citusUrl: string, name: string): Promise<CitusDb> {
  const base = postgres(citusUrl, { max: 1, onnotice: () => {} });
  const nodes = await base<{ nodename: string; nodeport: number; groupid: number }[]>`
    select nodename, nodeport, groupid from pg_dist_node where isactive order by groupid`;
  await base.end();
  const coordinator = new URL(citusUrl);
  const workers = nodes.filter((n) => n.groupid !== 0).map((n) => ({ host: n.nodename, port: n.nodeport }));
  if (workers.length === 0) throw new Error('CITUS_URL: pg_dist_node lists no workers');
  const all = [{ host: coordinator.hostname, port: Number(coordinator.port || 5432) }, ...workers];
  for (const n of all) {
    const admin = postgres(at(citusUrl, n.host, n.port, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.unsafe(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const db = postgres(at(citusUrl, n.host, n.port, name), { max: 1, onnotice: () => {} });
    try {
      await db.unsafe(`create extension if not exists citus`);
      await db.unsafe(`create extension if not exists vector`);
      await db.unsafe(`create extension if not exists pgcrypto`);
    } finally {
      await db.end();
    }
  }
  const url = withDb(citusUrl, name);
  const c = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await c`select citus_set_coordinator_host(${all[0]!.host}, ${all[0]!.port})`;
    for (const w of workers) await c`select citus_add_node(${w.host}, ${w.port})`;
  } finally {
    await c.end();
  }
  return {
    url,
    workers,
    async drop() {
      for (const n of all) {
        const admin = postgres(at(citusUrl, n.host, n.port, 'postgres'), { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
        await admin.end();
      }
    },
  };
}
