/**
 * Which databases the tests run on. PGlite always; a server when DATABASE_URL is set, else a
 * pgvector container when a Docker engine is reachable (testcontainers).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '../../src/db.js';

export type Backend = 'embedded' | 'server';

/** Changes whenever a migration or migrate() changes: names the PGlite dump and the server template. */
export function migrationsHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name === 'meta') walk(p);
      else if (name.endsWith('.sql') || name.endsWith('.json')) h.update(name).update(readFileSync(p));
    }
  };
  walk(MIGRATIONS_FOLDER);
  // how migrate() applies them (e.g. which journal table) changes the template too
  h.update(readFileSync(new URL('../../src/db.ts', import.meta.url)));
  return h.digest('hex').slice(0, 12);
}

/** True when a Docker engine answers on its socket within a second. */
export async function dockerReachable(): Promise<boolean> {
  const socketPath = process.env.DOCKER_HOST?.startsWith('unix://')
    ? process.env.DOCKER_HOST.slice('unix://'.length)
    : '/var/run/docker.sock';
  if (process.env.DOCKER_HOST && !process.env.DOCKER_HOST.startsWith('unix://')) return true;
  if (!existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
