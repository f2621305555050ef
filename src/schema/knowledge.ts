/**
 * Knowledge & embeddings: seed 004 data_sources / ingested_objects / document_chunks /
 * embeddings_registry / search_metadata, seed 000 knowledge_chunks and fine_tuning_dataset,
 * seed 002 code_embeddings, seed 003 document_sections, as one chunk table.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, lifecycleDates, rowId, tenantId, tsvector, vectorAny } from './columns.js';
import { tenantRowKeys, projectFk } from './keys.js';
import { tenants, users } from './identity.js';
import { documentRevisions } from './documents.js';

export const dataSourceType = pgEnum('data_source_type', ['text', 'image', 'audio', 'video', 'code', 'web']);
export const ingestionStatus = pgEnum('ingestion_status', ['pending', 'processing', 'ready', 'failed']);
export const chunkSourceType = pgEnum('chunk_source_type', [
  'document_revision',
  'ingested_object',
  'upload',
  'code_file',
  'manual',
]);

/** Dimensions that have an HNSW index of their own (`chunks_embedding_<N>_hnsw_idx`). */
export const INDEXED_DIMENSIONS = [384, 768, 1024, 1536] as const;

export const dataSources = pgTable(
  'data_sources',
  {
    tenantId: tenantId(),
    id: rowId(),
    name: text('name').notNull(),
    type: dataSourceType('type').notNull(),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    ...tenantRowKeys('data_sources', t),
    index('data_sources_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    check('data_sources_name_not_empty', sql`length(btrim(${t.name})) > 0`),
  ],
);
export type DataSource = typeof dataSources.$inferSelect;
export type NewDataSource = typeof dataSources.$inferInsert;

/** Seed 004: metadata of an ingested object; content stays in object storage (`url`). */
export const ingestedObjects = pgTable(
  'ingested_objects',
  {
    tenantId: tenantId(),
    id: rowId(),
    dataSourceId: uuid('data_source_id').notNull(),
    url: text('url').notNull(),
    contentType: text('content_type'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
    checksum: text('checksum'),
    status: ingestionStatus('status').notNull().default('pending'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'ingested_objects_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'ingested_objects_data_source_id_fk',
      columns: [t.tenantId, t.dataSourceId],
      foreignColumns: [dataSources.tenantId, dataSources.id],
    }).onDelete('cascade'),
    index('ingested_objects_tenant_id_data_source_id_idx').on(t.tenantId, t.dataSourceId),
    index('ingested_objects_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    check('ingested_objects_url_not_empty', sql`length(${t.url}) > 0`),
    check('ingested_objects_size_non_negative', sql`${t.sizeBytes} >= 0`),
  ],
);
export type IngestedObject = typeof ingestedObjects.$inferSelect;
export type NewIngestedObject = typeof ingestedObjects.$inferInsert;

/** Seed 004 embeddings_registry: the models a tenant embeds with, and their dimension. */
export const embeddingModels = pgTable(
  'embedding_models',
  {
    tenantId: tenantId(),
    id: rowId(),
    name: text('name').notNull(),
    /** Length of every embedding of this model; checked on ingest and search. */
    dimensions: integer('dimensions').notNull(),
    provider: text('provider'),
    /** Seed 004: an external vector store, when the vectors also live there. */
    vectorStoreId: text('vector_store_id'),
    createdAt: createdAt(),
  },
  (t) => [
    ...tenantRowKeys('embedding_models', t),
    uniqueIndex('embedding_models_tenant_id_name_unique').on(t.tenantId, t.name),
    // composite target for chunks (tenant_id, model_id, dims)
    unique('embedding_models_tenant_id_id_dimensions_unique').on(t.tenantId, t.id, t.dimensions),
    check('embedding_models_name_not_empty', sql`length(btrim(${t.name})) > 0`),
    check('embedding_models_dimensions_range', sql`${t.dimensions} between 1 and 16000`),
  ],
);
export type EmbeddingModel = typeof embeddingModels.$inferSelect;
export type NewEmbeddingModel = typeof embeddingModels.$inferInsert;

/**
 * A retrievable piece of text with its embedding. `dims` is copied from the model (the
 * composite foreign key (tenant_id, model_id, dims) makes a mismatch impossible) and
 * `vector_dims(embedding) = dims` is checked, so vectors of different models are never
 * compared: every search filters on model_id, and each indexed dimension has its own
 * partial HNSW index on `embedding::vector(N)`.
 */
export const chunks = pgTable(
  'chunks',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id'),
    sourceType: chunkSourceType('source_type').notNull(),
    /** The document, ingested object, upload or file this chunk was cut from. */
    sourceId: uuid('source_id').notNull(),
    /** For document sections: the revision the chunk belongs to (seed 003 document_sections). */
    documentRev: integer('document_rev'),
    /** For ingested objects: the object (seed 004 document_chunks.object_id). */
    objectId: uuid('object_id'),
    chunkIndex: integer('chunk_index').notNull(),
    heading: text('heading'),
    content: text('content').notNull(),
    /** sha256 hex of content: ingest is idempotent per (source, chunk_index, hash). */
    contentHash: text('content_hash').notNull(),
    url: text('url'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Seed 004 search_metadata.tags / keywords. */
    tags: text('tags').array().notNull().default([]),
    keywords: text('keywords').array().notNull().default([]),
    modelId: uuid('model_id').notNull(),
    dims: integer('dims').notNull(),
    embedding: vectorAny('embedding').notNull(),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', coalesce(heading, '') || ' ' || content)`),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'chunks_pkey', columns: [t.tenantId, t.id] }),
    projectFk('chunks', t),
    foreignKey({
      name: 'chunks_dims_fk',
      columns: [t.tenantId, t.modelId, t.dims],
      foreignColumns: [embeddingModels.tenantId, embeddingModels.id, embeddingModels.dimensions],
    }).onDelete('cascade'),
    foreignKey({
      name: 'chunks_document_rev_fk',
      columns: [t.tenantId, t.sourceId, t.documentRev],
      foreignColumns: [documentRevisions.tenantId, documentRevisions.documentId, documentRevisions.rev],
    }).onDelete('cascade'),
    foreignKey({
      name: 'chunks_object_id_fk',
      columns: [t.tenantId, t.objectId],
      foreignColumns: [ingestedObjects.tenantId, ingestedObjects.id],
    }).onDelete('cascade'),
    // ingest idempotency and "replace a source"
    uniqueIndex('chunks_source_unique').on(
      t.tenantId,
      t.modelId,
      t.sourceType,
      t.sourceId,
      t.chunkIndex,
      t.contentHash,
    ),
    index('chunks_tenant_id_source_idx').on(t.tenantId, t.sourceType, t.sourceId),
    index('chunks_tenant_id_object_id_idx').on(t.tenantId, t.objectId),
    // cascades from projects and document revisions
    index('chunks_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('chunks_tenant_id_document_rev_idx').on(t.tenantId, t.sourceId, t.documentRev),
    // small-scope exact search: the tenant's (and model's) rows, then exact distance
    index('chunks_tenant_id_model_id_project_id_idx').on(t.tenantId, t.modelId, t.projectId),
    index('chunks_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    index('chunks_tags_idx').using('gin', t.tags),
    // metadata filters (containment): reached through app.chunk_candidates under RLS
    index('chunks_metadata_idx').using('gin', t.metadata.op('jsonb_path_ops')),
    index('chunks_search_vector_idx').using('gin', t.searchVector),
    ...INDEXED_DIMENSIONS.map((n) =>
      index(`chunks_embedding_${n}_hnsw_idx`)
        .using('hnsw', sql.raw(`(embedding::vector(${n})) vector_cosine_ops`))
        .where(sql.raw(`dims = ${n}`)),
    ),
    check('chunks_content_not_empty', sql`length(${t.content}) > 0`),
    check('chunks_chunk_index_non_negative', sql`${t.chunkIndex} >= 0`),
    check('chunks_embedding_dims', sql`vector_dims(${t.embedding}) = ${t.dims}`),
    check('chunks_content_hash_format', sql`${t.contentHash} ~ '^[0-9a-f]{64}$'`),
    check(
      'chunks_document_rev_matches_source',
      sql`(${t.sourceType} = 'document_revision') = (${t.documentRev} is not null)`,
    ),
  ],
);
export type Chunk = typeof chunks.$inferSelect;
export type NewChunk = typeof chunks.$inferInsert;

/** Seed 000 fine_tuning_dataset: curated prompt/answer pairs. */
export const fineTuningExamples = pgTable(
  'fine_tuning_examples',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id'),
    inputPrompt: text('input_prompt').notNull(),
    correctOutput: text('correct_output').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'fine_tuning_examples_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fine_tuning_examples_tenant_id_fk',
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
    }).onDelete('cascade'),
    projectFk('fine_tuning_examples', t),
    index('fine_tuning_examples_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('fine_tuning_examples_created_by_idx').on(t.createdBy),
    check('fine_tuning_examples_input_prompt_not_empty', sql`length(btrim(${t.inputPrompt})) > 0`),
    check('fine_tuning_examples_correct_output_not_empty', sql`length(btrim(${t.correctOutput})) > 0`),
  ],
);
export type FineTuningExample = typeof fineTuningExamples.$inferSelect;
export type NewFineTuningExample = typeof fineTuningExamples.$inferInsert;
