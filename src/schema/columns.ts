/**
 * Column groups and custom types shared by every domain file.
 * Every column carries its SQL name explicitly, so a consumer's own `drizzle()` (without
 * `casing`) maps the same names.
 */
import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';

/** `timestamptz` everywhere; rows come back as `Date`. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The isolation key: leads every primary key and every foreign key between tenant-owned tables. */
export const tenantId = () => uuid('tenant_id').notNull();

/** Row id, generated in the database. Unique only together with `tenant_id`. */
export const rowId = () => uuid('id').notNull().defaultRandom();

export const createdAt = () => timestamptz('created_at').notNull().defaultNow();
/** Maintained by the `app.touch_updated_at` trigger; never set by hand. */
export const updatedAt = () => timestamptz('updated_at').notNull().defaultNow();
export const lifecycleDates = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });
/** Soft delete for containers: NULL = live. Hard removal goes through the GDPR purge. */
export const deletedAt = () => timestamptz('deleted_at');

/**
 * A pgvector `vector` column without a fixed dimension, so one table holds embeddings of
 * several models. Each dimension in use is indexed by an expression HNSW index
 * `((embedding::vector(N)) vector_cosine_ops) WHERE dims = N`.
 */
export const vectorAny = customType<{ data: number[]; driverData: string }>({
  dataType() {
    return 'vector';
  },
  toDriver(value: number[]): string {
    return `[${value.join(',')}]`;
  },
  fromDriver(value: string | number[]): number[] {
    if (Array.isArray(value)) return value;
    return value
      .slice(1, -1)
      .split(',')
      .filter((s) => s.length > 0)
      .map(Number);
  },
});

/** Full-text search vector, always a generated column. */
export const tsvector = customType<{ data: string; driverData: string }>({
  dataType() {
    return 'tsvector';
  },
});

/** Encrypted secret (pgcrypto `pgp_sym_encrypt` output). Never selectable by the application role. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | string }>({
  dataType() {
    return 'bytea';
  },
});

/** IP address of an audited request. */
export const inet = customType<{ data: string; driverData: string }>({
  dataType() {
    return 'inet';
  },
});
