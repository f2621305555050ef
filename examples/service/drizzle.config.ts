import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './migrations',
  // the package's time partitions are its own business
  tablesFilter: ['!*_p[0-9][0-9][0-9][0-9][0-9][0-9]', '!*_default'],
  schemaFilter: ['public'],
  entities: { roles: false },
  dbCredentials: { url: process.env.DATABASE_URL ?? '' },
});
