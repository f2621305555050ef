/** Typed operations (`ai-platform-db/queries`). */
export * from './errors.js';
export * from './documents.js';
export * from './search.js';
export { canonicalJson } from './util.js';
export { TASK_TRANSITIONS, DOCUMENT_TRANSITIONS, canTransition } from '../sql/transitions.js';
export * from './tasks.js';
export * from './conversations.js';
export * from './metering.js';
export * from './apiKeys.js';
export * from './compliance.js';
export * from './projects.js';
export * from './tenants.js';
