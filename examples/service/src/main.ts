/**
 * One day of the service, end to end on a migrated (or pushed) database: a tenant and its
 * people set up by the package's operations, notes written and read through the service's
 * table under the package's policies, and the doors that must stay shut. Exits 1 on any
 * surprise.
 */
import { sql } from 'drizzle-orm';
import { createDb, withActor } from 'ai-platform-db';
import { createProject, ForbiddenError } from 'ai-platform-db/queries';
import { projectMembers, tenantMemberships, tenants, users } from 'ai-platform-db/schema';
import * as service from './schema.js';
import { projectNotes } from './schema.js';
import { addNote, listNotes } from './notes.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL');
const db = await createDb(url, { max: 2, schema: service });
const fail = (what: string) => {
  console.error(`example service: ${what}`);
  process.exitCode = 1;
};
try {
  const tag = Math.random().toString(36).slice(2, 8);
  // set-up rows written by the migration owner (bypasses RLS), as a sign-up flow would
  const [acme] = await db.insert(tenants).values({ name: 'Acme', slug: `acme-${tag}` }).returning();
  const [other] = await db.insert(tenants).values({ name: 'Other', slug: `other-${tag}` }).returning();
  const [ada, ben, eve] = await db
    .insert(users)
    .values(['ada', 'ben', 'eve'].map((n) => ({ email: `${n}-${tag}@example.test` })))
    .returning();
  await db.insert(tenantMemberships).values([
    { tenantId: acme!.id, userId: ada!.id, role: 'member' },
    { tenantId: acme!.id, userId: ben!.id, role: 'member' },
    { tenantId: other!.id, userId: eve!.id, role: 'owner' },
  ]);
  const asAda = { userId: ada!.id, tenantId: acme!.id };
  const asBen = { userId: ben!.id, tenantId: acme!.id };
  const asEve = { userId: eve!.id, tenantId: other!.id };

  // a package operation in a transaction of the merged handle: Ada owns her project
  const project = await withActor(db, asAda, (tx) => createProject(tx, { tenantId: acme!.id, name: 'Harbour' }));
  const note = await addNote(db, asAda, project.id, 'check the anchors');
  if (note.createdBy !== ada!.id) fail('created_by is not the acting user');
  // authorship is the database's: a client-supplied author is replaced by the acting user
  const [claimed] = await withActor(db, asAda, (tx) =>
    tx.insert(projectNotes).values({ tenantId: acme!.id, projectId: project.id, body: 'by Ben?', createdBy: ben!.id }).returning(),
  );
  if (claimed!.createdBy !== ada!.id) fail('a note was attributed to someone else');
  const rewritten = await withActor(db, asAda, (tx) =>
    tx.update(projectNotes).set({ createdBy: ben!.id }).where(sql`id = ${claimed!.id}`),
  ).then(() => 'rewritten', () => 'refused');
  if (rewritten !== 'refused') fail('the author of a note was rewritten by an UPDATE');
  await withActor(db, asAda, (tx) => tx.delete(projectNotes).where(sql`id = ${claimed!.id}`));
  if ((await listNotes(db, asAda, project.id)).length !== 1) fail('Ada cannot read her note');

  // Ben is in the tenant but not the project: he sees nothing and cannot write
  if ((await listNotes(db, asBen, project.id)).length !== 0) fail('a non-member read a project note');
  const benWrite = await addNote(db, asBen, project.id, 'sneaky').then(
    () => 'written',
    (e: unknown) => (e as Error).constructor.name,
  );
  if (benWrite === 'written') fail('a non-member wrote a project note');
  await withActor(db, asAda, (tx) =>
    tx.insert(projectMembers).values({ tenantId: acme!.id, projectId: project.id, userId: ben!.id, role: 'viewer' }),
  );
  if ((await listNotes(db, asBen, project.id)).length !== 1) fail('a project viewer cannot read');
  const viewerWrite = await addNote(db, asBen, project.id, 'viewer write').then(() => 'written', () => 'refused');
  if (viewerWrite !== 'refused') fail('a project viewer wrote a note');

  // another tenant, raw SQL as the app role, a forged tenant claim: nothing of Acme's
  if ((await listNotes(db, asEve, project.id)).length !== 0) fail('another tenant read a note');
  const forged = await withActor(db, { userId: eve!.id, tenantId: acme!.id }, (tx) =>
    tx.execute(sql`select count(*)::int as n from project_notes`),
  );
  if (Number((forged as unknown as { n: number }[])[0]!.n) !== 0) fail('a forged tenant claim read notes');
  // (a failed statement aborts its transaction: the refusal is the transaction's error)
  const raw = await withActor(db, asEve, (tx) =>
    tx.execute(sql`insert into project_notes (tenant_id, project_id, body) values (${acme!.id}, ${project.id}, 'x')`),
  ).then(
    () => 'written',
    (e: unknown) => String((e as { code?: string; cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code ?? e),
  );
  if (raw === 'written') fail('raw SQL wrote into another tenant');
  void ForbiddenError;
  console.log(
    `example service: notes under the package's policies — owner writes and reads, authorship stamped, non-member ${benWrite === 'written' ? 'WROTE' : 'refused'}, viewer reads and is refused writes, other tenant and forged claim see 0, raw cross-tenant insert refused (${raw})`,
  );
} finally {
  await db.close();
}
