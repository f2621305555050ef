/**
 * Setting a tenant up through typed operations (seed 001/002/003 on-boarding): a tenant with
 * its owner, members and roles, invitations, project members, embedding models. Both backends.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { withActor } from '../src/actor.js';
import { createTenant, inviteUser } from '../src/jobs/tenants.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../src/queries/errors.js';
import { createProject } from '../src/queries/projects.js';
import {
  addProjectMember,
  addTenantMember,
  listTenantMembers,
  registerEmbeddingModel,
  removeTenantMember,
  setTenantMemberRole,
} from '../src/queries/tenants.js';
import * as s from '../src/schema/index.js';
import { rejectsWith } from './support/expect.js';
import { describeBackends } from './support/harness.js';

describeBackends('tenant set-up operations', (t) => {
  const ids: Record<string, string> = {};
  const as = (who: string) => ({ userId: ids[who]!, tenantId: ids.tenant! });

  beforeAll(async () => {
    const { db } = t();
    for (const who of ['olga', 'adam', 'mia', 'vic', 'eve']) {
      const [u] = await db.insert(s.users).values({ email: `${who}-${Date.now()}@example.test` }).returning();
      ids[who] = u!.id;
    }
  });

  it('creates a tenant with its owner; a taken slug is a ConflictError; bad input a ValidationError', async () => {
    const { db } = t();
    const slug = `acme-${Date.now().toString(36)}`;
    const { tenant, owner } = await createTenant(db, { name: 'Acme', slug, ownerId: ids.olga! });
    ids.tenant = tenant.id;
    expect(owner).toMatchObject({ tenantId: tenant.id, userId: ids.olga, role: 'owner' });
    await rejectsWith(createTenant(db, { name: 'Acme 2', slug, ownerId: ids.adam! }), ConflictError);
    await rejectsWith(createTenant(db, { name: 'x', slug: 'Not A Slug', ownerId: ids.adam! }), ValidationError);
  });

  it('the owner adds members; an admin adds members but not owners; a member adds no one', async () => {
    const { db } = t();
    await withActor(db, as('olga'), (tx) => addTenantMember(tx, { tenantId: ids.tenant!, userId: ids.adam!, role: 'admin' }));
    const added = await withActor(db, as('adam'), (tx) => addTenantMember(tx, { tenantId: ids.tenant!, userId: ids.mia! }));
    expect(added).toMatchObject({ role: 'member', invitedBy: ids.adam });
    await rejectsWith(
      withActor(db, as('adam'), (tx) => addTenantMember(tx, { tenantId: ids.tenant!, userId: ids.vic!, role: 'owner' })),
      ForbiddenError,
    );
    await rejectsWith(withActor(db, as('mia'), (tx) => addTenantMember(tx, { tenantId: ids.tenant!, userId: ids.vic! })), ForbiddenError);
    await withActor(db, as('adam'), (tx) => addTenantMember(tx, { tenantId: ids.tenant!, userId: ids.vic!, role: 'viewer' }));
    const members = await withActor(db, as('mia'), (tx) => listTenantMembers(tx, { tenantId: ids.tenant! }));
    expect(members.map((m) => m.role)).toEqual(['owner', 'admin', 'member', 'viewer']);
    // another tenant's user sees none of them
    expect(await withActor(db, { userId: ids.eve!, tenantId: ids.tenant! }, (tx) => listTenantMembers(tx, { tenantId: ids.tenant! }))).toEqual([]);
  });

  it('roles change by the rules; members leave or are removed', async () => {
    const { db } = t();
    const up = await withActor(db, as('adam'), (tx) => setTenantMemberRole(tx, { tenantId: ids.tenant!, userId: ids.vic!, role: 'member' }));
    expect(up.role).toBe('member');
    await rejectsWith(
      withActor(db, as('adam'), (tx) => setTenantMemberRole(tx, { tenantId: ids.tenant!, userId: ids.olga!, role: 'member' })),
      NotFoundError,
    );
    await withActor(db, as('vic'), (tx) => removeTenantMember(tx, { tenantId: ids.tenant!, userId: ids.vic! }));
    await rejectsWith(
      withActor(db, as('mia'), (tx) => removeTenantMember(tx, { tenantId: ids.tenant!, userId: ids.adam! })),
      NotFoundError,
    );
  });

  it('invites a new person by e-mail (an invited account) and an existing one; only admins invite', async () => {
    const { db } = t();
    const email = `newcomer-${Date.now()}@example.test`;
    const first = await inviteUser(db, { tenantId: ids.tenant!, email, role: 'member', invitedBy: ids.adam! });
    expect(first.created).toBe(true);
    expect(first.membership).toMatchObject({ role: 'member', invitedBy: ids.adam });
    const again = await inviteUser(db, { tenantId: ids.tenant!, email: email.toUpperCase(), invitedBy: ids.adam! });
    expect(again).toMatchObject({ created: false, user: { id: first.user.id } });
    await rejectsWith(inviteUser(db, { tenantId: ids.tenant!, email: 'x@example.test', invitedBy: ids.mia! }), ConflictError);
    await rejectsWith(inviteUser(db, { tenantId: ids.tenant!, email: 'x@example.test', role: 'owner', invitedBy: ids.adam! }), ConflictError);
    await rejectsWith(inviteUser(db, { tenantId: ids.tenant!, email: 'not an address', invitedBy: ids.adam! }), ValidationError);
  });

  it('a project’s owner adds project members; a plain member of the project does not', async () => {
    const { db } = t();
    const project = await withActor(db, as('mia'), (tx) => createProject(tx, { tenantId: ids.tenant!, name: 'Quay' }));
    await withActor(db, as('olga'), (tx) => addTenantMember(tx, { tenantId: ids.tenant!, userId: ids.vic! }));
    const m = await withActor(db, as('mia'), (tx) =>
      addProjectMember(tx, { tenantId: ids.tenant!, projectId: project.id, userId: ids.vic!, role: 'contributor' }),
    );
    expect(m).toMatchObject({ role: 'contributor', invitedBy: ids.mia });
    await rejectsWith(
      withActor(db, as('vic'), (tx) => addProjectMember(tx, { tenantId: ids.tenant!, projectId: project.id, userId: ids.adam!, role: 'viewer' })),
      ForbiddenError,
    );
  });

  it('tenant admins register embedding models (idempotent by name, a different dimension conflicts); members cannot', async () => {
    const { db } = t();
    const model = await withActor(db, as('adam'), (tx) =>
      registerEmbeddingModel(tx, { tenantId: ids.tenant!, name: 'text-embedding-3-small', dimensions: 1536, provider: 'openai' }),
    );
    const again = await withActor(db, as('adam'), (tx) =>
      registerEmbeddingModel(tx, { tenantId: ids.tenant!, name: 'text-embedding-3-small', dimensions: 1536 }),
    );
    expect(again.id).toBe(model.id);
    await rejectsWith(
      withActor(db, as('adam'), (tx) => registerEmbeddingModel(tx, { tenantId: ids.tenant!, name: 'text-embedding-3-small', dimensions: 384 })),
      ConflictError,
    );
    await rejectsWith(
      withActor(db, as('mia'), (tx) => registerEmbeddingModel(tx, { tenantId: ids.tenant!, name: 'mine', dimensions: 8 })),
      ForbiddenError,
    );
    const n = await db.execute(sql`select count(*)::int as n from embedding_models where tenant_id = ${ids.tenant!}`);
    expect(JSON.stringify(n)).toContain('"n":1');
  });
});
