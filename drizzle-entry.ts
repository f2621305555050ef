// drizzle-kit reads the schema from this file: the tables it manages (every domain file
// except the partitioned tables, which custom migrations create) and the RLS policies
// linked to them, which must be top-level values of the module it loads.
// Not part of the package build (tsconfig.build.json includes src/ only).
/* eslint-disable */
const partitioned = require('./src/schema/partitioned.ts');
const schema = require('./src/schema/index.ts');
const { linkedPolicies } = require('./src/rls/drizzle.ts');
const skip = new Set(Object.values(partitioned));
const out: Record<string, unknown> = {};
for (const [k, v] of Object.entries(schema)) if (!skip.has(v)) out[k] = v;
Object.assign(out, linkedPolicies());
module.exports = out;
