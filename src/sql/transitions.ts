/** State machines enforced by triggers; TypeScript uses the same tables for its errors. */
export const TASK_TRANSITIONS = {
  // -> completed from pending / in_progress: only in a `direct` workflow (app.task_rules)
  pending: ['in_progress', 'awaiting_review', 'completed'],
  in_progress: ['awaiting_review', 'completed'],
  awaiting_review: ['completed', 'rejected', 'awaiting_clarification'],
  awaiting_clarification: ['in_progress', 'awaiting_review'],
  rejected: ['in_progress'],
  completed: ['in_progress'],
} as const satisfies Record<string, readonly string[]>;
export type TaskStatusName = keyof typeof TASK_TRANSITIONS;

export const DOCUMENT_TRANSITIONS = {
  draft: ['review'],
  review: ['draft', 'approved'],
  approved: ['archived'],
  archived: [],
} as const satisfies Record<string, readonly string[]>;
export type DocumentStatusName = keyof typeof DOCUMENT_TRANSITIONS;

export function canTransition<M extends Record<string, readonly string[]>>(
  machine: M,
  from: string,
  to: string,
): boolean {
  return from === to || (machine[from]?.includes(to) ?? false);
}

/** `(from, to)` pairs as a SQL boolean expression over `OLD.status` / `NEW.status`. */
export function transitionsSql(machine: Record<string, readonly string[]>): string {
  const pairs = Object.entries(machine).flatMap(([from, tos]) => tos.map((to) => `('${from}','${to}')`));
  return `(OLD.status::text, NEW.status::text) IN (${pairs.join(', ')})`;
}
