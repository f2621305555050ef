/**
 * Actor operations can never switch role: nothing under src/queries opens a service-role
 * transaction; service work lives in src/jobs and takes the root handle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = (p: string) => join(import.meta.dirname, '..', 'src', p);

describe('layering', () => {
  it('no actor operation (src/queries) imports or calls withService', () => {
    const offenders = readdirSync(dir('queries'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\bwithService\b/.test(readFileSync(join(dir('queries'), f), 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')));
    expect(offenders).toEqual([]);
  });
  it('every job takes the root Db handle, never a transaction', () => {
    for (const f of readdirSync(dir('jobs')).filter((x) => x.endsWith('.ts') && x !== 'index.ts')) {
      const src = readFileSync(join(dir('jobs'), f), 'utf8');
      for (const m of src.matchAll(/export async function (\w+)\(\s*db: (\w+)/g)) expect(`${m[1]}: ${m[2]}`).toBe(`${m[1]}: Db`);
    }
  });
});
