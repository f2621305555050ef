/**
 * SQL helper functions the policies call, in schema `app`. All are STABLE, SECURITY
 * DEFINER with a pinned search_path, and are called from policies wrapped as
 * `(select app.fn(...))` so PostgreSQL evaluates each once per statement (an InitPlan),
 * not once per row. They are owned by the migrating role, which must bypass RLS
 * (superuser, or Supabase's `postgres`), so reading the membership tables inside them is
 * not itself filtered by the policies that call them (seed 001's recursive policy defect).
 *
 * The actor comes from the transaction-local setting `request.jwt.claims` (what Supabase's
 * API layer sets): `sub` is the user, `tenant_id` the tenant the request acts for. A tenant
 * claim counts only when the user really is a member of an active tenant, so a forged claim
 * sees nothing. Written in PL/pgSQL so they can be created before the tables they read.
 */
export const head = (signature: string, returns: string) =>
  `CREATE OR REPLACE FUNCTION app.${signature} RETURNS ${returns}
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$`;

export const UUID_RE = `'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`;

/**
 * Reads the actor from the claims into `u` (user) and `t` (claimed tenant), inline: every
 * helper does this itself and then runs one query, because nested SECURITY DEFINER calls
 * (each with its own search_path switch) tripled the cost of a policy (bench P2).
 * Malformed claims JSON raises an error: fail closed. The tenant claim is `tenant_id`, or
 * Supabase Auth's `app_metadata.tenant_id` (only the service role writes app_metadata); either
 * way it counts only for a member of that tenant.
 */
export const ACTOR_DECLARE = `DECLARE
  c jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  su text := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), c ->> 'sub');
  st text := coalesce(c ->> 'tenant_id', c -> 'app_metadata' ->> 'tenant_id');
  u uuid := CASE WHEN su ~ ${UUID_RE} THEN su::uuid END;
  t uuid := CASE WHEN st ~ ${UUID_RE} THEN st::uuid END;`;

/** The tenant claim counts only for a member of an active, live tenant. */
const MEMBER_OF_CLAIMED = `FROM public.tenant_memberships m
    JOIN public.tenants tn ON tn.id = m.tenant_id AND tn.status = 'active' AND tn.deleted_at IS NULL
    WHERE m.tenant_id = t AND m.user_id = u`;

/** The chat sessions of the actor's tenant it started or takes part in (or, with `projects`, of its projects). */
function sessionIdsHelper(name: string, projects: boolean): string {
  const ofProjects = projects
    ? `
        OR EXISTS (SELECT 1 FROM public.project_members pm
                   WHERE pm.tenant_id = tid AND pm.project_id = s.project_id AND pm.user_id = u)`
    : '';
  return `${head(`${name}()`, 'uuid[]')}
${ACTOR_DECLARE}
  tid uuid;
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  SELECT m.tenant_id INTO tid ${MEMBER_OF_CLAIMED};
  IF tid IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(DISTINCT s.id)
    FROM public.chat_sessions s
    WHERE s.tenant_id = tid
      AND (s.user_id = u
        OR EXISTS (SELECT 1 FROM public.chat_participants p
                   WHERE p.tenant_id = tid AND p.session_id = s.id AND p.user_id = u)${ofProjects})
  ), '{}'::uuid[]);
END
$fn$`;
}

/** One statement per entry (PGlite runs migration statements one at a time). */
export function helperFunctionsSql(): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS app`,
    `${head('claim(key text)', 'text')}
DECLARE
  raw text := nullif(current_setting('request.jwt.claims', true), '');
BEGIN
  IF raw IS NULL THEN RETURN NULL; END IF;
  RETURN raw::jsonb ->> key;
EXCEPTION WHEN others THEN
  RETURN NULL; -- malformed claims are no claims (used for audit metadata only)
END
$fn$`,
    `${head('current_user_id()', 'uuid')}
${ACTOR_DECLARE}
BEGIN
  RETURN u;
END
$fn$`,
    `${head('claimed_tenant_id()', 'uuid')}
${ACTOR_DECLARE}
BEGIN
  RETURN t;
END
$fn$`,
    `${head('current_tenant_id()', 'uuid')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN NULL; END IF;
  RETURN (SELECT m.tenant_id ${MEMBER_OF_CLAIMED});
END
$fn$`,
    `${head('current_tenant_role()', 'text')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN NULL; END IF;
  RETURN (SELECT m.role::text ${MEMBER_OF_CLAIMED});
END
$fn$`,
    // Enum order is rank order (owner < admin < member < viewer), so "at least" is <=.
    `${head('has_tenant_role(min_role text)', 'boolean')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN false; END IF;
  RETURN coalesce((SELECT m.role <= min_role::public.tenant_role ${MEMBER_OF_CLAIMED}), false);
END
$fn$`,
    `${head('my_tenant_ids()', 'uuid[]')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((SELECT array_agg(m.tenant_id) FROM public.tenant_memberships m WHERE m.user_id = u), '{}'::uuid[]);
END
$fn$`,
    `${head('current_tenant_member_ids()', 'uuid[]')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(o.user_id) FROM public.tenant_memberships o
    WHERE o.tenant_id = (SELECT m.tenant_id ${MEMBER_OF_CLAIMED})
  ), '{}'::uuid[]);
END
$fn$`,
    `${head('my_project_ids(min_role text)', 'uuid[]')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(pm.project_id) FROM public.project_members pm
    WHERE pm.tenant_id = (SELECT m.tenant_id ${MEMBER_OF_CLAIMED})
      AND pm.user_id = u
      AND pm.role <= min_role::public.project_role
  ), '{}'::uuid[]);
END
$fn$`,
    // Other users' personal projects in the claimed tenant: out of a tenant admin's reach.
    `${head('foreign_personal_project_ids()', 'uuid[]')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(p.id) FROM public.projects p
    WHERE p.tenant_id = (SELECT m.tenant_id ${MEMBER_OF_CLAIMED})
      AND p.is_personal AND p.owner_id IS DISTINCT FROM u
  ), '{}'::uuid[]);
END
$fn$`,
    // Chat sessions inside other users' personal projects: out of a tenant admin's reach.
    `${head('foreign_personal_session_ids()', 'uuid[]')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(cs.id) FROM public.chat_sessions cs
    JOIN public.projects p ON p.tenant_id = cs.tenant_id AND p.id = cs.project_id
    WHERE cs.tenant_id = (SELECT m.tenant_id ${MEMBER_OF_CLAIMED})
      AND p.is_personal AND p.owner_id IS DISTINCT FROM u
  ), '{}'::uuid[]);
END
$fn$`,
    // Sessions the user started or takes part in, and sessions of their projects.
    sessionIdsHelper('my_session_ids', true),
    // writers of a session: its starter and participants (project members only read)
    sessionIdsHelper('my_writable_session_ids', false),
    `${head('my_assigned_task_ids()', 'uuid[]')}
${ACTOR_DECLARE}
BEGIN
  IF u IS NULL OR t IS NULL THEN RETURN '{}'::uuid[]; END IF;
  RETURN coalesce((
    SELECT array_agg(k.id) FROM public.tasks k
    WHERE k.tenant_id = (SELECT m.tenant_id ${MEMBER_OF_CLAIMED}) AND k.assignee_id = u
  ), '{}'::uuid[]);
END
$fn$`,
    `${head('is_system_admin()', 'boolean')}
${ACTOR_DECLARE}
BEGIN
  RETURN u IS NOT NULL AND EXISTS (SELECT 1 FROM public.system_admins a WHERE a.user_id = u);
END
$fn$`,
  ];
}
