-- Custom migration written by `npm run db:custom` from src/sql and src/rls. Do not edit by hand.
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pgcrypto;
--> statement-breakpoint
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    BEGIN
      CREATE ROLE "authenticated" NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by another database of this cluster
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    BEGIN
      CREATE ROLE "service_role" NOLOGIN NOINHERIT BYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by another database of this cluster
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    BEGIN
      CREATE ROLE "anon" NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created concurrently by another database of this cluster
    END;
  END IF;
END
$roles$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO "authenticated", "service_role", "anon";
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.claim(key text) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  raw text := nullif(current_setting('request.jwt.claims', true), '');
BEGIN
  IF raw IS NULL THEN RETURN NULL; END IF;
  RETURN raw::jsonb ->> key;
EXCEPTION WHEN others THEN
  RETURN NULL; -- malformed claims are no claims (used for audit metadata only)
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.current_user_id() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  RETURN u;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.claimed_tenant_id() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  RETURN t;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.current_tenant_id() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN NULL; END IF;
  RETURN (SELECT m.tenant_id FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.current_tenant_role() RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN NULL; END IF;
  RETURN (SELECT m.role::text FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.has_tenant_role(min_role text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN false; END IF;
  RETURN coalesce((SELECT m.role <= min_role::public.tenant_role FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u), false);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.my_tenant_ids() RETURNS uuid[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((SELECT array_agg(m.tenant_id) FROM public.tenant_memberships m WHERE m.user_id = u), '{}'::uuid[]);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.current_tenant_member_ids() RETURNS uuid[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(o.user_id) FROM public.tenant_memberships o
    WHERE o.tenant_id = (SELECT m.tenant_id FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u)
  ), '{}'::uuid[]);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.my_project_ids(min_role text) RETURNS uuid[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(pm.project_id) FROM public.project_members pm
    WHERE pm.tenant_id = (SELECT m.tenant_id FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u)
      AND pm.user_id = u
      AND pm.role <= min_role::public.project_role
  ), '{}'::uuid[]);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.my_session_ids() RETURNS uuid[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
  tid uuid;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  SELECT m.tenant_id INTO tid FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u;
  IF tid IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(DISTINCT s.id)
    FROM public.chat_sessions s
    WHERE s.tenant_id = tid
      AND (s.user_id = u
        OR EXISTS (SELECT 1 FROM public.chat_participants p
                   WHERE p.tenant_id = tid AND p.session_id = s.id AND p.user_id = u)
        OR EXISTS (SELECT 1 FROM public.project_members pm
                   WHERE pm.tenant_id = tid AND pm.project_id = s.project_id AND pm.user_id = u))
  ), '{}'::uuid[]);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.my_assigned_task_ids() RETURNS uuid[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(k.id) FROM public.tasks k
    WHERE k.tenant_id = (SELECT m.tenant_id FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u) AND k.assignee_id = u
  ), '{}'::uuid[]);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.is_system_admin() RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := c ->> 'tenant_id';
  u uuid := CASE WHEN su ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN su::uuid END;
  t uuid := CASE WHEN st ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN st::uuid END;
BEGIN
  RETURN u IS NOT NULL AND EXISTS (SELECT 1 FROM public.system_admins a WHERE a.user_id = u);
END
$fn$;
