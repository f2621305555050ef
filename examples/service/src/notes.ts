/**
 * The service's operations: one transaction acting for the user, with the package's
 * operations and the service's own table side by side (the handle's schema is merged, so
 * `tx.query.projectNotes` is typed).
 */
import { and, desc, eq } from 'drizzle-orm';
import { withActor, type Actor, type Db } from 'ai-platform-db';
import { NotFoundError } from 'ai-platform-db/queries';
import { projects } from 'ai-platform-db/schema';
import * as service from './schema.js';
import { projectNotes } from './schema.js';

export type ServiceDb = Db<typeof service>;

export async function addNote(db: ServiceDb, actor: Actor & { tenantId: string }, projectId: string, body: string) {
  return withActor(db, actor, async (tx) => {
    // the package's table and the service's in one transaction, one actor, one schema
    const project = await tx.query.projects.findFirst({
      where: and(eq(projects.tenantId, actor.tenantId), eq(projects.id, projectId)),
    });
    if (!project) throw new NotFoundError(`project ${projectId} not found`);
    const [note] = await tx.insert(projectNotes).values({ tenantId: actor.tenantId, projectId, body }).returning();
    return note!;
  });
}

export async function listNotes(db: ServiceDb, actor: Actor & { tenantId: string }, projectId: string) {
  return withActor(db, actor, (tx) =>
    tx.query.projectNotes.findMany({
      where: and(eq(projectNotes.tenantId, actor.tenantId), eq(projectNotes.projectId, projectId)),
      orderBy: desc(projectNotes.createdAt),
    }),
  );
}
