/**
 * Zod validators derived from the tables (`ai-platform-db/zod`): insert, select and update
 * schemas for every table, with the refinements the database constraints imply, so bad
 * input gets a clear error before it reaches the database (which checks again).
 */
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import { z } from 'zod';
import * as s from '../schema/index.js';

const notBlank = (v: string) => v.trim().length > 0;
const text = (sch: z.ZodString) => sch.refine(notBlank, 'must not be empty');
const range = (min: number, max: number) => (sch: z.ZodNumber) => sch.min(min).max(max);
const nonNegative = (sch: z.ZodNumber) => sch.min(0);
const positive = (sch: z.ZodNumber) => sch.int().min(1);

// ---------------------------------------------------------------- identity & projects
export const insertTenantSchema = createInsertSchema(s.tenants, {
  name: text,
  slug: (sch) => sch.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
  retentionDays: (sch) => sch.int().min(1),
});
export const insertUserSchema = createInsertSchema(s.users, { email: (sch) => sch.email() });
export const insertTenantMembershipSchema = createInsertSchema(s.tenantMemberships);
export const insertApiKeySchema = createInsertSchema(s.apiKeys, {
  name: text,
  keyHash: (sch) => sch.regex(/^[0-9a-f]{64}$/),
});
export const insertProjectSchema = createInsertSchema(s.projects, { name: text });
export const updateProjectSchema = createUpdateSchema(s.projects, { name: text });
export const insertProjectMemberSchema = createInsertSchema(s.projectMembers);

// ---------------------------------------------------------------- documents & work
export const insertDocumentSchema = createInsertSchema(s.documents, { title: text });
export const insertDocumentRevisionSchema = createInsertSchema(s.documentRevisions, {
  contentHash: (sch) => sch.regex(/^[0-9a-f]{64}$/),
});
export const insertDeliverableSchemaSchema = createInsertSchema(s.deliverableSchemas, { name: text });
export const insertDeliverableSchema = createInsertSchema(s.deliverables, { name: text });
export const insertTaskSchema = createInsertSchema(s.tasks, { title: text });
export const insertTaskVersionSchema = createInsertSchema(s.taskVersions, { riskScore: range(0, 1) });
export const insertReviewSchema = createInsertSchema(s.reviews);

// ---------------------------------------------------------------- knowledge
export const insertEmbeddingModelSchema = createInsertSchema(s.embeddingModels, {
  name: text,
  dimensions: (sch) => sch.int().min(1).max(16000),
});
/** A chunk: `embedding` must have exactly `dims` finite numbers (the model's dimension). */
export const insertChunkSchema = createInsertSchema(s.chunks, {
  content: (sch) => sch.min(1),
  chunkIndex: (sch) => sch.int().min(0),
  contentHash: (sch) => sch.regex(/^[0-9a-f]{64}$/),
  dims: (sch) => sch.int().min(1).max(16000),
  embedding: () => z.array(z.number().finite()).min(1),
}).refine((c) => c.embedding.length === c.dims, { message: 'embedding length must equal dims', path: ['embedding'] });
export const insertFineTuningExampleSchema = createInsertSchema(s.fineTuningExamples, {
  inputPrompt: text,
  correctOutput: text,
});

// ---------------------------------------------------------------- agents, evaluation, models
export const insertAgentTaskSchema = createInsertSchema(s.agentTasks, { prompt: text, progress: range(0, 100) });
export const insertFragmentSchema = createInsertSchema(s.fragments, { title: text, port: range(1, 65535) });
export const insertRagMetricSchema = createInsertSchema(s.ragMetrics, {
  faithfulnessScore: range(0, 1),
  relevanceScore: range(0, 1),
  coverageScore: range(0, 1),
  hallucinationScore: range(0, 1),
  latencyMs: nonNegative,
  costUsd: nonNegative,
});
export const insertTenantLlmConfigSchema = createInsertSchema(s.tenantLlmConfigs, {
  modelName: text,
  maxTokens: positive,
  temperature: range(0, 2),
});

// ---------------------------------------------------------------- billing, files, conversations
export const insertTokenPurchaseSchema = createInsertSchema(s.tokenPurchases, { tokenAmount: positive });
export const insertTenantQuotaSchema = createInsertSchema(s.tenantQuotas, {
  maxTokensPerDay: nonNegative,
  maxIngestionsPerDay: nonNegative,
  maxStorageBytes: nonNegative,
  maxRequestsPerMinute: nonNegative,
});
export const insertArtifactSchema = createInsertSchema(s.artifacts, { title: text, progress: range(0, 100) });
export const insertArtifactFileSchema = createInsertSchema(s.artifactFiles, { fileName: text, fileSize: nonNegative });
export const insertWorkspaceFileSchema = createInsertSchema(s.workspaceFiles, {
  path: (sch) => sch.min(1),
  name: (sch) => sch.min(1),
  sizeBytes: nonNegative,
});
export const insertFileUploadSchema = createInsertSchema(s.fileUploads, { fileName: text, fileSize: nonNegative });
export const insertChatSessionSchema = createInsertSchema(s.chatSessions, { title: text });
export const insertChatMessageSchema = createInsertSchema(s.chatMessages, { tokenCount: nonNegative });
export const insertApiConnectionSchema = createInsertSchema(s.apiConnections, {
  name: text,
  endpointUrl: (sch) => sch.regex(/^https?:\/\//, 'must be an http(s) URL'),
});

/**
 * Insert, select and update schemas of every table, by SQL table name. The named exports
 * above carry the refinements; tables without one get drizzle-zod's column-derived schemas.
 */
const refinedInsert: Record<string, z.ZodType> = {
  tenants: insertTenantSchema,
  users: insertUserSchema,
  api_keys: insertApiKeySchema,
  projects: insertProjectSchema,
  documents: insertDocumentSchema,
  document_revisions: insertDocumentRevisionSchema,
  deliverable_schemas: insertDeliverableSchemaSchema,
  deliverables: insertDeliverableSchema,
  tasks: insertTaskSchema,
  task_versions: insertTaskVersionSchema,
  embedding_models: insertEmbeddingModelSchema,
  chunks: insertChunkSchema,
  fine_tuning_examples: insertFineTuningExampleSchema,
  agent_tasks: insertAgentTaskSchema,
  fragments: insertFragmentSchema,
  rag_metrics: insertRagMetricSchema,
  tenant_llm_configs: insertTenantLlmConfigSchema,
  token_purchases: insertTokenPurchaseSchema,
  tenant_quotas: insertTenantQuotaSchema,
  artifacts: insertArtifactSchema,
  artifact_files: insertArtifactFileSchema,
  workspace_files: insertWorkspaceFileSchema,
  file_uploads: insertFileUploadSchema,
  chat_sessions: insertChatSessionSchema,
  chat_messages: insertChatMessageSchema,
  api_connections: insertApiConnectionSchema,
};

export interface TableSchemas {
  insert: z.ZodType;
  select: z.ZodType;
  update: z.ZodType;
}

export const tableSchemas: Readonly<Record<string, TableSchemas>> = Object.fromEntries(
  (Object.values(s) as unknown[])
    .filter((v): v is PgTable => v instanceof PgTable)
    .map((table) => {
      const name = getTableConfig(table).name;
      return [
        name,
        {
          insert: refinedInsert[name] ?? createInsertSchema(table),
          select: createSelectSchema(table),
          update: createUpdateSchema(table),
        },
      ];
    }),
);
