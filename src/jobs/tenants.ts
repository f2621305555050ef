/**
 * Tenant set-up that no end user may do alone (service role): creating a tenant with its
 * owner, and inviting a person who may not have an account yet.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db.js';
import { withService } from '../actor.js';
import { ConflictError, mapErrors } from '../queries/errors.js';
import { id, nonBlank, parse, pgText } from '../queries/util.js';
import { tenantMemberships, tenantRole, tenants, users, type Tenant, type TenantMembership, type User } from '../schema/identity.js';

export const createTenantParams = z.strictObject({
  name: nonBlank(200),
  /** URL name, unique: lower-case letters, digits and dashes. */
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and dashes'),
  /** The user who owns it (becomes its owner member). */
  ownerId: id,
  description: pgText(5000).optional(),
  companyName: pgText(500).optional(),
  /** Seed 001: new users with these verified e-mail domains join automatically (verify them first). */
  companyEmailDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/)).max(50).optional(),
  /** Seed 001's global workspace (one per database). */
  isGlobal: z.boolean().optional(),
  retentionDays: z.number().int().min(1).max(36500).optional(),
});

/** Creates a tenant and its owner membership, atomically. A taken slug is a ConflictError. */
export async function createTenant(
  db: Db,
  params: z.input<typeof createTenantParams>,
): Promise<{ tenant: Tenant; owner: TenantMembership }> {
  const p = parse(createTenantParams, params, 'tenant');
  return mapErrors(() =>
    withService(
      db,
      async (tx) => {
        const [tenant] = await tx
          .insert(tenants)
          .values({
            name: p.name,
            slug: p.slug,
            description: p.description ?? null,
            companyName: p.companyName ?? null,
            companyEmailDomains: p.companyEmailDomains ?? [],
            isGlobal: p.isGlobal ?? false,
            retentionDays: p.retentionDays ?? null,
          })
          .onConflictDoNothing()
          .returning();
        if (!tenant) throw new ConflictError(`a tenant with slug ${p.slug} exists`);
        const [owner] = await tx
          .insert(tenantMemberships)
          .values({ tenantId: tenant.id, userId: p.ownerId, role: 'owner' })
          .onConflictDoUpdate({ target: [tenantMemberships.tenantId, tenantMemberships.userId], set: { role: 'owner' } })
          .returning();
        return { tenant, owner: owner! };
      },
      { actorId: p.ownerId },
    ),
  );
}

export const inviteUserParams = z.strictObject({
  tenantId: id,
  email: z.email().max(320),
  role: z.enum(tenantRole.enumValues).default('member'),
  /** The tenant admin who invites (recorded as `invited_by`). */
  invitedBy: id,
});

/**
 * Invites a person by e-mail (seed 001): an account in status `invited` when there is none
 * (on Supabase, the auth sync fills it in at sign-up), and a membership recorded as invited
 * by `invitedBy`, who must be an admin of the tenant. Idempotent.
 */
export async function inviteUser(
  db: Db,
  params: z.input<typeof inviteUserParams>,
): Promise<{ user: User; membership: TenantMembership; created: boolean }> {
  const p = parse(inviteUserParams, params, 'invitation');
  return mapErrors(() =>
    withService(
      db,
      async (tx) => {
        const [admin] = await tx
          .select({ role: tenantMemberships.role })
          .from(tenantMemberships)
          .where(and(eq(tenantMemberships.tenantId, p.tenantId), eq(tenantMemberships.userId, p.invitedBy)));
        if (!admin || !['owner', 'admin'].includes(admin.role) || (p.role === 'owner' && admin.role !== 'owner')) {
          throw new ConflictError('only an admin of the tenant invites (and only an owner invites an owner)');
        }
        const [made] = await tx
          .insert(users)
          .values({ email: p.email, status: 'invited' })
          .onConflictDoNothing()
          .returning();
        const user =
          made ?? (await tx.select().from(users).where(sql`lower(${users.email}) = lower(${p.email})`))[0];
        if (!user) throw new ConflictError(`no account for ${p.email} and none could be made`);
        const [membership] = await tx
          .insert(tenantMemberships)
          .values({ tenantId: p.tenantId, userId: user.id, role: p.role, invitedBy: p.invitedBy })
          .onConflictDoNothing()
          .returning();
        const existing =
          membership ??
          (
            await tx
              .select()
              .from(tenantMemberships)
              .where(and(eq(tenantMemberships.tenantId, p.tenantId), eq(tenantMemberships.userId, user.id)))
          )[0]!;
        return { user, membership: existing, created: !!made };
      },
      { actorId: p.invitedBy },
    ),
  );
}
