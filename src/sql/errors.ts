/**
 * SQLSTATE codes raised by the package's own triggers and functions (class "AP"), mapped to
 * typed errors by `src/queries/errors.ts`.
 */
export const SQLSTATE = {
  appendOnly: 'AP001',
  invalidTransition: 'AP002',
  insufficientCredits: 'AP003',
  locked: 'AP004',
  reviewRule: 'AP005',
  sequenceGap: 'AP006',
  forbidden: 'AP007',
  notFound: 'AP008',
  counterGuard: 'AP009',
  conflict: 'AP010',
} as const;
