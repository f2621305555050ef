/**
 * Typed errors of the package. Every operation throws one of these (or rethrows an
 * unexpected driver error untouched); each has a literal `code` and keeps the `cause`.
 */
import type { z } from 'zod';
import { SQLSTATE } from '../sql/errors.js';

export abstract class DbError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input failed validation; `issues` are zod's, naming the fields. Nothing was written. */
export class ValidationError extends DbError {
  readonly code = 'VALIDATION' as const;
  constructor(
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(
      issues.length
        ? `${message}: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`
        : message,
      options,
    );
  }
}

/** The row does not exist or the actor may not see it (never a leak of existence). */
export class NotFoundError extends DbError {
  readonly code = 'NOT_FOUND' as const;
}

/** A concurrent change won (stale `expectedRev`, duplicate key). `current` says what is there now. */
export class ConflictError extends DbError {
  readonly code = 'CONFLICT' as const;
  constructor(
    message: string,
    readonly current?: unknown,
    options?: { cause?: unknown; constraint?: string },
  ) {
    super(message, options);
    this.constraint = options?.constraint;
  }
  readonly constraint: string | undefined;
}

/** The actor's role does not allow this (RLS or a rule the database enforces). */
export class ForbiddenError extends DbError {
  readonly code = 'FORBIDDEN' as const;
}

/** A state machine refused the move. */
export class InvalidTransitionError extends DbError {
  readonly code = 'INVALID_TRANSITION' as const;
  constructor(
    message: string,
    readonly from?: string,
    readonly to?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A database constraint refused the row; `constraint` names it. */
export class ConstraintError extends DbError {
  readonly code = 'CONSTRAINT' as const;
  constructor(
    message: string,
    readonly constraint: string | undefined,
    readonly sqlState: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** History is append-only. */
export class AppendOnlyError extends DbError {
  readonly code = 'APPEND_ONLY' as const;
}

/** The credit balance or a quota does not cover the request. */
export class InsufficientCreditsError extends DbError {
  readonly code = 'INSUFFICIENT_CREDITS' as const;
}

/** A quota does not cover the use (`recordUsageWithinQuota`); nothing was recorded. */
export class QuotaExceededError extends DbError {
  readonly code = 'QUOTA_EXCEEDED' as const;
  constructor(
    message: string,
    readonly decision: { limit: number | null; used: number; remaining: number | null },
  ) {
    super(message);
  }
}

/** The document is locked. */
export class LockedError extends DbError {
  readonly code = 'LOCKED' as const;
}

/** A context switch that is not allowed (the service role inside an actor's transaction). */
export class ContextError extends DbError {
  readonly code = 'CONTEXT' as const;
}

/**
 * The input would cost more than a configured limit (`limit` names it, e.g. `limits.diffBytes`);
 * refused before the work was done, nothing written.
 */
export class LimitError extends DbError {
  readonly code = 'LIMIT' as const;
  constructor(
    message: string,
    readonly limit: string,
    readonly value?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A statement or lock timeout, or the server cancelled the query. */
export class TimeoutError extends DbError {
  readonly code = 'TIMEOUT' as const;
}

export type PackageError =
  | ValidationError
  | NotFoundError
  | ConflictError
  | ForbiddenError
  | InvalidTransitionError
  | ConstraintError
  | AppendOnlyError
  | InsufficientCreditsError
  | QuotaExceededError
  | LockedError
  | TimeoutError
  | ContextError
  | LimitError;

interface PgErrorLike {
  code?: string;
  message?: string;
  constraint?: string;
  constraint_name?: string;
  table?: string;
  table_name?: string;
}

/** Finds the PostgreSQL error under drizzle's wrapper (drizzle wraps driver errors as `cause`). */
export function pgError(err: unknown): PgErrorLike | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as PgErrorLike).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as PgErrorLike;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps a database error to the package's typed error; returns the input when it is not a
 * known database condition (a bug or an outage should not be disguised).
 */
export function mapDbError(err: unknown): unknown {
  if (err instanceof DbError) return err;
  const pg = pgError(err);
  if (!pg?.code) return err;
  const message = pg.message ?? 'database error';
  const constraint = pg.constraint ?? pg.constraint_name;
  switch (pg.code) {
    case SQLSTATE.appendOnly:
      return new AppendOnlyError(message, { cause: err });
    case SQLSTATE.invalidTransition:
      return new InvalidTransitionError(message, undefined, undefined, { cause: err });
    case SQLSTATE.insufficientCredits:
      return new InsufficientCreditsError(message, { cause: err });
    case SQLSTATE.locked:
      return new LockedError(message, { cause: err });
    case SQLSTATE.reviewRule:
    case SQLSTATE.sequenceGap:
    case SQLSTATE.counterGuard:
    case SQLSTATE.conflict:
      return new ConflictError(message, undefined, { cause: err });
    case SQLSTATE.forbidden:
    case '42501': // insufficient_privilege / row-level security
      return new ForbiddenError(message, { cause: err });
    case SQLSTATE.notFound:
      return new NotFoundError(message, { cause: err });
    case '23505': // unique_violation
      return new ConflictError(message, undefined, { cause: err, ...(constraint ? { constraint } : {}) });
    case '23503': // foreign_key_violation: the parent is missing or in another tenant
    case '23502': // not_null_violation
    case '23514': // check_violation
    case '23P01': // exclusion_violation
    case '22001': // string too long
    case '22003': // numeric out of range
    case '22P02': // invalid text representation
    case '22023': // invalid parameter value
    case '22021': // invalid byte sequence (e.g. NUL)
    case '22P05': // untranslatable character
    case '2202E': // array subscript error
    case '22007': // invalid datetime format
    case '22008': // datetime field overflow
    case '54000': // program limit exceeded (e.g. too deep JSON)
      return new ConstraintError(message, constraint, pg.code, { cause: err });
    case '57014': // query_canceled (statement_timeout)
    case '55P03': // lock_not_available (lock_timeout)
      return new TimeoutError(message, { cause: err });
    default:
      return err;
  }
}

/** Runs `fn`, rethrowing database errors as typed errors. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapDbError(err);
  }
}
