import { expect } from 'vitest';
import { mapDbError, pgError } from '../../src/queries/errors.js';

/** Awaits `p`, expects it to fail, and returns the typed error it maps to. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return mapDbError(err);
  }
  throw new Error('expected the operation to be refused, but it succeeded');
}

export async function rejectsWith<T>(p: Promise<unknown>, cls: abstract new (...args: never[]) => T): Promise<T> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(cls);
  return err as T;
}

/** The SQLSTATE of a failed promise. */
export async function sqlState(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return pgError(err)?.code;
  }
  return undefined;
}

/** Rows of a drizzle `execute` on either driver. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? result) as T[];
}
