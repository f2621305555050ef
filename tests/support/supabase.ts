/**
 * A Supabase-shaped database on the test server, written from Supabase's documented setup:
 * the API roles (`anon`, `authenticated`, `service_role`), `authenticator` (the login role
 * PostgREST connects as; NOINHERIT, member of the three), `supabase_auth_admin` (owns `auth`),
 * a "postgres" that is not a superuser (CREATEROLE CREATEDB REPLICATION BYPASSRLS, owner of the
 * database, member of the API roles), the `extensions` schema, `search_path` =
 * `"$user", public, extensions`, default privileges granting ALL on new tables, sequences and
 * functions in `public` to the three API roles, and `auth.users`, `auth.uid()`, `auth.role()`,
 * `auth.jwt()` as Supabase defines them. The cluster's bootstrap superuser cannot be demoted,
 * so the database's "postgres" is the role `supa_postgres`.
 */
import postgres from 'postgres';
import { inject } from 'vitest';
import { withDatabase } from './backends.js';

export const SUPA_POSTGRES = 'supa_postgres';
export const AUTHENTICATOR = 'supa_authenticator';
export const AUTH_ADMIN = 'supabase_auth_admin';

const ROLES = `DO $r$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${AUTHENTICATOR}') THEN CREATE ROLE ${AUTHENTICATOR} LOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${AUTH_ADMIN}') THEN CREATE ROLE ${AUTH_ADMIN} LOGIN NOINHERIT CREATEROLE; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SUPA_POSTGRES}') THEN
    CREATE ROLE ${SUPA_POSTGRES} LOGIN NOSUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another test file, same instant
END $r$`;

/** What runs inside the new database (as the superuser), before anything of the package. */
const INSIDE = (preEnableVector: boolean) => [
  `GRANT anon, authenticated, service_role TO ${AUTHENTICATOR}`,
  `GRANT anon, authenticated, service_role TO ${SUPA_POSTGRES}`,
  `CREATE SCHEMA extensions AUTHORIZATION ${SUPA_POSTGRES}`,
  `GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role`,
  `GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role`,
  `ALTER DEFAULT PRIVILEGES FOR ROLE ${SUPA_POSTGRES} IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role`,
  `ALTER DEFAULT PRIVILEGES FOR ROLE ${SUPA_POSTGRES} IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role`,
  `ALTER DEFAULT PRIVILEGES FOR ROLE ${SUPA_POSTGRES} IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role`,
  `CREATE SCHEMA auth AUTHORIZATION ${AUTH_ADMIN}`,
  `CREATE TABLE auth.users (
     instance_id uuid, id uuid PRIMARY KEY, aud varchar(255), role varchar(255),
     email varchar(255), encrypted_password varchar(255), email_confirmed_at timestamptz,
     phone text UNIQUE DEFAULT NULL, phone_confirmed_at timestamptz,
     raw_app_meta_data jsonb, raw_user_meta_data jsonb, is_super_admin boolean,
     is_anonymous boolean NOT NULL DEFAULT false,
     created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(), deleted_at timestamptz)`,
  `ALTER TABLE auth.users OWNER TO ${AUTH_ADMIN}`,
  // supabase/auth's helpers (migrations/20221208132122_backfill_email_last_sign_in_at… and init)
  `CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
     SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                     (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $$`,
  `CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
     SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                     (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $$`,
  `CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
     SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                     nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$`,
  `ALTER FUNCTION auth.uid() OWNER TO ${AUTH_ADMIN}`,
  `ALTER FUNCTION auth.role() OWNER TO ${AUTH_ADMIN}`,
  `ALTER FUNCTION auth.jwt() OWNER TO ${AUTH_ADMIN}`,
  `GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role, ${SUPA_POSTGRES}`,
  `GRANT ALL ON auth.users TO ${SUPA_POSTGRES}`,
  ...(preEnableVector ? [ENABLE_VECTOR] : []),
];

/** What Supabase's dashboard (Database → Extensions) does: vector in schema extensions. */
const ENABLE_VECTOR = `CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions`;

export interface SupabaseDb {
  /** The database as Supabase's postgres (not a superuser). */
  postgresUrl: string;
  /** As PostgREST's login role. */
  authenticatorUrl: string;
  /** As Supabase Auth (GoTrue). */
  authUrl: string;
  /** Enables vector in schema extensions, as the dashboard does. */
  enableVector(): Promise<void>;
  drop(): Promise<void>;
}

/** A fresh Supabase-shaped database (server only). */
export async function supabaseDatabase(tag: string, options: { preEnableVector: boolean }): Promise<SupabaseDb> {
  const base = inject('serverUrl');
  const name = `aipdb_supa_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(ROLES);
  await admin.unsafe(`CREATE DATABASE "${name}" OWNER ${SUPA_POSTGRES}`);
  await admin.unsafe(`ALTER DATABASE "${name}" SET search_path = "$user", public, extensions`);
  const url = withDatabase(base, name);
  const inside = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const stmt of INSIDE(options.preEnableVector)) await inside.unsafe(stmt);
  } finally {
    await inside.end();
  }
  const as = (role: string) => {
    const u = new URL(url);
    u.username = role;
    u.password = '';
    return u.toString();
  };
  return {
    postgresUrl: as(SUPA_POSTGRES),
    authenticatorUrl: as(AUTHENTICATOR),
    authUrl: as(AUTH_ADMIN),
    enableVector: async () => {
      const c = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await c.unsafe(ENABLE_VECTOR);
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
