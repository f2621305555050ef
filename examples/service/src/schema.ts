/**
 * The service's schema: its own tables only (drizzle-kit generates the service's migrations
 * from it; the package's tables are migrated by the package). One table, a note on a project,
 * with the package's project archetype as Drizzle policies.
 */
import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from 'ai-platform-db/schema';
import { projectScoped, rlsPolicies } from 'ai-platform-db/rls';

/** Project viewers read notes; contributors and above write them; tenant admins see all. */
export const notesAccess = projectScoped('project_notes', { read: 'viewer', write: 'contributor' });

export const projectNotes = pgTable(
  'project_notes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id').notNull(),
    body: text('body').notNull(),
    createdBy: uuid('created_by').default(sql`app.current_user_id()`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // tenant-leading keys, like every table of the package
    primaryKey({ name: 'project_notes_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.projectId], foreignColumns: [projects.tenantId, projects.id] }).onDelete('cascade'),
    index('project_notes_tenant_project_idx').on(t.tenantId, t.projectId, t.createdAt),
    ...rlsPolicies(notesAccess),
  ],
);
