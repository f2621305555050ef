/** The first release, v0.1.0 (commit 0aaaa55): its migrations, pinned by drizzle/catalogue.json. */
export const V0_1_0_TAGS = [
  '0000_extensions_roles_helpers',
  '0001_schema',
  '0002_partitioned_tables',
  '0003_functions_triggers',
  '0004_rls_force_grants',
  '0005_platform',
] as const;
export const V0_1_0 = V0_1_0_TAGS.length;
