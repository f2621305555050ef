/**
 * Relations for drizzle's relational queries (`db.query.documents.findMany({ with: ... })`),
 * all in one place. Every relation between tenant-owned tables joins on tenant_id too.
 */
import { relations } from 'drizzle-orm';
import { chatParticipants, chatSessions } from './conversations.js';
import { documentRevisions, documents, projectVersionDocuments } from './documents.js';
import { artifactFiles, artifacts } from './files.js';
import { apiKeys, tenantMemberships, tenants, userProfiles, users } from './identity.js';
import { chunks, dataSources, embeddingModels, ingestedObjects } from './knowledge.js';
import { projectMembers, projects, projectVersions } from './projects.js';
import { deliverableSchemas, deliverables, reviews, taskEvents, tasks, taskVersions } from './work.js';
import { agentFailures, agentRuns, agentTaskLogs, agentTasks } from './agents.js';

export const tenantsRelations = relations(tenants, ({ many }) => ({
  memberships: many(tenantMemberships),
  projects: many(projects),
  apiKeys: many(apiKeys),
}));

export const usersRelations = relations(users, ({ many, one }) => ({
  memberships: many(tenantMemberships),
  profile: one(userProfiles, { fields: [users.id], references: [userProfiles.userId] }),
}));

export const tenantMembershipsRelations = relations(tenantMemberships, ({ one }) => ({
  tenant: one(tenants, { fields: [tenantMemberships.tenantId], references: [tenants.id] }),
  user: one(users, { fields: [tenantMemberships.userId], references: [users.id] }),
}));

export const apiKeysRelations = relations(apiKeys, ({ one }) => ({
  tenant: one(tenants, { fields: [apiKeys.tenantId], references: [tenants.id] }),
}));

export const projectsRelations = relations(projects, ({ one, many }) => ({
  tenant: one(tenants, { fields: [projects.tenantId], references: [tenants.id] }),
  members: many(projectMembers),
  versions: many(projectVersions),
  documents: many(documents),
  deliverables: many(deliverables),
  tasks: many(tasks),
}));

export const projectMembersRelations = relations(projectMembers, ({ one }) => ({
  project: one(projects, {
    fields: [projectMembers.tenantId, projectMembers.projectId],
    references: [projects.tenantId, projects.id],
  }),
  user: one(users, { fields: [projectMembers.userId], references: [users.id] }),
}));

export const projectVersionsRelations = relations(projectVersions, ({ one, many }) => ({
  project: one(projects, {
    fields: [projectVersions.tenantId, projectVersions.projectId],
    references: [projects.tenantId, projects.id],
  }),
  documents: many(projectVersionDocuments),
}));

export const documentsRelations = relations(documents, ({ one, many }) => ({
  project: one(projects, {
    fields: [documents.tenantId, documents.projectId],
    references: [projects.tenantId, projects.id],
  }),
  revisions: many(documentRevisions),
}));

export const documentRevisionsRelations = relations(documentRevisions, ({ one }) => ({
  document: one(documents, {
    fields: [documentRevisions.tenantId, documentRevisions.documentId],
    references: [documents.tenantId, documents.id],
  }),
}));

export const projectVersionDocumentsRelations = relations(projectVersionDocuments, ({ one }) => ({
  projectVersion: one(projectVersions, {
    fields: [projectVersionDocuments.tenantId, projectVersionDocuments.projectId, projectVersionDocuments.version],
    references: [projectVersions.tenantId, projectVersions.projectId, projectVersions.version],
  }),
  revision: one(documentRevisions, {
    fields: [projectVersionDocuments.tenantId, projectVersionDocuments.documentId, projectVersionDocuments.rev],
    references: [documentRevisions.tenantId, documentRevisions.documentId, documentRevisions.rev],
  }),
}));

export const deliverableSchemasRelations = relations(deliverableSchemas, ({ many }) => ({
  deliverables: many(deliverables),
}));

export const deliverablesRelations = relations(deliverables, ({ one, many }) => ({
  project: one(projects, {
    fields: [deliverables.tenantId, deliverables.projectId],
    references: [projects.tenantId, projects.id],
  }),
  schema: one(deliverableSchemas, {
    fields: [deliverables.tenantId, deliverables.schemaId],
    references: [deliverableSchemas.tenantId, deliverableSchemas.id],
  }),
  tasks: many(tasks),
}));

export const tasksRelations = relations(tasks, ({ one, many }) => ({
  project: one(projects, { fields: [tasks.tenantId, tasks.projectId], references: [projects.tenantId, projects.id] }),
  deliverable: one(deliverables, {
    fields: [tasks.tenantId, tasks.deliverableId],
    references: [deliverables.tenantId, deliverables.id],
  }),
  assignee: one(users, { fields: [tasks.assigneeId], references: [users.id] }),
  versions: many(taskVersions),
  reviews: many(reviews),
  events: many(taskEvents),
}));

export const taskVersionsRelations = relations(taskVersions, ({ one }) => ({
  task: one(tasks, { fields: [taskVersions.tenantId, taskVersions.taskId], references: [tasks.tenantId, tasks.id] }),
}));

export const reviewsRelations = relations(reviews, ({ one }) => ({
  task: one(tasks, { fields: [reviews.tenantId, reviews.taskId], references: [tasks.tenantId, tasks.id] }),
  version: one(taskVersions, {
    fields: [reviews.tenantId, reviews.taskId, reviews.version],
    references: [taskVersions.tenantId, taskVersions.taskId, taskVersions.version],
  }),
}));

export const taskEventsRelations = relations(taskEvents, ({ one }) => ({
  task: one(tasks, { fields: [taskEvents.tenantId, taskEvents.taskId], references: [tasks.tenantId, tasks.id] }),
}));

export const dataSourcesRelations = relations(dataSources, ({ many }) => ({
  objects: many(ingestedObjects),
}));

export const ingestedObjectsRelations = relations(ingestedObjects, ({ one, many }) => ({
  dataSource: one(dataSources, {
    fields: [ingestedObjects.tenantId, ingestedObjects.dataSourceId],
    references: [dataSources.tenantId, dataSources.id],
  }),
  chunks: many(chunks),
}));

export const chunksRelations = relations(chunks, ({ one }) => ({
  model: one(embeddingModels, {
    fields: [chunks.tenantId, chunks.modelId],
    references: [embeddingModels.tenantId, embeddingModels.id],
  }),
  object: one(ingestedObjects, {
    fields: [chunks.tenantId, chunks.objectId],
    references: [ingestedObjects.tenantId, ingestedObjects.id],
  }),
}));

export const chatSessionsRelations = relations(chatSessions, ({ many }) => ({
  participants: many(chatParticipants),
}));

export const chatParticipantsRelations = relations(chatParticipants, ({ one }) => ({
  session: one(chatSessions, {
    fields: [chatParticipants.tenantId, chatParticipants.sessionId],
    references: [chatSessions.tenantId, chatSessions.id],
  }),
}));

export const agentRunsRelations = relations(agentRuns, ({ many }) => ({
  failures: many(agentFailures),
}));

export const agentFailuresRelations = relations(agentFailures, ({ one }) => ({
  run: one(agentRuns, {
    fields: [agentFailures.tenantId, agentFailures.agentRunId],
    references: [agentRuns.tenantId, agentRuns.id],
  }),
}));

export const agentTasksRelations = relations(agentTasks, ({ many }) => ({
  logs: many(agentTaskLogs),
}));

export const agentTaskLogsRelations = relations(agentTaskLogs, ({ one }) => ({
  task: one(agentTasks, {
    fields: [agentTaskLogs.tenantId, agentTaskLogs.taskId],
    references: [agentTasks.tenantId, agentTasks.id],
  }),
}));

export const artifactsRelations = relations(artifacts, ({ many }) => ({
  files: many(artifactFiles),
}));

export const artifactFilesRelations = relations(artifactFiles, ({ one }) => ({
  artifact: one(artifacts, {
    fields: [artifactFiles.tenantId, artifactFiles.artifactId],
    references: [artifacts.tenantId, artifacts.id],
  }),
}));
