/**
 * Projects (seeds 001, 003): created by any tenant member, who becomes the project's owner
 * member in the same statement (`app.project_owner_member`), so they can work in it at once;
 * a personal project is its owner's alone.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import { projects, type Project } from '../schema/projects.js';
import { id, nonBlank, parse, pgText, single } from './util.js';

export const createProjectParams = z.strictObject({
  tenantId: id,
  name: nonBlank(500),
  description: pgText(20_000).optional(),
  /** Visible to the tenant's members only by membership (false), or to every member (true). */
  isPublic: z.boolean().default(false),
  /** The actor's own project (seed 001's personal workspace project): no one else sees it. */
  isPersonal: z.boolean().default(false),
  /** How its tasks are completed: by an approving review (seed 000), or directly by the assignee (seed 003). */
  taskWorkflow: z.enum(['review', 'direct']).default('review'),
  /** In a review workflow, how many reviewers must approve a version (1..10). */
  requiredApprovals: z.number().int().min(1).max(10).default(1),
});

/** Creates a project owned by the acting user (run under `withActor`; tenant members). */
export async function createProject(db: DbOrTx, params: z.input<typeof createProjectParams>): Promise<Project> {
  const p = parse(createProjectParams, params, 'project');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(projects)
      .values({
        tenantId: p.tenantId,
        name: p.name,
        description: p.description ?? null,
        isPublic: p.isPublic,
        isPersonal: p.isPersonal,
        taskWorkflow: p.taskWorkflow,
        requiredApprovals: p.requiredApprovals,
        ownerId: sql`app.current_user_id()`,
      })
      .returning();
    return row!;
  });
}
