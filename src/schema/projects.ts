/**
 * Projects: the containers inside a tenant (seed 000 projects, 001 projects with personal
 * projects, 002 projects with public visibility, 003 one project per idea), their members
 * and version snapshots.
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
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, lifecycleDates, rowId, tenantId } from './columns.js';
import { tenants, users } from './identity.js';

/** Seed 002 active/archived, seed 003 processing/ready/archived. Deletion is `deleted_at`. */
export const projectStatus = pgEnum('project_status', ['active', 'processing', 'ready', 'archived']);
/**
 * How a project's tasks are completed: `review` (seed 000: only an approving review of the
 * latest version completes a task) or `direct` (seed 003: the assignee marks it done).
 * A deliverable may override it (`deliverables.task_workflow`).
 */
export const taskWorkflow = pgEnum('task_workflow', ['review', 'direct']);
/**
 * Project roles in rank order. Seed 001 owner/manager/contributor/viewer; seed 000's
 * hod -> manager, lead -> lead, designer/engineer -> contributor; `reviewer` may review tasks.
 */
export const projectRole = pgEnum('project_role', ['owner', 'manager', 'lead', 'reviewer', 'contributor', 'viewer']);

export const projects = pgTable(
  'projects',
  {
    tenantId: tenantId(),
    id: rowId(),
    name: text('name').notNull(),
    description: text('description'),
    /** Seed 003: the idea a project was created from. */
    ideaPrompt: text('idea_prompt'),
    clientName: text('client_name'),
    /** Seed 000 project_code, unique per tenant when set. */
    projectCode: text('project_code'),
    status: projectStatus('status').notNull().default('active'),
    /** Seed 002: readable by anyone signed in. */
    isPublic: boolean('is_public').notNull().default(false),
    /** Seed 001: a user's personal project in the global tenant, visible to its owner only. */
    isPersonal: boolean('is_personal').notNull().default(false),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    /** Last project version number (project_versions), assigned by `app.next_project_version`. */
    currentVersion: integer('current_version').notNull().default(0),
    taskWorkflow: taskWorkflow('task_workflow').notNull().default('review'),
    /** In a review workflow: how many reviewers must approve a version (seed 000: one by default). */
    requiredApprovals: integer('required_approvals').notNull().default(1),
    templateId: text('template_id'),
    logoUrl: text('logo_url'),
    colorPalette: jsonb('color_palette'),
    settings: jsonb('settings')
      .notNull()
      .default(sql`'{}'::jsonb`),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
    deletedAt: deletedAt(),
  },
  (t) => [
    index('projects_tenant_id_created_at_idx').on(t.tenantId, t.createdAt),
    primaryKey({ name: 'projects_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({ name: 'projects_tenant_id_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('projects_tenant_id_project_code_unique')
      .on(t.tenantId, t.projectCode)
      .where(sql`${t.projectCode} is not null`),
    // one personal project per owner and tenant (seed 001)
    uniqueIndex('projects_tenant_id_owner_id_personal_unique')
      .on(t.tenantId, t.ownerId)
      .where(sql`${t.isPersonal}`),
    index('projects_owner_id_idx').on(t.ownerId),
    index('projects_created_by_idx').on(t.createdBy),
    // project lists, newest activity first
    index('projects_tenant_id_updated_at_idx').on(t.tenantId, t.updatedAt),
    index('projects_name_search_idx').using('gin', sql`to_tsvector('english', ${t.name})`),
    check('projects_name_not_empty', sql`length(btrim(${t.name})) > 0`),
    check('projects_current_version_non_negative', sql`${t.currentVersion} >= 0`),
    check('projects_required_approvals_range', sql`${t.requiredApprovals} between 1 and 10`),
    check('projects_personal_has_owner', sql`not ${t.isPersonal} or ${t.ownerId} is not null`),
  ],
);
export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;

/** Seed 000 project_members, 001 project_users. */
export const projectMembers = pgTable(
  'project_members',
  {
    tenantId: tenantId(),
    projectId: uuid('project_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: projectRole('role').notNull().default('contributor'),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    ...lifecycleDates(),
  },
  (t) => [
    primaryKey({ name: 'project_members_pkey', columns: [t.tenantId, t.projectId, t.userId] }),
    foreignKey({
      name: 'project_members_project_id_fk',
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    // "my projects" (helper app.my_project_ids)
    index('project_members_user_id_idx').on(t.userId, t.tenantId),
    index('project_members_invited_by_idx').on(t.invitedBy),
  ],
);
export type ProjectMember = typeof projectMembers.$inferSelect;
export type NewProjectMember = typeof projectMembers.$inferInsert;

/**
 * Seed 003 project_versions: version N of a project, and (project_version_documents) which
 * revision of each document made it up. Versions are gapless, assigned from
 * `projects.current_version` under the project row lock.
 */
export const projectVersions = pgTable(
  'project_versions',
  {
    tenantId: tenantId(),
    projectId: uuid('project_id').notNull(),
    version: integer('version').notNull(),
    changeNote: text('change_note'),
    /** NULL = created by an agent. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'project_versions_pkey', columns: [t.tenantId, t.projectId, t.version] }),
    foreignKey({
      name: 'project_versions_project_id_fk',
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    index('project_versions_created_by_idx').on(t.createdBy),
    check('project_versions_version_positive', sql`${t.version} >= 1`),
  ],
);
export type ProjectVersion = typeof projectVersions.$inferSelect;
export type NewProjectVersion = typeof projectVersions.$inferInsert;
