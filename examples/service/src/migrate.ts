/**
 * Migrates the package (its own journal, drizzle.__ai_platform_db_migrations), then the
 * service's migrations (drizzle's default journal). Run as the database owner.
 */
import { migrate as migrateService } from 'drizzle-orm/postgres-js/migrator';
import { createDb, migrate } from 'ai-platform-db';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL');
const db = await createDb(url, { max: 1 });
try {
  await migrate(db);
  await migrateService(db as never, { migrationsFolder: new URL('../migrations', import.meta.url).pathname });
  console.log('migrated: the package, then the service');
} finally {
  await db.close();
}
