/**
 * Setting a tenant up, as its people do (run under `withActor`): members and their roles
 * (tenant admins; only an owner grants or changes the owner role — the policies decide),
 * project members (the project's owners and managers), embedding models (tenant admins).
 * Creating a tenant and inviting a new person are service work: `ai-platform-db/jobs`.
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import { tenantMemberships, tenantRole, type TenantMembership } from '../schema/identity.js';
import { projectMembers, projectRole, type ProjectMember } from '../schema/projects.js';
import { embeddingModels, type EmbeddingModel } from '../schema/knowledge.js';
import { ConflictError, ForbiddenError, NotFoundError } from './errors.js';
import { id, nonBlank, parse, pgText, single } from './util.js';

export const addTenantMemberParams = z.strictObject({
  tenantId: id,
  userId: id,
  role: z.enum(tenantRole.enumValues).default('member'),
});

/** Adds an existing user to the tenant (tenant admins; `invited_by` is the actor, stamped by the database). */
export async function addTenantMember(db: DbOrTx, params: z.input<typeof addTenantMemberParams>): Promise<TenantMembership> {
  const p = parse(addTenantMemberParams, params, 'tenant member');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(tenantMemberships)
      .values({ tenantId: p.tenantId, userId: p.userId, role: p.role })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
    const [existing] = await tx
      .select()
      .from(tenantMemberships)
      .where(and(eq(tenantMemberships.tenantId, p.tenantId), eq(tenantMemberships.userId, p.userId)));
    if (!existing) throw new ForbiddenError('only tenant admins add members');
    return existing;
  });
}

export const setTenantMemberRoleParams = z.strictObject({
  tenantId: id,
  userId: id,
  role: z.enum(tenantRole.enumValues),
});

/** Changes a member's role (tenant admins; the owner role only by an owner). */
export async function setTenantMemberRole(
  db: DbOrTx,
  params: z.input<typeof setTenantMemberRoleParams>,
): Promise<TenantMembership> {
  const p = parse(setTenantMemberRoleParams, params, 'tenant member role');
  return single(db, async (tx) => {
    const [row] = await tx
      .update(tenantMemberships)
      .set({ role: p.role })
      .where(and(eq(tenantMemberships.tenantId, p.tenantId), eq(tenantMemberships.userId, p.userId)))
      .returning();
    if (!row) throw new NotFoundError(`member ${p.userId} not found (or not yours to change)`);
    return row;
  });
}

export const removeTenantMemberParams = z.strictObject({ tenantId: id, userId: id });

/** Removes a member (tenant admins, or the member leaving). */
export async function removeTenantMember(db: DbOrTx, params: z.input<typeof removeTenantMemberParams>): Promise<void> {
  const p = parse(removeTenantMemberParams, params, 'tenant member');
  await single(db, async (tx) => {
    const out = await tx
      .delete(tenantMemberships)
      .where(and(eq(tenantMemberships.tenantId, p.tenantId), eq(tenantMemberships.userId, p.userId)))
      .returning({ userId: tenantMemberships.userId });
    if (out.length === 0) throw new NotFoundError(`member ${p.userId} not found (or not yours to remove)`);
  });
}

export const listTenantMembersParams = z.strictObject({ tenantId: id });

/** The tenant's members, owners first. */
export async function listTenantMembers(
  db: DbOrTx,
  params: z.input<typeof listTenantMembersParams>,
): Promise<TenantMembership[]> {
  const p = parse(listTenantMembersParams, params, 'tenant members');
  return single(db, (tx) =>
    tx
      .select()
      .from(tenantMemberships)
      .where(eq(tenantMemberships.tenantId, p.tenantId))
      .orderBy(asc(tenantMemberships.role), asc(tenantMemberships.createdAt)),
  );
}

export const addProjectMemberParams = z.strictObject({
  tenantId: id,
  projectId: id,
  userId: id,
  role: z.enum(projectRole.enumValues).default('contributor'),
});

/** Adds a tenant member to a project, or changes their role (the project's owners and managers, tenant admins). */
export async function addProjectMember(db: DbOrTx, params: z.input<typeof addProjectMemberParams>): Promise<ProjectMember> {
  const p = parse(addProjectMemberParams, params, 'project member');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(projectMembers)
      .values({ tenantId: p.tenantId, projectId: p.projectId, userId: p.userId, role: p.role })
      .onConflictDoUpdate({
        target: [projectMembers.tenantId, projectMembers.projectId, projectMembers.userId],
        set: { role: p.role },
      })
      .returning();
    return row!;
  });
}

export const registerEmbeddingModelParams = z.strictObject({
  tenantId: id,
  name: nonBlank(200),
  dimensions: z.number().int().min(1).max(16000),
  provider: pgText(200).optional(),
  vectorStoreId: pgText(500).optional(),
});

/** Registers an embedding model of the tenant (tenant admins); idempotent by name when the dimension agrees. */
export async function registerEmbeddingModel(
  db: DbOrTx,
  params: z.input<typeof registerEmbeddingModelParams>,
): Promise<EmbeddingModel> {
  const p = parse(registerEmbeddingModelParams, params, 'embedding model');
  return single(db, async (tx) => {
    const [row] = await tx
      .insert(embeddingModels)
      .values({
        tenantId: p.tenantId,
        name: p.name,
        dimensions: p.dimensions,
        provider: p.provider ?? null,
        vectorStoreId: p.vectorStoreId ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
    const [existing] = await tx
      .select()
      .from(embeddingModels)
      .where(and(eq(embeddingModels.tenantId, p.tenantId), eq(embeddingModels.name, p.name)));
    if (!existing) throw new ForbiddenError('only tenant admins register embedding models');
    if (existing.dimensions !== p.dimensions)
      throw new ConflictError(`embedding model ${p.name} exists with ${existing.dimensions} dimensions`);
    return existing;
  });
}
