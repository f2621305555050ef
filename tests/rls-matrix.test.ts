/**
 * The leak matrix, generated from the declarations: every table x every kind of actor x
 * {select, insert, update, delete}. The expected outcome comes from `TABLE_ACCESS` (the same
 * declarations the policies are emitted from); the actual outcome from the database under
 * the application role. Zero unexpected allows, zero unexpected denies.
 */
import { beforeAll, expect, it } from 'vitest';
import { tablesByName } from '../src/rls/drizzle.js';
import { TABLE_ACCESS } from '../src/rls/policies.js';
import { createWorld, type World } from './support/fixtures.js';
import { describeBackends } from './support/harness.js';
import { columnRules, leakMatrix, matrixFixtures, type MatrixFixtures } from './support/matrix.js';

describeBackends('RLS leak matrix', (t) => {
  let w: World;
  let f: MatrixFixtures;

  beforeAll(async () => {
    w = await createWorld(t().db);
    f = await matrixFixtures(t().db, w);
  });

  it('has a fixture row for every declared table, and a declaration for every table', () => {
    const declared = TABLE_ACCESS.map((a) => a.table).sort();
    expect([...tablesByName.keys()].sort()).toEqual(declared);
    expect([...f.fixtures.keys()].sort()).toEqual(declared);
  });

  it('allows and denies exactly what the declarations say', async () => {
    const { checked, mismatches } = await leakMatrix(t().db, w, f);
    expect(checked).toBe(TABLE_ACCESS.length * 8 * 4);
    expect(mismatches).toEqual([]);
  });

  it('column rules per actor: columns outside a table’s updatable set and hidden columns are refused to everyone', async () => {
    const { checked, mismatches } = await columnRules(t().db, w, f);
    expect(checked).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });
});
