/**
 * Service-role jobs (`ai-platform-db/jobs`): trusted back-end work that bypasses RLS — API key
 * verification, GDPR purges, retention, partition maintenance, usage rollups. Each takes the
 * root `Db` handle and opens its own service-role transactions; none accepts an actor's
 * transaction, and `withService` refuses to run inside one.
 */
export * from './apiKeys.js';
export * from './compliance.js';
export * from './metering.js';
export * from './tenants.js';
export * from './searchIndexes.js';
export * from './citus.js';
