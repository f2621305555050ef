/**
 * Platform rules kept by the database (custom migration `platform`): token purchases credit
 * the subscription exactly once, API keys are immutable once issued (only revocation and
 * last use move), and the GDPR purge / retention functions of `purge.ts`.
 */
import { DEFAULT_ROLES } from '../rls/roles.js';
import { SQLSTATE } from './errors.js';
import { DEFINER, trig } from './functions.js';
import { purgeStatements } from './purge.js';

export function platformStatements(): string[] {
  const { app, service, anon } = DEFAULT_ROLES;
  return [
    // ------------------------------------------------------------ token purchases
    // pending -> completed | failed, nothing else; amount and payment are fixed; completion
    // adds the tokens to the subscription in the same transaction, once.
    `CREATE OR REPLACE FUNCTION app.token_purchase_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.token_amount <> OLD.token_amount OR NEW.price_paid <> OLD.price_paid
     OR NEW.stripe_payment_intent_id <> OLD.stripe_payment_intent_id OR NEW.tenant_id <> OLD.tenant_id THEN
    RAISE EXCEPTION 'a token purchase is immutable except for its status'
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = TG_TABLE_NAME;
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'token purchase % is % already', OLD.id, OLD.status
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = TG_TABLE_NAME, COLUMN = 'status';
  END IF;
  RETURN NEW;
END
$fn$`,
    ...trig('token_purchases_guard', 'token_purchases', 'BEFORE UPDATE', 'app.token_purchase_guard()'),
    // AFTER, so an INSERT skipped by ON CONFLICT DO NOTHING (a duplicated webhook) credits nothing
    `CREATE OR REPLACE FUNCTION app.apply_token_purchase() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER}
AS $fn$
BEGIN
  IF NEW.status = 'completed' AND (TG_OP = 'INSERT' OR OLD.status <> 'completed') THEN
    INSERT INTO public.subscriptions AS s (tenant_id, additional_tokens)
    VALUES (NEW.tenant_id, NEW.token_amount)
    ON CONFLICT (tenant_id) DO UPDATE SET additional_tokens = s.additional_tokens + EXCLUDED.additional_tokens;
  END IF;
  RETURN NULL;
END
$fn$`,
    ...trig('token_purchases_apply', 'token_purchases', 'AFTER INSERT OR UPDATE', 'app.apply_token_purchase()'),

    // ------------------------------------------------------------ api keys
    `CREATE OR REPLACE FUNCTION app.api_key_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  IF NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id OR NEW.prefix <> OLD.prefix OR NEW.key_hash <> OLD.key_hash
     OR NEW.scopes IS DISTINCT FROM OLD.scopes OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
     OR NEW.created_at <> OLD.created_at
     OR (NEW.user_id IS DISTINCT FROM OLD.user_id AND NEW.user_id IS NOT NULL) THEN
    RAISE EXCEPTION 'an API key is immutable once issued: revoke it and issue another'
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = TG_TABLE_NAME;
  END IF;
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'API key % is revoked for good', OLD.id
      USING ERRCODE = '${SQLSTATE.invalidTransition}', TABLE = TG_TABLE_NAME, COLUMN = 'revoked_at';
  END IF;
  RETURN NEW;
END
$fn$`,
    ...trig('api_keys_guard', 'api_keys', 'BEFORE UPDATE', 'app.api_key_guard()'),
    // ------------------------------------------------------------ quotas
    // What a tenant used in a quota's window, with its limit (NULL = none). Definer: usage
    // events are admin-only under RLS, but any member may ask whether the next use fits.
    `CREATE OR REPLACE FUNCTION app.quota_usage(p_tenant uuid, p_dimension text)
  RETURNS TABLE (lim bigint, used bigint)
  LANGUAGE plpgsql STABLE ${DEFINER}
AS $fn$
DECLARE
  q public.tenant_quotas;
  day_start timestamptz := date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
BEGIN
  IF current_setting('role', true) IN ('${app}', '${anon}') AND app.current_tenant_id() IS DISTINCT FROM p_tenant THEN
    RAISE EXCEPTION 'not a member acting for tenant %', p_tenant USING ERRCODE = '${SQLSTATE.forbidden}';
  END IF;
  SELECT * INTO q FROM public.tenant_quotas t WHERE t.tenant_id = p_tenant;
  CASE p_dimension
    WHEN 'tokens' THEN
      lim := q.max_tokens_per_day;
      SELECT coalesce(sum(e.tokens_in + e.tokens_out), 0) INTO used FROM public.usage_events e
       WHERE e.tenant_id = p_tenant AND e.occurred_at >= day_start;
    WHEN 'ingestions' THEN
      lim := q.max_ingestions_per_day;
      SELECT coalesce(sum(e.requests), 0) INTO used FROM public.usage_events e
       WHERE e.tenant_id = p_tenant AND e.occurred_at >= day_start AND e.kind = 'ingestion';
    WHEN 'requests' THEN
      lim := q.max_requests_per_minute;
      SELECT coalesce(sum(e.requests), 0) INTO used FROM public.usage_events e
       WHERE e.tenant_id = p_tenant AND e.occurred_at >= now() - interval '1 minute';
    WHEN 'storage' THEN
      lim := q.max_storage_bytes;
      used := (SELECT coalesce(sum(f.file_size), 0) FROM public.artifact_files f WHERE f.tenant_id = p_tenant)
            + (SELECT coalesce(sum(f.size_bytes), 0) FROM public.workspace_files f WHERE f.tenant_id = p_tenant)
            + (SELECT coalesce(sum(f.file_size), 0) FROM public.file_uploads f WHERE f.tenant_id = p_tenant);
    ELSE
      RAISE EXCEPTION 'unknown quota dimension %', p_dimension USING ERRCODE = '22023';
  END CASE;
  RETURN NEXT;
END
$fn$`,
    `REVOKE ALL ON FUNCTION app.quota_usage(uuid, text) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION app.quota_usage(uuid, text) TO "${app}", "${service}"`,
    ...purgeStatements(),
  ];
}
