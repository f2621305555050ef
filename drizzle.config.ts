import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // the package's objects as a service sees them (ai-platform-db/drizzle)
  schema: './src/kit.ts',
  out: './drizzle',
  // Partitions are created by app.ensure_partitions(); drizzle-kit must not see them.
  // partitions of the time-partitioned tables (monthly and default) are created by custom SQL
  tablesFilter: ['!*_p[0-9][0-9][0-9][0-9][0-9][0-9]', '!*_default'],
  schemaFilter: ['public'],
  // Roles are created by the first custom migration; drizzle-kit must not manage them.
  entities: { roles: false },
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/postgres' },
  strict: false,
  verbose: false,
});
