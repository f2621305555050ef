/**
 * The key pattern every tenant-owned table repeats: a primary key led by tenant_id, a
 * foreign key to its tenant, and (for project rows) a (tenant_id, project_id) foreign key —
 * so a row can never point at another tenant's project.
 */
import { foreignKey, primaryKey, type PgColumn } from 'drizzle-orm/pg-core';
import { tenants } from './identity.js';
import { projects } from './projects.js';

/** `<table>_pkey (tenant_id, id)` and `<table>_tenant_id_fk → tenants(id) ON DELETE CASCADE`. */
export function tenantRowKeys(table: string, t: { tenantId: PgColumn; id: PgColumn }) {
  return [
    primaryKey({ name: `${table}_pkey`, columns: [t.tenantId, t.id] }),
    foreignKey({ name: `${table}_tenant_id_fk`, columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete(
      'cascade',
    ),
  ] as const;
}

/** `<table>_project_id_fk (tenant_id, project_id) → projects(tenant_id, id) ON DELETE CASCADE`. */
export function projectFk(table: string, t: { tenantId: PgColumn; projectId: PgColumn }) {
  return foreignKey({
    name: `${table}_project_id_fk`,
    columns: [t.tenantId, t.projectId],
    foreignColumns: [projects.tenantId, projects.id],
  }).onDelete('cascade');
}
