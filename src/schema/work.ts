/**
 * Work: seed 000's deliverable schemas, deliverables, tasks, task versions and reviews,
 * seed 003's task activity (as task events). The task status machine is enforced by the
 * `app.task_status_guard` trigger against `app.task_transitions`.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, lifecycleDates, rowId, tenantId } from './columns.js';
import { projectFk } from './keys.js';
import { taskWorkflow } from './projects.js';
import { tenants, users } from './identity.js';

export const deliverableType = pgEnum('deliverable_type', ['civil', 'structural', 'architectural', 'other']);
export const taskStatus = pgEnum('task_status', [
  'pending',
  'in_progress',
  'awaiting_review',
  'awaiting_clarification',
  'completed',
  'rejected',
]);
export const reviewDecision = pgEnum('review_decision', ['approve', 'reject', 'request_changes']);
export const taskEventKind = pgEnum('task_event_kind', [
  'created',
  'assigned',
  'status_changed',
  'submitted',
  'reviewed',
  'commented',
]);

/** Seed 000: input schema, workflow steps, output schema and risk rules of a deliverable kind. */
export const deliverableSchemas = pgTable(
  'deliverable_schemas',
  {
    tenantId: tenantId(),
    id: rowId(),
    name: text('name').notNull(),
    /** JSON Schema of a task version's input_data. */
    inputSchema: jsonb('input_schema')
      .notNull()
      .default(sql`'{}'::jsonb`),
    workflowSteps: jsonb('workflow_steps')
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** JSON Schema that a submitted version's output_data must satisfy. */
    outputSchema: jsonb('output_schema')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Rules that compute a risk score when a submission does not supply one. */
    riskRules: jsonb('risk_rules')
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'deliverable_schemas_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'deliverable_schemas_tenant_id_fk',
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
    }).onDelete('cascade'),
    uniqueIndex('deliverable_schemas_tenant_id_name_unique').on(t.tenantId, t.name),
    check('deliverable_schemas_name_not_empty', sql`length(btrim(${t.name})) > 0`),
    check('deliverable_schemas_workflow_steps_array', sql`jsonb_typeof(${t.workflowSteps}) = 'array'`),
    check('deliverable_schemas_risk_rules_array', sql`jsonb_typeof(${t.riskRules}) = 'array'`),
  ],
);
export type DeliverableSchema = typeof deliverableSchemas.$inferSelect;
export type NewDeliverableSchema = typeof deliverableSchemas.$inferInsert;

export const deliverables = pgTable(
  'deliverables',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id').notNull(),
    schemaId: uuid('schema_id'),
    name: text('name').notNull(),
    type: deliverableType('type').notNull(),
    /** Overrides the project's task workflow for this deliverable's tasks (NULL: the project's). */
    taskWorkflow: taskWorkflow('task_workflow'),
    /** Overrides the project's required approvals for this deliverable's tasks (NULL: the project's). */
    requiredApprovals: integer('required_approvals'),
    createdAt: createdAt(),
  },
  (t) => [
    check('deliverables_required_approvals_range', sql`${t.requiredApprovals} is null or ${t.requiredApprovals} between 1 and 10`),
    primaryKey({ name: 'deliverables_pkey', columns: [t.tenantId, t.id] }),
    projectFk('deliverables', t),
    foreignKey({
      name: 'deliverables_schema_id_fk',
      columns: [t.tenantId, t.schemaId],
      foreignColumns: [deliverableSchemas.tenantId, deliverableSchemas.id],
    }),
    index('deliverables_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('deliverables_tenant_id_schema_id_idx').on(t.tenantId, t.schemaId),
    check('deliverables_name_not_empty', sql`length(btrim(${t.name})) > 0`),
  ],
);
export type Deliverable = typeof deliverables.$inferSelect;
export type NewDeliverable = typeof deliverables.$inferInsert;

export const tasks = pgTable(
  'tasks',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id').notNull(),
    deliverableId: uuid('deliverable_id'),
    title: text('title').notNull(),
    description: text('description'),
    /** Seed 003 phase. */
    phase: integer('phase'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    status: taskStatus('status').notNull().default('pending'),
    /** Latest version number; 0 before the first submission. */
    currentVersion: integer('current_version').notNull().default(0),
    /**
     * When the task last entered awaiting_review (null otherwise): set by the database
     * (app.stamp_review_request), whatever a client writes. The review queue's order, served
     * by `tasks_review_queue_idx` as an index range scan.
     */
    reviewRequestedAt: timestamp('review_requested_at', { withTimezone: true }),
    dueDate: date('due_date', { mode: 'string' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    index('tasks_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'tasks_pkey', columns: [t.tenantId, t.id] }),
    projectFk('tasks', t),
    foreignKey({
      name: 'tasks_deliverable_id_fk',
      columns: [t.tenantId, t.deliverableId],
      foreignColumns: [deliverables.tenantId, deliverables.id],
    }).onDelete('cascade'),
    // target of (tenant_id, task_id, project_id) keys of versions, reviews and events
    unique('tasks_tenant_id_id_project_id_unique').on(t.tenantId, t.id, t.projectId),
    // review queue: tasks awaiting review in a project
    index('tasks_tenant_id_project_id_status_idx').on(t.tenantId, t.projectId, t.status),
    index('tasks_tenant_id_deliverable_id_idx').on(t.tenantId, t.deliverableId),
    // review queue, oldest request first: its first page is an index range scan
    index('tasks_review_queue_idx')
      .on(t.tenantId, t.reviewRequestedAt, t.id)
      .where(sql`status = 'awaiting_review'`),
    // "my tasks" (seed 000 assignee visibility)
    index('tasks_assignee_id_idx').on(t.assigneeId, t.tenantId),
    index('tasks_tenant_id_project_id_phase_idx').on(t.tenantId, t.projectId, t.phase),
    index('tasks_created_by_idx').on(t.createdBy),
    check('tasks_title_not_empty', sql`length(btrim(${t.title})) > 0`),
    check('tasks_current_version_non_negative', sql`${t.currentVersion} >= 0`),
  ],
);
export type Task = typeof tasks.$inferSelect;
export type NewTask = typeof tasks.$inferInsert;

/** A submitted version of a task's work. Append-only; versions 1..N per task. */
export const taskVersions = pgTable(
  'task_versions',
  {
    tenantId: tenantId(),
    taskId: uuid('task_id').notNull(),
    version: integer('version').notNull(),
    /** The task's project, copied so RLS needs no join. */
    projectId: uuid('project_id').notNull(),
    inputData: jsonb('input_data')
      .notNull()
      .default(sql`'{}'::jsonb`),
    outputData: jsonb('output_data')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** 0 (no risk) .. 1 (highest). */
    riskScore: doublePrecision('risk_score'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'task_versions_pkey', columns: [t.tenantId, t.taskId, t.version] }),
    foreignKey({
      name: 'task_versions_project_id_fk',
      columns: [t.tenantId, t.taskId, t.projectId],
      foreignColumns: [tasks.tenantId, tasks.id, tasks.projectId],
    }).onDelete('cascade'),
    // target of the reviews' key
    unique('task_versions_tenant_id_task_id_version_project_id_unique').on(
      t.tenantId,
      t.taskId,
      t.version,
      t.projectId,
    ),
    index('task_versions_created_by_idx').on(t.createdBy),
    // review queue ordering: oldest submission first
    index('task_versions_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    check('task_versions_version_positive', sql`${t.version} >= 1`),
    check(
      'task_versions_risk_score_range',
      sql`${t.riskScore} is null or (${t.riskScore} >= 0 and ${t.riskScore} <= 1)`,
    ),
  ],
);
export type TaskVersion = typeof taskVersions.$inferSelect;
export type NewTaskVersion = typeof taskVersions.$inferInsert;

/** A reviewer's decision on one task version. Append-only; one per reviewer and version. */
export const reviews = pgTable(
  'reviews',
  {
    tenantId: tenantId(),
    id: rowId(),
    taskId: uuid('task_id').notNull(),
    version: integer('version').notNull(),
    projectId: uuid('project_id').notNull(),
    reviewerId: uuid('reviewer_id').references(() => users.id, { onDelete: 'set null' }),
    decision: reviewDecision('decision').notNull(),
    comments: text('comments'),
    createdAt: createdAt(),
  },
  (t) => [
    index('reviews_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'reviews_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'reviews_project_id_fk',
      columns: [t.tenantId, t.taskId, t.version, t.projectId],
      foreignColumns: [taskVersions.tenantId, taskVersions.taskId, taskVersions.version, taskVersions.projectId],
    }).onDelete('cascade'),
    uniqueIndex('reviews_tenant_id_task_id_version_reviewer_id_unique').on(
      t.tenantId,
      t.taskId,
      t.version,
      t.reviewerId,
    ),
    index('reviews_reviewer_id_idx').on(t.reviewerId),
  ],
);
export type Review = typeof reviews.$inferSelect;
export type NewReview = typeof reviews.$inferInsert;

/** Every transition and submission of a task (seed 003 task_activity). Append-only. */
export const taskEvents = pgTable(
  'task_events',
  {
    tenantId: tenantId(),
    id: rowId(),
    taskId: uuid('task_id').notNull(),
    projectId: uuid('project_id').notNull(),
    kind: taskEventKind('kind').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    fromStatus: taskStatus('from_status'),
    toStatus: taskStatus('to_status'),
    version: integer('version'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    index('task_events_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'task_events_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'task_events_project_id_fk',
      columns: [t.tenantId, t.taskId, t.projectId],
      foreignColumns: [tasks.tenantId, tasks.id, tasks.projectId],
    }).onDelete('cascade'),
    // task history in order
    index('task_events_tenant_id_task_id_created_at_idx').on(t.tenantId, t.taskId, t.createdAt),
    index('task_events_actor_id_idx').on(t.actorId),
  ],
);
export type TaskEvent = typeof taskEvents.$inferSelect;
export type NewTaskEvent = typeof taskEvents.$inferInsert;
