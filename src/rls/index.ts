/** Row-level security as code (`ai-platform-db/rls`). */
export * from './archetypes.js';
export * from './roles.js';
export * from './helpers.js';
export * from './policies.js';
export * from './emit.js';
export { tablesByName } from './drizzle.js';
export * from './service.js';
export * from './probe.js';
