/**
 * The monthly-partitioned tables (custom migration `partitioned_tables`). drizzle-kit does
 * not model partitioning, so their DDL lives here, mirroring `src/schema/partitioned.ts`
 * (tests/partitioned-ddl.test.ts compares the two column by column).
 *
 * `app.ensure_partitions(months_ahead)` creates the partitions from the current month to
 * `months_ahead` months ahead (default 3); it is idempotent and safe to run concurrently
 * (an advisory lock serialises it). Partitions get RLS forced with no policy and no grants:
 * rows are reached only through the parent, where the policies are. There is no default
 * partition: a row outside the guaranteed window fails loudly instead of piling up where
 * retention cannot drop it.
 */
import { DEFAULT_ROLES } from '../rls/roles.js';

export const PARTITION_MONTHS_AHEAD = 3;

/** The roles a partition grants nothing to (format() %I arguments would quote them the same). */
const roleList = [DEFAULT_ROLES.anon, DEFAULT_ROLES.app, DEFAULT_ROLES.service].map((r) => `"${r}"`).join(', ');

export function partitionStatements(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS public.chat_messages (
  tenant_id uuid NOT NULL,
  session_id uuid NOT NULL,
  sequence integer DEFAULT 0 NOT NULL,
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  role public.message_role NOT NULL,
  content text NOT NULL,
  parts jsonb,
  "references" jsonb,
  agent_type text,
  token_count integer,
  model text,
  metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
  created_by uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
  CONSTRAINT chat_messages_pkey PRIMARY KEY (tenant_id, session_id, sequence, created_at),
  CONSTRAINT chat_messages_session_fk FOREIGN KEY (tenant_id, session_id)
    REFERENCES public.chat_sessions (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT chat_messages_created_by_fk FOREIGN KEY (created_by) REFERENCES public.users (id) ON DELETE SET NULL,
  CONSTRAINT chat_messages_sequence_non_negative CHECK (sequence >= 0),
  CONSTRAINT chat_messages_token_count_non_negative CHECK (token_count IS NULL OR token_count >= 0),
  CONSTRAINT chat_messages_agent_type_check CHECK (agent_type IS NULL OR agent_type IN
    ('orchestrator', 'requirements', 'architect', 'designer', 'coder', 'quality', 'search', 'scanning', 'data-validation'))
) PARTITION BY RANGE (created_at)`,
    // full-text search over a tenant's messages
    `CREATE INDEX IF NOT EXISTS chat_messages_search_vector_idx ON public.chat_messages USING gin (search_vector)`,
    `CREATE INDEX IF NOT EXISTS chat_messages_tenant_id_created_at_idx ON public.chat_messages (tenant_id, created_at)`,
    `CREATE INDEX IF NOT EXISTS chat_messages_created_by_idx ON public.chat_messages (created_by)`,
    `CREATE TABLE IF NOT EXISTS public.usage_events (
  tenant_id uuid NOT NULL,
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  occurred_at timestamp with time zone DEFAULT now() NOT NULL,
  kind public.usage_kind NOT NULL,
  user_id uuid,
  project_id uuid,
  session_id uuid,
  model text,
  tokens_in bigint DEFAULT 0 NOT NULL,
  tokens_out bigint DEFAULT 0 NOT NULL,
  requests integer DEFAULT 1 NOT NULL,
  storage_bytes bigint DEFAULT 0 NOT NULL,
  cost_usd numeric(14, 6) DEFAULT '0' NOT NULL,
  idempotency_key text,
  metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
  CONSTRAINT usage_events_pkey PRIMARY KEY (tenant_id, occurred_at, id),
  CONSTRAINT usage_events_tenant_fk FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE,
  CONSTRAINT usage_events_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE SET NULL,
  CONSTRAINT usage_events_counters_non_negative CHECK (tokens_in >= 0 AND tokens_out >= 0 AND requests >= 0 AND storage_bytes >= 0 AND cost_usd >= 0)
) PARTITION BY RANGE (occurred_at)`,
    // idempotent metering: a retried event (same key, same instant) is stored once
    `CREATE UNIQUE INDEX IF NOT EXISTS usage_events_idempotency_unique ON public.usage_events (tenant_id, idempotency_key, occurred_at) WHERE idempotency_key IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS usage_events_tenant_id_project_id_idx ON public.usage_events (tenant_id, project_id, occurred_at)`,
    `CREATE INDEX IF NOT EXISTS usage_events_user_id_idx ON public.usage_events (user_id)`,
    `CREATE TABLE IF NOT EXISTS public.audit_logs (
  tenant_id uuid NOT NULL,
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  project_id uuid,
  actor_id uuid,
  action text NOT NULL,
  table_name text,
  record_id text,
  old_data jsonb,
  new_data jsonb,
  ip_address inet,
  user_agent text,
  metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
  CONSTRAINT audit_logs_pkey PRIMARY KEY (tenant_id, created_at, id),
  CONSTRAINT audit_logs_action_not_empty CHECK (length(btrim(action)) > 0)
) PARTITION BY RANGE (created_at)`,
    // audit reads by actor / resource (tenant admins); the key serves tenant + time
    `CREATE INDEX IF NOT EXISTS audit_logs_tenant_id_actor_id_idx ON public.audit_logs (tenant_id, actor_id, created_at)`,
    `CREATE INDEX IF NOT EXISTS audit_logs_tenant_id_table_record_idx ON public.audit_logs (tenant_id, table_name, record_id)`,
    `CREATE OR REPLACE FUNCTION app.ensure_partitions(months_ahead integer DEFAULT ${PARTITION_MONTHS_AHEAD}, from_month date DEFAULT NULL)
  RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  parent text;
  m date;
  first_month date := date_trunc('month', coalesce(from_month, (now() AT TIME ZONE 'UTC')::date))::date;
  part text;
  created integer := 0;
  lo timestamptz;
  hi timestamptz;
  col text;
  waiting boolean;
BEGIN
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 120' USING ERRCODE = '22023';
  END IF;
  -- one maintainer at a time; concurrent callers wait, then find the work done
  PERFORM pg_advisory_xact_lock(hashtext('app.ensure_partitions'));
  FOREACH parent IN ARRAY ARRAY['chat_messages', 'usage_events', 'audit_logs'] LOOP
    FOR i IN 0..months_ahead LOOP
      m := (first_month + make_interval(months => i))::date;
      part := format('%s_p%s', parent, to_char(m, 'YYYYMM'));
      IF to_regclass('public.' || part) IS NULL THEN
        lo := m::timestamp AT TIME ZONE 'UTC';
        hi := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        col := CASE parent WHEN 'usage_events' THEN 'occurred_at' ELSE 'created_at' END;
        waiting := false;
        IF to_regclass('public.' || parent || '_default') IS NOT NULL THEN
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I WHERE %I >= $1 AND %I < $2)', parent || '_default', col, col)
            INTO waiting USING lo, hi;
        END IF;
        IF waiting THEN
          -- rows that arrived before their month had a partition wait in the default one:
          -- moved into the new partition as they are (no trigger runs again on them)
          EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
          EXECUTE format('INSERT INTO public.%I SELECT * FROM public.%I WHERE %I >= $1 AND %I < $2', part, parent || '_default', col, col)
            USING lo, hi;
          PERFORM set_config('app.history_purge', 'on', true);
          EXECUTE format('DELETE FROM public.%I WHERE %I >= $1 AND %I < $2', parent || '_default', col, col) USING lo, hi;
          PERFORM set_config('app.history_purge', 'off', true);
          EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
        ELSE
          EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
        END IF;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', part);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', part);
        -- no privileges whatever the schema's default privileges say (Supabase grants ALL to
        -- anon and authenticated): the parent, with its policies, is the only door
        EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, ${roleList}', part);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON public.%I FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_history_change()',
                       part || '_append_only_truncate', part);
        created := created + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN created;
END
$fn$`,
    `REVOKE ALL ON FUNCTION app.ensure_partitions(integer, date) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION app.ensure_partitions(integer, date) TO "${DEFAULT_ROLES.service}"`,
  ];
}

/** Runs after the functions exist (the partitions' TRUNCATE trigger calls one). */
export function initialPartitionStatements(): string[] {
  return [
    `SELECT app.ensure_partitions(${PARTITION_MONTHS_AHEAD + 1}, (date_trunc('month', now()) - interval '1 month')::date)`,
  ];
}
