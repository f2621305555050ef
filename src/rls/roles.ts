/**
 * Database roles the policies and grants are written for. The defaults are Supabase's names,
 * so the committed migrations run unchanged behind Supabase; on plain PostgreSQL the first
 * migration creates them (NOLOGIN) and a login role is granted membership:
 * `GRANT authenticated, service_role TO my_service_login`.
 */
export interface RoleNames {
  /** Subject to RLS: every request acting for a user. */
  app: string;
  /** BYPASSRLS: trusted back-end jobs (purge, retention, metering, key verification). */
  service: string;
  /** Unauthenticated requests: sees only public reference data. */
  anon: string;
}

export const DEFAULT_ROLES: RoleNames = {
  app: 'authenticated',
  service: 'service_role',
  anon: 'anon',
};

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** A double-quoted SQL identifier. */
export const quoteIdent = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** Validates role names (they are written into SQL as identifiers). */
export function resolveRoles(partial: Partial<RoleNames> = {}): RoleNames {
  const roles = { ...DEFAULT_ROLES, ...partial };
  for (const [key, name] of Object.entries(roles)) {
    if (!IDENT.test(name)) throw new TypeError(`role name for "${key}" is not a plain lower-case identifier: ${name}`);
  }
  return roles;
}
