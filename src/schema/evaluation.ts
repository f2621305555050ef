/** RAG evaluation & reporting (seed 004). */
import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, rowId, tenantId } from './columns.js';
import { tenantRowKeys } from './keys.js';

import { chatSessions } from './conversations.js';

export const ragEvaluations = pgTable(
  'rag_evaluations',
  {
    tenantId: tenantId(),
    id: rowId(),
    sessionId: uuid('session_id'),
    query: text('query').notNull(),
    answer: text('answer'),
    createdAt: createdAt(),
  },
  (t) => [
    ...tenantRowKeys('rag_evaluations', t),
    foreignKey({
      name: 'rag_evaluations_session_id_fk',
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [chatSessions.tenantId, chatSessions.id],
    }).onDelete('cascade'),
    index('rag_evaluations_tenant_id_session_id_idx').on(t.tenantId, t.sessionId),
    index('rag_evaluations_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    check('rag_evaluations_query_not_empty', sql`length(btrim(${t.query})) > 0`),
  ],
);
export type RagEvaluation = typeof ragEvaluations.$inferSelect;
export type NewRagEvaluation = typeof ragEvaluations.$inferInsert;

const score = (name: string) => doublePrecision(name);
const scoreCheck = (table: string, col: string) =>
  check(`${table}_${col}_range`, sql.raw(`${col} is null or (${col} >= 0 and ${col} <= 1)`));

/** Scores 0..1 of one evaluation; one row per evaluation. */
export const ragMetrics = pgTable(
  'rag_metrics',
  {
    tenantId: tenantId(),
    /** Seed 004: metrics are rows of their own; an evaluation may be measured many times. */
    id: rowId(),
    evaluationId: uuid('evaluation_id').notNull(),
    faithfulnessScore: score('faithfulness_score'),
    relevanceScore: score('relevance_score'),
    coverageScore: score('coverage_score'),
    hallucinationScore: score('hallucination_score'),
    latencyMs: integer('latency_ms'),
    costUsd: doublePrecision('cost_usd'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'rag_metrics_pkey', columns: [t.tenantId, t.id] }),
    index('rag_metrics_tenant_id_evaluation_id_created_at_idx').on(t.tenantId, t.evaluationId, t.createdAt),
    foreignKey({
      name: 'rag_metrics_evaluation_id_fk',
      columns: [t.tenantId, t.evaluationId],
      foreignColumns: [ragEvaluations.tenantId, ragEvaluations.id],
    }).onDelete('cascade'),
    scoreCheck('rag_metrics', 'faithfulness_score'),
    scoreCheck('rag_metrics', 'relevance_score'),
    scoreCheck('rag_metrics', 'coverage_score'),
    scoreCheck('rag_metrics', 'hallucination_score'),
    check('rag_metrics_latency_non_negative', sql`${t.latencyMs} is null or ${t.latencyMs} >= 0`),
    check('rag_metrics_cost_non_negative', sql`${t.costUsd} is null or ${t.costUsd} >= 0`),
  ],
);
export type RagMetric = typeof ragMetrics.$inferSelect;
export type NewRagMetric = typeof ragMetrics.$inferInsert;

export const ragReports = pgTable(
  'rag_reports',
  {
    tenantId: tenantId(),
    id: rowId(),
    evaluationId: uuid('evaluation_id').notNull(),
    reportUrl: text('report_url').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('rag_reports_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'rag_reports_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'rag_reports_evaluation_id_fk',
      columns: [t.tenantId, t.evaluationId],
      foreignColumns: [ragEvaluations.tenantId, ragEvaluations.id],
    }).onDelete('cascade'),
    index('rag_reports_tenant_id_evaluation_id_idx').on(t.tenantId, t.evaluationId),
    check('rag_reports_report_url_not_empty', sql`length(${t.reportUrl}) > 0`),
  ],
);
export type RagReport = typeof ragReports.$inferSelect;
export type NewRagReport = typeof ragReports.$inferInsert;
