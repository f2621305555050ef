/**
 * Versioned documents: seed 003 documents + document_revisions, seed 001
 * project_requirements / technical_architecture / ui_design / project_context (as kinds).
 * Every change is a new row in document_revisions; nothing is overwritten.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
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
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, lifecycleDates, rowId, tenantId } from './columns.js';
import { projectFk } from './keys.js';
import { users } from './identity.js';
import { projectVersions } from './projects.js';

/** Seed 003 sections and seed 001's document tables, as one kind column. */
export const documentKind = pgEnum('document_kind', [
  'overview',
  'prd',
  'marketing',
  'tech',
  'tasks',
  'requirements',
  'architecture',
  'ui_design',
  'context_search',
  'context_data',
  'context_quality',
  'other',
]);
/** Seed 001 draft/review/approved/archived; transitions checked by `app.document_status_guard`. */
export const documentStatus = pgEnum('document_status', ['draft', 'review', 'approved', 'archived']);

export const documents = pgTable(
  'documents',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id').notNull(),
    kind: documentKind('kind').notNull(),
    title: text('title').notNull(),
    status: documentStatus('status').notNull().default('draft'),
    /** Locked documents refuse new revisions (seed 003 is_locked). */
    isLocked: boolean('is_locked').notNull().default(false),
    /**
     * Number of the latest revision: 0 before the first. Bumped under the row lock by
     * `appendRevision`, so revisions are 1..N without gaps.
     */
    currentRev: integer('current_rev').notNull().default(0),
    /** sha256 of the latest revision's content; an append with the same hash is a no-op. */
    currentContentHash: text('current_content_hash'),
    /** Kind-specific fields (seed 001 apis_used, components, ui_framework, ...). */
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
    deletedAt: deletedAt(),
  },
  (t) => [
    index('documents_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'documents_pkey', columns: [t.tenantId, t.id] }),
    projectFk('documents', t),
    // documents of a project by kind (seed 003 documents_project_idx)
    // target of the revisions' (tenant_id, document_id, project_id) key: a revision always
    // sits in its document's project, so RLS on revisions needs no join
    unique('documents_tenant_id_id_project_id_unique').on(t.tenantId, t.id, t.projectId),
    index('documents_tenant_id_project_id_kind_idx').on(t.tenantId, t.projectId, t.kind),
    index('documents_created_by_idx').on(t.createdBy),
    index('documents_updated_by_idx').on(t.updatedBy),
    check('documents_title_not_empty', sql`length(btrim(${t.title})) > 0`),
    check('documents_current_rev_non_negative', sql`${t.currentRev} >= 0`),
  ],
);
export type Document = typeof documents.$inferSelect;
export type NewDocument = typeof documents.$inferInsert;

/** Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE outside the privileged purge. */
export const documentRevisions = pgTable(
  'document_revisions',
  {
    tenantId: tenantId(),
    documentId: uuid('document_id').notNull(),
    rev: integer('rev').notNull(),
    /** The document's project (immutable), copied so the row's RLS predicate needs no join. */
    projectId: uuid('project_id').notNull(),
    /** Structured content (seed 003: full JSON of each rewrite). */
    content: jsonb('content').notNull(),
    /** Optional markdown body, diffed as text. */
    bodyMd: text('body_md'),
    /** sha256 hex of the canonical content + body. */
    contentHash: text('content_hash').notNull(),
    /** Set when this revision restores an older one. */
    restoredFromRev: integer('restored_from_rev'),
    changeNote: text('change_note'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'document_revisions_pkey', columns: [t.tenantId, t.documentId, t.rev] }),
    foreignKey({
      name: 'document_revisions_project_id_fk',
      columns: [t.tenantId, t.documentId, t.projectId],
      foreignColumns: [documents.tenantId, documents.id, documents.projectId],
    }).onDelete('cascade'),
    index('document_revisions_created_by_idx').on(t.createdBy),
    check('document_revisions_rev_positive', sql`${t.rev} >= 1`),
    check(
      'document_revisions_restored_from_earlier',
      sql`${t.restoredFromRev} is null or (${t.restoredFromRev} >= 1 and ${t.restoredFromRev} < ${t.rev})`,
    ),
    check('document_revisions_content_hash_format', sql`${t.contentHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
export type DocumentRevision = typeof documentRevisions.$inferSelect;
export type NewDocumentRevision = typeof documentRevisions.$inferInsert;

/** Seed 003: which revision of each document made up project version N. Append-only. */
export const projectVersionDocuments = pgTable(
  'project_version_documents',
  {
    tenantId: tenantId(),
    projectId: uuid('project_id').notNull(),
    version: integer('version').notNull(),
    documentId: uuid('document_id').notNull(),
    rev: integer('rev').notNull(),
  },
  (t) => [
    primaryKey({ name: 'project_version_documents_pkey', columns: [t.tenantId, t.projectId, t.version, t.documentId] }),
    foreignKey({
      name: 'project_version_documents_version_fk',
      columns: [t.tenantId, t.projectId, t.version],
      foreignColumns: [projectVersions.tenantId, projectVersions.projectId, projectVersions.version],
    }).onDelete('cascade'),
    foreignKey({
      name: 'project_version_documents_rev_fk',
      columns: [t.tenantId, t.documentId, t.rev],
      foreignColumns: [documentRevisions.tenantId, documentRevisions.documentId, documentRevisions.rev],
    }).onDelete('cascade'),
    index('project_version_documents_document_idx').on(t.tenantId, t.documentId, t.rev),
  ],
);
export type ProjectVersionDocument = typeof projectVersionDocuments.$inferSelect;
export type NewProjectVersionDocument = typeof projectVersionDocuments.$inferInsert;
