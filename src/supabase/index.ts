/**
 * Supabase, opt-in (`ai-platform-db/supabase`): what a project on Supabase adds after
 * `migrate(db)`. Apply it with `installSupabase(db)` as `postgres`, or put
 * `supabaseStatements()` (`ai-platform-db supabase:sql`) in a migration of your own.
 *
 * - `public.custom_access_token_hook(event)`: Supabase Auth's Custom Access Token Hook. Adds the
 *   `tenant_id` claim the policies read: the tenant named in `app_metadata.tenant_id` when the
 *   user is a member of it, else the membership marked `is_default`, else a company tenant
 *   before the global workspace, else the highest role, else the oldest membership. Without a
 *   membership the claim is removed (the user sees nothing tenant-scoped).
 * - `auth.users` -> `public.users`: sign-ups (anonymous and phone-only users too) get their
 *   row, e-mail and phone changes follow, and deleting the auth user erases them through the
 *   package's purge in every tenant they belong to (`app.erase_user`), history rules intact.
 * - `public.<table>_readable` views for the tables with hidden columns: supabase-js's
 *   `.select()` sends `select *`, which a column grant refuses; the view lists the visible
 *   columns and runs with the caller's rights (`security_invoker`), so RLS still applies.
 */
import { applyStatements, type Db } from '../db.js';
import { UUID_RE } from '../rls/helpers.js';
import { TABLE_ACCESS } from '../rls/policies.js';
import { quoteIdent, resolveRoles, type RoleNames } from '../rls/roles.js';
import { visibleColumns } from '../rls/tables.js';
import { DEFINER } from '../sql/functions.js';

export interface SupabaseOptions {
  /** Role names (Supabase's by default). */
  roles?: Partial<RoleNames>;
  /** Supabase Auth's database role (runs the hook). Default `supabase_auth_admin`. */
  authRole?: string;
}

const q = quoteIdent;

/** The tables whose hidden columns make `select *` fail for the app role, and their visible columns. */
export function readableViews(): { table: string; view: string; columns: string[] }[] {
  return TABLE_ACCESS.filter((a) => a.hiddenColumns.length > 0 && a.grants.includes('select')).map((a) => ({
    table: a.table,
    view: `${a.table}_readable`,
    columns: visibleColumns(a),
  }));
}

/** The Supabase statements, one per entry, idempotent. */
export function supabaseStatements(options: SupabaseOptions = {}): string[] {
  const r = resolveRoles(options.roles);
  const auth = options.authRole ?? 'supabase_auth_admin';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(auth)) throw new TypeError(`not a role name: ${auth}`);
  const s: string[] = [];

  // ---------------------------------------------------------------- the access-token hook
  s.push(`CREATE OR REPLACE FUNCTION public.custom_access_token_hook(event jsonb) RETURNS jsonb
  LANGUAGE plpgsql STABLE ${DEFINER}
AS $fn$
DECLARE
  claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  su text := event ->> 'user_id';
  wanted_text text := claims -> 'app_metadata' ->> 'tenant_id';
  u uuid := CASE WHEN su ~ ${UUID_RE} THEN su::uuid END;
  wanted uuid := CASE WHEN wanted_text ~ ${UUID_RE} THEN wanted_text::uuid END;
  chosen uuid;
BEGIN
  IF u IS NOT NULL THEN
    SELECT m.tenant_id INTO chosen
      FROM public.tenant_memberships m
      JOIN public.tenants t ON t.id = m.tenant_id AND t.status = 'active' AND t.deleted_at IS NULL
     WHERE m.user_id = u
     ORDER BY (m.tenant_id = wanted) IS TRUE DESC, m.is_default DESC, t.is_global ASC, m.role ASC, m.created_at ASC, m.tenant_id
     LIMIT 1;
  END IF;
  IF chosen IS NULL THEN
    claims := claims - 'tenant_id';
  ELSE
    claims := jsonb_set(claims, '{tenant_id}', to_jsonb(chosen::text));
  END IF;
  RETURN jsonb_set(event, '{claims}', claims);
END
$fn$`);
  s.push(
    `REVOKE ALL ON FUNCTION public.custom_access_token_hook(jsonb) FROM PUBLIC, ${q(r.app)}, ${q(r.anon)}, ${q(r.service)}`,
    `DO $g$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${auth}') THEN
    GRANT USAGE ON SCHEMA public TO ${q(auth)};
    GRANT EXECUTE ON FUNCTION public.custom_access_token_hook(jsonb) TO ${q(auth)};
  END IF;
END $g$`,
  );

  // ---------------------------------------------------------------- erasure of a user everywhere
  s.push(`CREATE OR REPLACE FUNCTION app.erase_user(p_user uuid) RETURNS integer
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
DECLARE
  tid uuid;
  req uuid;
  step jsonb;
  tenants integer := 0;
BEGIN
  FOR tid IN SELECT DISTINCT m.tenant_id FROM public.tenant_memberships m WHERE m.user_id = p_user LOOP
    INSERT INTO public.deletion_requests (tenant_id, scope, user_id) VALUES (tid, 'user', p_user) RETURNING id INTO req;
    PERFORM app.gdpr_dry_run(tid, req);
    LOOP
      step := app.gdpr_purge_step(tid, req, 5000);
      EXIT WHEN (step ->> 'done')::boolean;
    END LOOP;
    tenants := tenants + 1;
  END LOOP;
  -- the global identity keeps its id (the erasure records name it) and loses everything else
  DELETE FROM public.user_profiles WHERE user_id = p_user;
  UPDATE public.users
     SET email = NULL, phone = NULL, full_name = NULL, stripe_customer_id = NULL,
         status = 'archived', deleted_at = coalesce(deleted_at, now())
   WHERE id = p_user;
  RETURN tenants;
END
$fn$`);
  s.push(`REVOKE ALL ON FUNCTION app.erase_user(uuid) FROM PUBLIC, ${q(r.app)}, ${q(r.anon)}`);
  s.push(`GRANT EXECUTE ON FUNCTION app.erase_user(uuid) TO ${q(r.service)}`);

  // ---------------------------------------------------------------- auth.users -> public.users
  s.push(`CREATE OR REPLACE FUNCTION app.sync_auth_user() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public.users (id, email, phone, full_name)
    VALUES (NEW.id, nullif(NEW.email, ''), nullif(NEW.phone, ''),
            nullif(coalesce(NEW.raw_user_meta_data ->> 'full_name', NEW.raw_user_meta_data ->> 'name'), ''))
    ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone;
    RETURN NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE public.users
       SET email = nullif(NEW.email, ''), phone = nullif(NEW.phone, '')
     WHERE id = NEW.id
       AND (email IS DISTINCT FROM nullif(NEW.email, '') OR phone IS DISTINCT FROM nullif(NEW.phone, ''));
    RETURN NULL;
  END IF;
  PERFORM app.erase_user(OLD.id);
  RETURN NULL;
END
$fn$`);
  s.push(`REVOKE ALL ON FUNCTION app.sync_auth_user() FROM PUBLIC, ${q(r.app)}, ${q(r.anon)}`);
  s.push(`DO $t$ BEGIN
  IF to_regclass('auth.users') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS ai_platform_db_sync_user ON auth.users;
    CREATE TRIGGER ai_platform_db_sync_user AFTER INSERT OR DELETE OR UPDATE OF email, phone ON auth.users
      FOR EACH ROW EXECUTE FUNCTION app.sync_auth_user();
  END IF;
END $t$`);

  // ---------------------------------------------------------------- readable views
  for (const v of readableViews()) {
    s.push(
      `CREATE OR REPLACE VIEW public.${q(v.view)} WITH (security_invoker = true, security_barrier = true) AS SELECT ${v.columns.map(q).join(', ')} FROM public.${q(v.table)}`,
      `REVOKE ALL ON public.${q(v.view)} FROM PUBLIC, ${q(r.app)}, ${q(r.anon)}, ${q(r.service)}`,
      `GRANT SELECT ON public.${q(v.view)} TO ${q(r.app)}, ${q(r.service)}`,
    );
  }
  return s;
}

/** Applies `supabaseStatements()` in one transaction (as `postgres`, after `migrate`). */
export async function installSupabase(db: Db, options: SupabaseOptions = {}): Promise<void> {
  await applyStatements(db, supabaseStatements(options));
}
