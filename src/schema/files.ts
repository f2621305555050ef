/**
 * Files: generated artifacts and their files (seed 001), IDE workspace files and uploads
 * (seed 002). Content of large objects stays in object storage; rows hold metadata.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
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
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { lifecycleDates, rowId, tenantId } from './columns.js';
import { tenantRowKeys, projectFk } from './keys.js';
import { users } from './identity.js';

import { chatSessions } from './conversations.js';

export const artifactStatus = pgEnum('artifact_status', ['pending', 'generating', 'ready', 'failed']);

export const artifacts = pgTable(
  'artifacts',
  {
    tenantId: tenantId(),
    id: rowId(),
    projectId: uuid('project_id').notNull(),
    sessionId: uuid('session_id'),
    title: text('title').notNull(),
    description: text('description'),
    artifactType: text('artifact_type').notNull(),
    status: artifactStatus('status').notNull().default('pending'),
    progress: integer('progress').notNull().default(0),
    isPublic: boolean('is_public').notNull().default(false),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    index('artifacts_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'artifacts_pkey', columns: [t.tenantId, t.id] }),
    projectFk('artifacts', t),
    foreignKey({
      name: 'artifacts_session_id_fk',
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [chatSessions.tenantId, chatSessions.id],
    }).onDelete('set null'),
    unique('artifacts_tenant_id_id_project_id_unique').on(t.tenantId, t.id, t.projectId),
    index('artifacts_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    index('artifacts_tenant_id_session_id_idx').on(t.tenantId, t.sessionId),
    index('artifacts_created_by_idx').on(t.createdBy),
    index('artifacts_title_search_idx').using('gin', sql`to_tsvector('english', ${t.title})`),
    check('artifacts_title_not_empty', sql`length(btrim(${t.title})) > 0`),
    check('artifacts_progress_range', sql`${t.progress} between 0 and 100`),
  ],
);
export type Artifact = typeof artifacts.$inferSelect;
export type NewArtifact = typeof artifacts.$inferInsert;

export const artifactFiles = pgTable(
  'artifact_files',
  {
    tenantId: tenantId(),
    id: rowId(),
    artifactId: uuid('artifact_id').notNull(),
    /** The artifact's project, copied so RLS needs no join. */
    projectId: uuid('project_id').notNull(),
    fileName: text('file_name').notNull(),
    fileType: text('file_type').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    /** Path inside the artifact, for building/rendering the app. */
    filePath: text('file_path').notNull(),
    isMainFile: boolean('is_main_file').notNull().default(false),
    storagePath: text('storage_path').notNull(),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'artifact_files_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'artifact_files_project_id_fk',
      columns: [t.tenantId, t.artifactId, t.projectId],
      foreignColumns: [artifacts.tenantId, artifacts.id, artifacts.projectId],
    }).onDelete('cascade'),
    index('artifact_files_tenant_id_artifact_id_idx').on(t.tenantId, t.artifactId),
    // seed 001 "one main file per artifact" (a partial unique index, not a table constraint)
    uniqueIndex('artifact_files_one_main_file_unique')
      .on(t.tenantId, t.artifactId)
      .where(sql`${t.isMainFile}`),
    uniqueIndex('artifact_files_tenant_id_artifact_id_file_path_unique').on(t.tenantId, t.artifactId, t.filePath),
    index('artifact_files_created_by_idx').on(t.createdBy),
    index('artifact_files_updated_by_idx').on(t.updatedBy),
    check('artifact_files_file_name_not_empty', sql`length(btrim(${t.fileName})) > 0`),
    check('artifact_files_file_path_not_empty', sql`length(${t.filePath}) > 0`),
    check('artifact_files_file_size_non_negative', sql`${t.fileSize} >= 0`),
  ],
);
export type ArtifactFile = typeof artifactFiles.$inferSelect;
export type NewArtifactFile = typeof artifactFiles.$inferInsert;

/** Seed 002 workspace_files: a user's IDE file tree. */
export const workspaceFiles = pgTable(
  'workspace_files',
  {
    tenantId: tenantId(),
    id: rowId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id'),
    path: text('path').notNull(),
    name: text('name').notNull(),
    content: text('content').notNull().default(''),
    isDirectory: boolean('is_directory').notNull().default(false),
    parentPath: text('parent_path'),
    mimeType: text('mime_type'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...lifecycleDates(),
  },
  (t) => [
    ...tenantRowKeys('workspace_files', t),
    projectFk('workspace_files', t),
    uniqueIndex('workspace_files_tenant_id_user_id_path_unique').on(t.tenantId, t.userId, t.path),
    // directory listing
    index('workspace_files_user_id_parent_path_idx').on(t.userId, t.parentPath),
    index('workspace_files_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    check('workspace_files_path_not_empty', sql`length(${t.path}) > 0`),
    check('workspace_files_name_not_empty', sql`length(${t.name}) > 0`),
    check('workspace_files_size_non_negative', sql`${t.sizeBytes} >= 0`),
  ],
);
export type WorkspaceFile = typeof workspaceFiles.$inferSelect;
export type NewWorkspaceFile = typeof workspaceFiles.$inferInsert;

/** Seed 002 file_uploads. */
export const fileUploads = pgTable(
  'file_uploads',
  {
    tenantId: tenantId(),
    id: rowId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id'),
    fileName: text('file_name').notNull(),
    filePath: text('file_path').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    mimeType: text('mime_type'),
    bucketName: text('bucket_name').notNull(),
    isPublic: boolean('is_public').notNull().default(false),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...lifecycleDates(),
  },
  (t) => [
    index('file_uploads_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    ...tenantRowKeys('file_uploads', t),
    projectFk('file_uploads', t),
    index('file_uploads_user_id_idx').on(t.userId),
    index('file_uploads_tenant_id_project_id_idx').on(t.tenantId, t.projectId),
    check('file_uploads_file_name_not_empty', sql`length(btrim(${t.fileName})) > 0`),
    check('file_uploads_file_path_not_empty', sql`length(${t.filePath}) > 0`),
    check('file_uploads_file_size_non_negative', sql`${t.fileSize} >= 0`),
  ],
);
export type FileUpload = typeof fileUploads.$inferSelect;
export type NewFileUpload = typeof fileUploads.$inferInsert;
