#!/usr/bin/env bash
# Pre-release only: rebuilds drizzle/ from scratch (custom SQL, generated schema, custom SQL).
# Once a version is published, schema changes go into new migrations instead.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf drizzle
npx drizzle-kit generate --custom --name extensions_roles_helpers >/dev/null
npx drizzle-kit generate --name schema >/dev/null
for n in partitioned_tables functions_triggers rls_force_grants platform; do
  npx drizzle-kit generate --custom --name "$n" >/dev/null
done
npx tsx scripts/migrations.ts write
