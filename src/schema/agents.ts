/**
 * Agents: seed 004 agent_runs / agent_failures, seed 002 AI-agent tasks (with progress and
 * an append-only log instead of a rewritten JSON array), fragments and their executions.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, lifecycleDates, rowId, tenantId, timestamptz } from './columns.js';
import { tenantRowKeys, projectFk } from './keys.js';
import { users } from './identity.js';

import { chatSessions } from './conversations.js';

export const agentRunStatus = pgEnum('agent_run_status', ['queued', 'running', 'succeeded', 'failed', 'cancelled']);
/** Seed 002 task_status_enum. */
export const agentTaskStatus = pgEnum('agent_task_status', ['pending', 'processing', 'completed', 'error']);
export const logLevel = pgEnum('log_level', ['info', 'command', 'success', 'warning', 'error']);
export const executionStatus = pgEnum('execution_status', ['pending', 'running', 'succeeded', 'failed', 'timed_out']);

export const agentRuns = pgTable(
  'agent_runs',
  {
    tenantId: tenantId(),
    id: rowId(),
    sessionId: uuid('session_id'),
    projectId: uuid('project_id'),
    agentType: text('agent_type').notNull(),
    status: agentRunStatus('status').notNull().default('queued'),
    model: text('model'),
    /** Seed 003 "LLM telemetry": latency and cost per agent call. */
    latencyMs: integer('latency_ms'),
    costUsd: doublePrecision('cost_usd'),
    startedAt: timestamptz('started_at'),
    completedAt: timestamptz('completed_at'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    ...tenantRowKeys('agent_runs', t),
    foreignKey({
      name: 'agent_runs_session_id_fk',
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [chatSessions.tenantId, chatSessions.id],
    }).onDelete('cascade'),
    projectFk('agent_runs', t),
    index('agent_runs_tenant_id_session_id_idx').on(t.tenantId, t.sessionId),
    index('agent_runs_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('agent_runs_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    check('agent_runs_agent_type_not_empty', sql`length(btrim(${t.agentType})) > 0`),
    check('agent_runs_latency_non_negative', sql`${t.latencyMs} is null or ${t.latencyMs} >= 0`),
    check('agent_runs_cost_non_negative', sql`${t.costUsd} is null or ${t.costUsd} >= 0`),
    check(
      'agent_runs_completed_after_started',
      sql`${t.completedAt} is null or ${t.startedAt} is null or ${t.completedAt} >= ${t.startedAt}`,
    ),
  ],
);
export type AgentRun = typeof agentRuns.$inferSelect;
export type NewAgentRun = typeof agentRuns.$inferInsert;

export const agentFailures = pgTable(
  'agent_failures',
  {
    tenantId: tenantId(),
    id: rowId(),
    agentRunId: uuid('agent_run_id').notNull(),
    errorType: text('error_type').notNull(),
    errorMessage: text('error_message'),
    retryable: boolean('retryable').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('agent_failures_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'agent_failures_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'agent_failures_agent_run_id_fk',
      columns: [t.tenantId, t.agentRunId],
      foreignColumns: [agentRuns.tenantId, agentRuns.id],
    }).onDelete('cascade'),
    index('agent_failures_tenant_id_agent_run_id_idx').on(t.tenantId, t.agentRunId),
  ],
);
export type AgentFailure = typeof agentFailures.$inferSelect;
export type NewAgentFailure = typeof agentFailures.$inferInsert;

/** Seed 002 tasks: an AI agent working on a repository, owned by one user. */
export const agentTasks = pgTable(
  'agent_tasks',
  {
    tenantId: tenantId(),
    id: rowId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id'),
    status: agentTaskStatus('status').notNull().default('pending'),
    progress: integer('progress').notNull().default(0),
    prompt: text('prompt').notNull(),
    repoUrl: text('repo_url'),
    selectedAgent: text('selected_agent').notNull().default('claude'),
    selectedModel: text('selected_model'),
    sandboxUrl: text('sandbox_url'),
    branchName: text('branch_name'),
    /** Number of log entries; entries are 1..log_count in agent_task_logs. */
    logCount: integer('log_count').notNull().default(0),
    ...lifecycleDates(),
  },
  (t) => [
    index('agent_tasks_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    ...tenantRowKeys('agent_tasks', t),
    projectFk('agent_tasks', t),
    // a user's tasks, newest first (seed 002 idx_tasks_user_id / idx_tasks_created_at)
    unique('agent_tasks_tenant_id_id_user_id_unique').on(t.tenantId, t.id, t.userId),
    index('agent_tasks_user_id_created_at_idx').on(t.userId, t.createdAt),
    index('agent_tasks_tenant_id_status_idx').on(t.tenantId, t.status),
    index('agent_tasks_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    check('agent_tasks_progress_range', sql`${t.progress} between 0 and 100`),
    check('agent_tasks_prompt_not_empty', sql`length(btrim(${t.prompt})) > 0`),
    check('agent_tasks_log_count_non_negative', sql`${t.logCount} >= 0`),
  ],
);
export type AgentTask = typeof agentTasks.$inferSelect;
export type NewAgentTask = typeof agentTasks.$inferInsert;

/** Seed 002 tasks.logs as rows: appended, never rewritten. Append-only. */
export const agentTaskLogs = pgTable(
  'agent_task_logs',
  {
    tenantId: tenantId(),
    taskId: uuid('task_id').notNull(),
    seq: integer('seq').notNull(),
    /** The task's owner, copied so RLS needs no join. */
    userId: uuid('user_id').notNull(),
    level: logLevel('level').notNull().default('info'),
    message: text('message').notNull(),
    data: jsonb('data'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'agent_task_logs_pkey', columns: [t.tenantId, t.taskId, t.seq] }),
    foreignKey({
      name: 'agent_task_logs_user_id_fk',
      columns: [t.tenantId, t.taskId, t.userId],
      foreignColumns: [agentTasks.tenantId, agentTasks.id, agentTasks.userId],
    }).onDelete('cascade'),
    check('agent_task_logs_seq_positive', sql`${t.seq} >= 1`),
  ],
);
export type AgentTaskLog = typeof agentTaskLogs.$inferSelect;
export type NewAgentTaskLog = typeof agentTaskLogs.$inferInsert;

/** Seed 002 fragments: generated code that can run in a sandbox. */
export const fragments = pgTable(
  'fragments',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id'),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    template: text('template'),
    code: text('code').notNull().default(''),
    filePath: text('file_path'),
    additionalDependencies: text('additional_dependencies').array().notNull().default([]),
    installDependenciesCommand: text('install_dependencies_command'),
    port: integer('port'),
    isPublic: boolean('is_public').notNull().default(false),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...lifecycleDates(),
  },
  (t) => [
    index('fragments_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    ...tenantRowKeys('fragments', t),
    projectFk('fragments', t),
    index('fragments_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('fragments_user_id_idx').on(t.userId),
    check('fragments_title_not_empty', sql`length(btrim(${t.title})) > 0`),
    check('fragments_port_range', sql`${t.port} is null or ${t.port} between 1 and 65535`),
  ],
);
export type Fragment = typeof fragments.$inferSelect;
export type NewFragment = typeof fragments.$inferInsert;

export const fragmentExecutions = pgTable(
  'fragment_executions',
  {
    tenantId: tenantId(),
    id: rowId(),
    fragmentId: uuid('fragment_id').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    sandboxId: text('sandbox_id'),
    template: text('template'),
    status: executionStatus('status').notNull().default('pending'),
    executionUrl: text('execution_url'),
    stdout: text('stdout'),
    stderr: text('stderr'),
    runtimeError: text('runtime_error'),
    cellResults: jsonb('cell_results'),
    executionTimeMs: integer('execution_time_ms'),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    completedAt: timestamptz('completed_at'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ name: 'fragment_executions_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fragment_executions_fragment_id_fk',
      columns: [t.tenantId, t.fragmentId],
      foreignColumns: [fragments.tenantId, fragments.id],
    }).onDelete('cascade'),
    index('fragment_executions_tenant_id_fragment_id_idx').on(t.tenantId, t.fragmentId),
    index('fragment_executions_user_id_idx').on(t.userId),
    check('fragment_executions_time_non_negative', sql`${t.executionTimeMs} is null or ${t.executionTimeMs} >= 0`),
    check(
      'fragment_executions_completed_after_started',
      sql`${t.completedAt} is null or ${t.completedAt} >= ${t.startedAt}`,
    ),
  ],
);
export type FragmentExecution = typeof fragmentExecutions.$inferSelect;
export type NewFragmentExecution = typeof fragmentExecutions.$inferInsert;
