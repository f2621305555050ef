/**
 * Task review: deliverable schemas and deliverables, tasks, submitted versions, reviews,
 * the review queue and a task's history; AI-agent tasks with progress and an append-only log.
 *
 * The status machine (TASK_TRANSITIONS) is enforced by the database (trigger
 * `app.task_status_guard`) and checked here first for a precise InvalidTransitionError.
 * Version numbers are assigned by the database; review rules (latest version only, never the
 * author, reviewer role, one decision per reviewer) by `app.review_guard`; every creation,
 * assignment, transition, submission and review is recorded as a task event by trigger.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { RE2JS } from 're2js';
import { settingsOf } from '../settings.js';
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import { agentTaskLogs, agentTasks, agentTaskStatus, logLevel, type AgentTask } from '../schema/agents.js';
import {
  deliverables,
  deliverableSchemas,
  deliverableType,
  reviewDecision,
  reviews,
  taskEvents,
  tasks,
  taskVersions,
  type Deliverable,
  type DeliverableSchema,
  type Review,
  type Task,
  type TaskEvent,
  type TaskVersion,
} from '../schema/work.js';
import { canTransition, TASK_TRANSITIONS, type TaskStatusName } from '../sql/transitions.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  LimitError,
  NotFoundError,
  ValidationError,
} from './errors.js';
import { atomic, cursorTimestamp, id, jsonValue, nonBlank, pageSize, parse, pgArray, pgText, rows, single } from './util.js';

const ACTOR = sql`app.current_user_id()`;

/** Sets the reason recorded with the task events of this transaction. */
async function note(tx: DbOrTx, text: string | undefined): Promise<void> {
  if (text !== undefined) await tx.execute(sql`select set_config('app.task_note', ${text}, true)`);
}

// ---------------------------------------------------------------- deliverable schemas
/**
 * A risk rule: when the value at `path` (dot-separated, in output_data) satisfies `op` and
 * `value`, `weight` is added to the risk score (capped at 1).
 */
export const riskRule = z.strictObject({
  path: z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a dot-separated path of names'),
  op: z.enum(['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'exists', 'missing']),
  value: jsonValue.optional(),
  weight: z.number().min(0).max(1),
  reason: pgText(500).optional(),
});
export type RiskRule = z.infer<typeof riskRule>;

export const createDeliverableSchemaParams = z.strictObject({
  tenantId: id,
  name: nonBlank(200),
  inputSchema: z.record(z.string(), jsonValue).default({}),
  workflowSteps: z.array(jsonValue).default([]),
  outputSchema: z.record(z.string(), jsonValue).default({}),
  riskRules: z.array(riskRule).default([]),
});

/**
 * `pattern` / `patternProperties` of user-authored schemas run on RE2 (re2js: linear time in
 * the input, no backtracking), so a tenant admin's `^(a+)+$` cannot freeze the process;
 * patterns RE2 cannot run (backreferences, lookaround) are refused when the schema is saved.
 */
const re2Engine = Object.assign(
  (pattern: string, flags: string) => {
    const re = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    return { test: (s: string) => re.matcher(s).find() };
  },
  { code: 'RE2JS' },
);
const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: re2Engine } });

/** A compiled validator of a user-authored JSON Schema, checked against the handle's limits. */
function validatorFor(db: DbOrTx, schema: unknown): ValidateFunction {
  const { limits, caches } = settingsOf(db);
  const key = JSON.stringify(schema);
  if (key.length > limits.schemaBytes)
    throw new LimitError(`a JSON Schema of ${key.length} bytes exceeds limits.schemaBytes (${limits.schemaBytes})`, 'limits.schemaBytes', key.length);
  let v = caches.validators.get(key);
  if (!v) {
    for (const p of patternsOf(schema)) {
      if (p.length > limits.patternLength)
        throw new LimitError(`a pattern of ${p.length} characters exceeds limits.patternLength (${limits.patternLength})`, 'limits.patternLength', p.length);
    }
    v = ajv.compile(schema as object);
    if (caches.validators.size >= 500) caches.validators.delete(caches.validators.keys().next().value!);
    caches.validators.set(key, v);
  }
  return v;
}

/** Every `pattern` and `patternProperties` key in a schema (iterative: depth is not a risk). */
function patternsOf(schema: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [schema];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      stack.push(...x);
      continue;
    }
    for (const [k, v] of Object.entries(x)) {
      if (k === 'pattern' && typeof v === 'string') out.push(v);
      if (k === 'patternProperties' && v && typeof v === 'object') out.push(...Object.keys(v));
      stack.push(v);
    }
  }
  return out;
}

/** Registers a deliverable schema (seed 000): input/output JSON Schemas, workflow steps, risk rules. */
export async function createDeliverableSchema(
  db: DbOrTx,
  params: z.input<typeof createDeliverableSchemaParams>,
): Promise<DeliverableSchema> {
  const p = parse(createDeliverableSchemaParams, params, 'deliverable schema');
  for (const [field, schema] of [
    ['inputSchema', p.inputSchema],
    ['outputSchema', p.outputSchema],
  ] as const) {
    try {
      validatorFor(db, schema);
    } catch (err) {
      if (err instanceof LimitError) throw err;
      throw new ValidationError('invalid deliverable schema', [
        {
          code: 'custom',
          path: [field],
          message: `not a valid JSON Schema: ${(err as Error).message}`,
          input: undefined,
        },
      ]);
    }
  }
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(deliverableSchemas)
      .values({ ...p, inputSchema: p.inputSchema, outputSchema: p.outputSchema })
      .returning();
    return row!;
  });
}

export const createDeliverableParams = z.strictObject({
  tenantId: id,
  projectId: id,
  name: nonBlank(200),
  type: z.enum(deliverableType.enumValues),
  schemaId: id.optional(),
  /** Overrides the project's workflow for this deliverable's tasks (seed 000 review, seed 003 direct). */
  taskWorkflow: z.enum(['review', 'direct']).optional(),
  /** Overrides the project's required approvals (1..10). */
  requiredApprovals: z.number().int().min(1).max(10).optional(),
});

export async function createDeliverable(
  db: DbOrTx,
  params: z.input<typeof createDeliverableParams>,
): Promise<Deliverable> {
  const p = parse(createDeliverableParams, params, 'deliverable');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(deliverables)
      .values({
        ...p,
        schemaId: p.schemaId ?? null,
        taskWorkflow: p.taskWorkflow ?? null,
        requiredApprovals: p.requiredApprovals ?? null,
      })
      .returning();
    return row!;
  });
}

// ---------------------------------------------------------------- tasks
export const createTaskParams = z.strictObject({
  tenantId: id,
  projectId: id,
  deliverableId: id.optional(),
  title: nonBlank(500),
  description: pgText(20_000).optional(),
  phase: z.number().int().min(0).max(10_000).optional(),
  assigneeId: id.optional(),
  dueDate: z.iso.date().optional(),
});

/** A task under a project (and optionally a deliverable of it), pending. */
export async function createTask(db: DbOrTx, params: z.input<typeof createTaskParams>): Promise<Task> {
  const p = parse(createTaskParams, params, 'task');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(tasks)
      .values({
        tenantId: p.tenantId,
        projectId: p.projectId,
        deliverableId: p.deliverableId ?? null,
        title: p.title,
        description: p.description ?? null,
        phase: p.phase ?? null,
        assigneeId: p.assigneeId ?? null,
        dueDate: p.dueDate ?? null,
        createdBy: ACTOR,
      })
      .returning();
    return row!;
  });
}

const taskKey = z.strictObject({ tenantId: id, taskId: id });
export type TaskKey = z.input<typeof taskKey>;

async function lockTask(tx: DbOrTx, key: { tenantId: string; taskId: string }): Promise<Task> {
  const [row] = await tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantId, key.tenantId), eq(tasks.id, key.taskId)))
    .for('update');
  if (row) return row;
  const [visible] = await tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.tenantId, key.tenantId), eq(tasks.id, key.taskId)));
  if (visible) throw new ForbiddenError(`you may see task ${key.taskId} but not change it`);
  throw new NotFoundError(`task ${key.taskId} not found`);
}

function assertTransition(task: Task, to: TaskStatusName): void {
  if (!canTransition(TASK_TRANSITIONS, task.status, to) || task.status === to) {
    throw new InvalidTransitionError(`a task cannot go from ${task.status} to ${to}`, task.status, to);
  }
}

async function moveTask(tx: DbOrTx, task: Task, to: TaskStatusName): Promise<Task> {
  assertTransition(task, to);
  const [row] = await tx
    .update(tasks)
    .set({ status: to })
    .where(and(eq(tasks.tenantId, task.tenantId), eq(tasks.id, task.id)))
    .returning();
  return row!;
}

/** Assigns (or, with null, unassigns) a task. */
export async function assignTask(
  db: DbOrTx,
  params: TaskKey & { assigneeId: string | null; note?: string },
): Promise<Task> {
  const p = parse(taskKey.extend({ assigneeId: id.nullable(), note: pgText(2000).optional() }), params, 'assignment');
  return atomic(db, async (tx) => {
    await note(tx, p.note);
    const task = await lockTask(tx, p);
    const [row] = await tx
      .update(tasks)
      .set({ assigneeId: p.assigneeId })
      .where(and(eq(tasks.tenantId, task.tenantId), eq(tasks.id, task.id)))
      .returning();
    return row!;
  });
}

/** Starts work: pending → in_progress (also reworks a task awaiting clarification). */
export async function startTask(db: DbOrTx, params: TaskKey & { note?: string }): Promise<Task> {
  const p = parse(taskKey.extend({ note: pgText(2000).optional() }), params, 'task');
  return atomic(db, async (tx) => {
    await note(tx, p.note);
    return moveTask(tx, await lockTask(tx, p), 'in_progress');
  });
}

/** Reopens a rejected or completed task: → in_progress. */
export async function reopenTask(db: DbOrTx, params: TaskKey & { note?: string }): Promise<Task> {
  const p = parse(taskKey.extend({ note: pgText(2000).optional() }), params, 'task');
  return atomic(db, async (tx) => {
    await note(tx, p.note);
    const task = await lockTask(tx, p);
    if (task.status !== 'rejected' && task.status !== 'completed') {
      throw new InvalidTransitionError(
        `only a rejected or completed task can be reopened (it is ${task.status})`,
        task.status,
        'in_progress',
      );
    }
    return moveTask(tx, task, 'in_progress');
  });
}

// ---------------------------------------------------------------- submissions
const getPath = (obj: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );

/** The risk score of an output under a deliverable schema's rules: the capped sum of matching weights. */
export function computeRiskScore(output: unknown, rules: readonly RiskRule[]): number {
  let score = 0;
  for (const r of rules) {
    const v = getPath(output, r.path);
    const num = typeof v === 'number' && typeof r.value === 'number';
    const hit =
      r.op === 'exists'
        ? v !== undefined
        : r.op === 'missing'
          ? v === undefined
          : r.op === 'eq'
            ? JSON.stringify(v) === JSON.stringify(r.value)
            : r.op === 'neq'
              ? JSON.stringify(v) !== JSON.stringify(r.value)
              : num &&
                ((r.op === 'gt' && (v as number) > (r.value as number)) ||
                  (r.op === 'gte' && (v as number) >= (r.value as number)) ||
                  (r.op === 'lt' && (v as number) < (r.value as number)) ||
                  (r.op === 'lte' && (v as number) <= (r.value as number)));
    if (hit) score += r.weight;
  }
  return Math.min(1, Math.round(score * 1e6) / 1e6);
}

export const submitVersionParams = taskKey.extend({
  inputData: z.record(z.string(), jsonValue).default({}),
  outputData: z.record(z.string(), jsonValue),
  /** 0..1; computed from the deliverable schema's risk rules when omitted. */
  riskScore: z.number().min(0).max(1).optional(),
  note: pgText(2000).optional(),
});
export type SubmitVersionParams = z.input<typeof submitVersionParams>;

/**
 * Submits a version of the task's work (the next number, assigned by the database) and moves
 * the task to awaiting_review. The output is validated against the deliverable schema's
 * output JSON Schema when there is one.
 */
export async function submitVersion(
  db: DbOrTx,
  params: SubmitVersionParams,
): Promise<{ task: Task; version: TaskVersion }> {
  const p = parse(submitVersionParams, params, 'submission');
  return atomic(db, async (tx) => {
    await note(tx, p.note);
    const task = await lockTask(tx, p);
    assertTransition(task, 'awaiting_review');
    let riskScore = p.riskScore;
    if (task.deliverableId) {
      const [schema] = await tx
        .select({ outputSchema: deliverableSchemas.outputSchema, riskRules: deliverableSchemas.riskRules })
        .from(deliverables)
        .innerJoin(
          deliverableSchemas,
          and(eq(deliverableSchemas.tenantId, deliverables.tenantId), eq(deliverableSchemas.id, deliverables.schemaId)),
        )
        .where(and(eq(deliverables.tenantId, task.tenantId), eq(deliverables.id, task.deliverableId)));
      if (schema) {
        let validate: ValidateFunction;
        try {
          validate = validatorFor(tx, schema.outputSchema);
        } catch (err) {
          if (err instanceof LimitError) throw err;
          // a schema stored before patterns ran on RE2 may use what RE2 cannot run
          throw new ValidationError(`the deliverable schema cannot be used: ${(err as Error).message}`);
        }
        if (!validate(p.outputData)) {
          throw new ValidationError(
            'output does not match the deliverable schema',
            (validate.errors ?? []).map((e) => ({
              code: 'custom' as const,
              path: ['outputData', ...e.instancePath.split('/').filter(Boolean)],
              message: e.message ?? 'invalid',
              input: undefined,
            })),
          );
        }
        riskScore ??= computeRiskScore(p.outputData, z.array(riskRule).catch([]).parse(schema.riskRules));
      }
    }
    const [version] = await tx
      .insert(taskVersions)
      .values({
        tenantId: task.tenantId,
        taskId: task.id,
        projectId: task.projectId,
        version: 0,
        inputData: p.inputData,
        outputData: p.outputData,
        riskScore: riskScore ?? null,
        createdBy: ACTOR,
      })
      .returning();
    const moved = await moveTask(tx, { ...task, currentVersion: version!.version }, 'awaiting_review');
    return { task: moved, version: version! };
  });
}

// ---------------------------------------------------------------- reviews
export const reviewVersionParams = taskKey.extend({
  version: z.number().int().min(1),
  decision: z.enum(reviewDecision.enumValues),
  comments: pgText(20_000).optional(),
});
export type ReviewVersionParams = z.input<typeof reviewVersionParams>;

const OUTCOME: Record<(typeof reviewDecision.enumValues)[number], TaskStatusName> = {
  approve: 'completed',
  reject: 'rejected',
  request_changes: 'awaiting_clarification',
};

/**
 * Decides on the latest version: approve → completed, reject → rejected, request changes →
 * awaiting_clarification. The reviewer is the acting user, never the version's author, and
 * must be a tenant admin or hold a reviewing role (reviewer, lead, manager, owner) in the
 * project. Two reviewers racing: the task row is locked, the second finds it decided.
 */
export async function reviewVersion(db: DbOrTx, params: ReviewVersionParams): Promise<{ task: Task; review: Review }> {
  const p = parse(reviewVersionParams, params, 'review');
  return atomic(db, async (tx) => {
    await note(tx, p.comments);
    const task = await lockTask(tx, p);
    if (task.status !== 'awaiting_review') {
      throw new InvalidTransitionError(
        `task ${task.id} is not awaiting review (it is ${task.status})`,
        task.status,
        OUTCOME[p.decision],
      );
    }
    if (p.version !== task.currentVersion) {
      throw new ConflictError(`only the latest version (${task.currentVersion}) can be reviewed, not ${p.version}`, {
        version: task.currentVersion,
      });
    }
    const [author] = await rows<{ created_by: string | null; me: string | null }>(
      tx,
      sql`select created_by, app.current_user_id() as me from task_versions
          where tenant_id = ${task.tenantId} and task_id = ${task.id} and version = ${p.version}`,
    );
    if (author?.me && author.created_by === author.me)
      throw new ForbiddenError('the author of a version cannot review it');
    const [review] = await tx
      .insert(reviews)
      .values({
        tenantId: task.tenantId,
        taskId: task.id,
        projectId: task.projectId,
        version: p.version,
        reviewerId: ACTOR,
        decision: p.decision,
        comments: p.comments ?? null,
      })
      .returning();
    // the database moved the task with the decision (app.review_guard), whoever reviews
    const [moved] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.tenantId, task.tenantId), eq(tasks.id, task.id)));
    return { task: moved!, review: review! };
  });
}

// ---------------------------------------------------------------- queue and history
export const reviewQueueParams = z.strictObject({
  tenantId: id,
  /** Keyset cursor from the previous page (`next`). */
  after: z.strictObject({ submittedAt: cursorTimestamp, taskId: id }).optional(),
  limit: pageSize,
  projectId: id.optional(),
});
export type ReviewQueueParams = z.input<typeof reviewQueueParams>;

/** The exact submission time as PostgreSQL prints it (microseconds kept) and the task. */
export interface ReviewQueueCursor {
  submittedAt: string;
  taskId: string;
}

export interface ReviewQueueItem {
  taskId: string;
  title: string;
  projectId: string;
  deliverableId: string | null;
  deliverableName: string | null;
  version: number;
  riskScore: number | null;
  submittedBy: string | null;
  submittedAt: Date;
}

/**
 * Versions awaiting a review this actor may give, oldest request first (when the task entered
 * awaiting_review, stamped by the database: an index range scan), keyset-paginated:
 * tasks awaiting review in projects where the actor reviews (or any, for tenant admins),
 * not authored by the actor.
 */
export async function reviewQueue(
  db: DbOrTx,
  params: ReviewQueueParams,
): Promise<{ items: ReviewQueueItem[]; next: ReviewQueueCursor | undefined }> {
  const p = parse(reviewQueueParams, params, 'review queue query');
  return single(db, async (tx) => {
    const list = await rows<{
      task_id: string;
      title: string;
      project_id: string;
      deliverable_id: string | null;
      deliverable_name: string | null;
      version: number;
      risk_score: number | null;
      submitted_by: string | null;
      submitted_at: string | Date;
      cursor_ts: string;
    }>(
      tx,
      sql`select t.id as task_id, t.title, t.project_id, t.deliverable_id, d.name as deliverable_name,
                 v.version, v.risk_score, v.created_by as submitted_by, v.created_at as submitted_at,
                 t.review_requested_at::text as cursor_ts
          -- the awaiting tasks in queue order straight from tasks_review_queue_idx, each
          -- looked up (LATERAL … LIMIT 1: a nested loop driven by that index, never a join
          -- from the versions side and a sort of every awaiting task — RLS makes the planner
          -- guess one visible version, measured 10.8 ms vs 0.9 ms at 10k awaiting) with its
          -- latest version; the walk stops at the page's end
          from (select * from tasks
                where tenant_id = ${p.tenantId} and status = 'awaiting_review'
                  ${p.after ? sql`and (review_requested_at, id) > (${p.after.submittedAt}::timestamptz, ${p.after.taskId}::uuid)` : sql``}
                  ${p.projectId ? sql`and project_id = ${p.projectId}` : sql``}
                order by review_requested_at, id) t
          cross join lateral (
            select v.version, v.risk_score, v.created_by, v.created_at from task_versions v
            where v.tenant_id = t.tenant_id and v.task_id = t.id and v.version = t.current_version
              and v.created_by is distinct from (select app.current_user_id())
            limit 1) v
          left join lateral (
            select d.name from deliverables d where d.tenant_id = t.tenant_id and d.id = t.deliverable_id limit 1) d on true
          where ((select app.has_tenant_role('admin')) or t.project_id = any ((select app.my_project_ids('reviewer'))::uuid[]))
          order by t.review_requested_at, t.id
          limit ${p.limit + 1}`,
    );
    const items = list.slice(0, p.limit).map((r) => ({
      taskId: r.task_id,
      title: r.title,
      projectId: r.project_id,
      deliverableId: r.deliverable_id,
      deliverableName: r.deliverable_name,
      version: r.version,
      riskScore: r.risk_score === null ? null : Number(r.risk_score),
      submittedBy: r.submitted_by,
      submittedAt: new Date(r.submitted_at),
    }));
    const last = list[p.limit - 1];
    return {
      items,
      next: list.length > p.limit && last ? { submittedAt: last.cursor_ts, taskId: last.task_id } : undefined,
    };
  });
}

export interface TaskHistory {
  task: Task;
  versions: TaskVersion[];
  reviews: Review[];
  events: TaskEvent[];
}

/** A task with its versions, reviews and events, each in order. */
export async function taskHistory(db: DbOrTx, params: TaskKey): Promise<TaskHistory> {
  const p = parse(taskKey, params, 'task key');
  return atomic(db, async (tx) => {
    const [task] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.tenantId, p.tenantId), eq(tasks.id, p.taskId)));
    if (!task) throw new NotFoundError(`task ${p.taskId} not found`);
    const where = <T extends typeof taskVersions | typeof reviews | typeof taskEvents>(t: T) =>
      and(eq(t.tenantId, p.tenantId), eq(t.taskId, p.taskId));
    const [versions, revs, events] = [
      await tx.select().from(taskVersions).where(where(taskVersions)).orderBy(asc(taskVersions.version)),
      await tx.select().from(reviews).where(where(reviews)).orderBy(asc(reviews.createdAt), asc(reviews.id)),
      await tx
        .select()
        .from(taskEvents)
        .where(where(taskEvents))
        .orderBy(asc(taskEvents.createdAt), asc(taskEvents.id)),
    ];
    return { task, versions, reviews: revs, events };
  });
}

// ---------------------------------------------------------------- agent tasks (seed 002)
export const createAgentTaskParams = z.strictObject({
  tenantId: id,
  projectId: id.optional(),
  prompt: nonBlank(50_000),
  repoUrl: pgText(2000).optional(),
  selectedAgent: nonBlank(100).optional(),
  selectedModel: pgText(200).optional(),
  branchName: pgText(300).optional(),
});

/** An AI agent task owned by the acting user. */
export async function createAgentTask(db: DbOrTx, params: z.input<typeof createAgentTaskParams>): Promise<AgentTask> {
  const p = parse(createAgentTaskParams, params, 'agent task');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(agentTasks)
      .values({
        tenantId: p.tenantId,
        userId: ACTOR,
        projectId: p.projectId ?? null,
        prompt: p.prompt,
        repoUrl: p.repoUrl ?? null,
        ...(p.selectedAgent ? { selectedAgent: p.selectedAgent } : {}),
        selectedModel: p.selectedModel ?? null,
        branchName: p.branchName ?? null,
      })
      .returning();
    return row!;
  });
}

export const updateAgentTaskParams = z
  .strictObject({
    tenantId: id,
    taskId: id,
    progress: z.number().int().min(0).max(100).optional(),
    status: z.enum(agentTaskStatus.enumValues).optional(),
    sandboxUrl: pgText(2000).optional(),
  })
  .refine((p) => p.progress !== undefined || p.status !== undefined || p.sandboxUrl !== undefined, {
    message: 'nothing to update: give progress, status or sandboxUrl',
  });

/** Sets progress (0..100), status or sandbox URL of an agent task — never its log. */
export async function updateAgentTask(db: DbOrTx, params: z.input<typeof updateAgentTaskParams>): Promise<AgentTask> {
  const p = parse(updateAgentTaskParams, params, 'agent task update');
  return single(db, async (tx) => {
    const [row] = await tx
      .update(agentTasks)
      .set({
        ...(p.progress !== undefined ? { progress: p.progress } : {}),
        ...(p.status ? { status: p.status } : {}),
        ...(p.sandboxUrl !== undefined ? { sandboxUrl: p.sandboxUrl } : {}),
      })
      .where(and(eq(agentTasks.tenantId, p.tenantId), eq(agentTasks.id, p.taskId)))
      .returning();
    if (!row) throw new NotFoundError(`agent task ${p.taskId} not found`);
    return row;
  });
}

export const appendAgentLogParams = z.strictObject({
  tenantId: id,
  taskId: id,
  level: z.enum(logLevel.enumValues).default('info'),
  message: nonBlank(20_000),
  data: jsonValue.optional(),
});

/** Appends one log entry (numbered by the database); the log is never rewritten. */
export async function appendAgentLog(
  db: DbOrTx,
  params: z.input<typeof appendAgentLogParams>,
): Promise<{ seq: number }> {
  const p = parse(appendAgentLogParams, params, 'log entry');
  return single(db, async (tx) => {
    const out = await rows<{ seq: number }>(
      tx,
      sql`insert into agent_task_logs (tenant_id, task_id, user_id, seq, level, message, data)
          select t.tenant_id, t.id, t.user_id, 0, ${p.level}, ${p.message}, ${p.data === undefined ? null : JSON.stringify(p.data)}::jsonb
          from agent_tasks t where t.tenant_id = ${p.tenantId} and t.id = ${p.taskId}
          returning seq`,
    );
    if (!out[0]) throw new NotFoundError(`agent task ${p.taskId} not found`);
    return { seq: out[0].seq };
  });
}

/** An agent task's log entries after `afterSeq`, in order. */
export async function listAgentLogs(
  db: DbOrTx,
  params: { tenantId: string; taskId: string; afterSeq?: number; limit?: number },
): Promise<{ items: (typeof agentTaskLogs.$inferSelect)[]; next: number | undefined }> {
  const p = parse(
    z.strictObject({ tenantId: id, taskId: id, afterSeq: z.number().int().min(0).default(0), limit: pageSize }),
    params,
    'log query',
  );
  return single(db, async (tx) => {
    const list = await tx
      .select()
      .from(agentTaskLogs)
      .where(
        and(
          eq(agentTaskLogs.tenantId, p.tenantId),
          eq(agentTaskLogs.taskId, p.taskId),
          sql`${agentTaskLogs.seq} > ${p.afterSeq}`,
        ),
      )
      .orderBy(asc(agentTaskLogs.seq))
      .limit(p.limit + 1);
    const items = list.slice(0, p.limit);
    return { items, next: list.length > p.limit ? items[items.length - 1]!.seq : undefined };
  });
}

export const deleteAgentTasksParams = z.strictObject({
  tenantId: id,
  /** These tasks… */
  taskIds: z.array(id).min(1).max(10_000).optional(),
  /** …or every task of the actor in these states (seed 002's clean-up by status). */
  statuses: z.array(z.enum(agentTaskStatus.enumValues)).min(1).optional(),
}).refine((p) => (p.taskIds === undefined) !== (p.statuses === undefined), { message: 'give taskIds or statuses' });

/**
 * Deletes agent tasks with their logs (append-only history goes with its task, through the
 * one definer path `app.delete_agent_tasks`): the actor's own tasks, or any for a tenant
 * admin. Returns how many tasks were deleted; tasks the actor may not delete are left alone.
 */
export async function deleteAgentTasks(db: DbOrTx, params: z.input<typeof deleteAgentTasksParams>): Promise<number> {
  const p = parse(deleteAgentTasksParams, params, 'agent task deletion');
  return atomic(db, async (tx) => {
    const ids =
      p.taskIds ??
      (
        await rows<{ id: string }>(
          tx,
          sql`select id from agent_tasks where tenant_id = ${p.tenantId}
              and status = any (${pgArray(p.statuses!)}::agent_task_status[]) and user_id = app.current_user_id()`,
        )
      ).map((r) => r.id);
    if (ids.length === 0) return 0;
    const [r] = await rows<{ n: number }>(
      tx,
      sql`select app.delete_agent_tasks(${p.tenantId}::uuid, ${pgArray(ids)}::uuid[]) as n`,
    );
    return Number(r!.n);
  });
}

/**
 * Completes a task directly (seed 003): allowed when the task's workflow is `direct`
 * (`projects.task_workflow`, or its deliverable's override), by the assignee, a project lead
 * or a tenant admin. In a `review` workflow a task is completed only by an approving review
 * (`reviewVersion`): InvalidTransitionError. The database enforces the same (app.task_rules).
 */
export async function completeTask(db: DbOrTx, params: TaskKey & { note?: string }): Promise<Task> {
  const p = parse(taskKey.extend({ note: pgText(2000).optional() }), params, 'completion');
  return atomic(db, async (tx) => {
    await note(tx, p.note);
    const task = await lockTask(tx, p);
    const [wf] = await rows<{ workflow: string | null }>(
      tx,
      sql`select coalesce(d.task_workflow, pr.task_workflow)::text as workflow
          from projects pr left join deliverables d on d.tenant_id = pr.tenant_id and d.id = ${task.deliverableId}
          where pr.tenant_id = ${task.tenantId} and pr.id = ${task.projectId}`,
    );
    // (a project the actor cannot see: the database decides)
    if (wf && wf.workflow !== 'direct' && task.status !== 'completed')
      throw new InvalidTransitionError(
        `task ${task.id} is completed by review in this project (task_workflow = review)`,
        task.status,
        'completed',
      );
    return moveTask(tx, task, 'completed');
  });
}
