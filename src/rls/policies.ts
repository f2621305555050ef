/**
 * The access rules of every table, declared by archetype. This is the one source: the SQL
 * emitter, the drizzle-kit policies (migrations and push) and the leak-matrix expectations
 * are all derived from it.
 */
import {
  custom,
  frag,
  ownerScoped,
  projectScoped,
  publicRead,
  serviceOnly,
  sqlFrag as f,
  tenantScoped,
  type TableAccess,
} from './archetypes.js';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { tablesByName } from './tables.js';

const T = f.tenant();
const U = (col: string) => f.user(col);
const { and, or, atLeastT, atLeastP } = frag;

const DECLARED: readonly TableAccess[] = [
  // ---------------------------------------------------------------- identity & tenancy
  custom(
    'tenants',
    [
      // a user sees the tenants they belong to (tenant switcher), whatever tenant they act for
      {
        name: 'tenants_select_member',
        table: 'tenants',
        command: 'select',
        using: `id = any ((select app.my_tenant_ids())::uuid[])`,
      },
      {
        name: 'tenants_update_owner',
        table: 'tenants',
        command: 'update',
        using: and(f.tenant('id'), f.tenantRole('owner')),
        withCheck: and(f.tenant('id'), f.tenantRole('owner')),
      },
    ],
    (a, c) => (c === 'select' ? a.belongsToTenant : c === 'update' ? atLeastT(a, 'owner') : false),
  ),
  custom(
    'users',
    [
      {
        name: 'users_select_self_or_comember',
        table: 'users',
        command: 'select',
        using: or(U('id'), `id = any ((select app.current_tenant_member_ids())::uuid[])`),
      },
      { name: 'users_update_self', table: 'users', command: 'update', using: U('id'), withCheck: U('id') },
    ],
    // fixture row: the member's own identity
    (a, c) => (c === 'select' ? a.isRowOwner || a.tenantRank > 0 : c === 'update' ? a.isRowOwner : false),
  ),
  custom(
    'tenant_memberships',
    [
      {
        name: 'tenant_memberships_select_member_or_self',
        table: 'tenant_memberships',
        command: 'select',
        using: or(T, U('user_id')),
      },
      {
        // admins manage members; only an owner may grant or hold-edit the owner role
        name: 'tenant_memberships_insert_admin',
        table: 'tenant_memberships',
        command: 'insert',
        withCheck: and(T, f.tenantRole('admin'), or(`role <> 'owner'`, f.tenantRole('owner'))),
      },
      {
        name: 'tenant_memberships_update_admin',
        table: 'tenant_memberships',
        command: 'update',
        using: and(T, f.tenantRole('admin'), or(`role <> 'owner'`, f.tenantRole('owner'))),
        withCheck: and(T, f.tenantRole('admin'), or(`role <> 'owner'`, f.tenantRole('owner'))),
      },
      {
        name: 'tenant_memberships_delete_admin_or_self',
        table: 'tenant_memberships',
        command: 'delete',
        using: and(T, or(and(f.tenantRole('admin'), or(`role <> 'owner'`, f.tenantRole('owner'))), U('user_id'))),
      },
    ],
    // fixture row: the member's membership (role member)
    (a, c) =>
      c === 'select'
        ? a.tenantRank > 0 || a.isRowOwner
        : c === 'delete'
          ? atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0)
          : atLeastT(a, 'admin'),
  ),
  serviceOnly('system_admins'),
  custom(
    'user_profiles',
    [
      { name: 'user_profiles_select_self', table: 'user_profiles', command: 'select', using: U('user_id') },
      { name: 'user_profiles_insert_self', table: 'user_profiles', command: 'insert', withCheck: U('user_id') },
      {
        name: 'user_profiles_update_self',
        table: 'user_profiles',
        command: 'update',
        using: U('user_id'),
        withCheck: U('user_id'),
      },
    ],
    (a, c) => c !== 'delete' && a.isRowOwner,
  ),
  custom(
    'api_keys',
    [
      {
        name: 'api_keys_select_owner_or_admin',
        table: 'api_keys',
        command: 'select',
        using: and(T, or(U('user_id'), f.tenantRole('admin'))),
      },
      {
        name: 'api_keys_insert_member_self',
        table: 'api_keys',
        command: 'insert',
        withCheck: and(T, U('user_id'), f.tenantRole('member')),
      },
      // revoking is an update; keys are never deleted through the app role
      {
        name: 'api_keys_update_owner_or_admin',
        table: 'api_keys',
        command: 'update',
        using: and(T, or(U('user_id'), f.tenantRole('admin'))),
        withCheck: and(T, or(U('user_id'), f.tenantRole('admin'))),
      },
    ],
    // fixture row: a key of the member
    (a, c) =>
      c === 'select' || c === 'update'
        ? atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0)
        : c === 'insert'
          ? a.isRowOwner && atLeastT(a, 'member')
          : false,
    { hiddenColumns: ['key_hash'] },
  ),

  // ---------------------------------------------------------------- projects
  custom(
    'projects',
    [
      {
        name: 'projects_select_member_public_or_personal',
        table: 'projects',
        command: 'select',
        using: and(
          T,
          or(
            and('not is_personal', or(f.tenantRole('admin'), f.inProjects('viewer', 'id'), 'is_public')),
            U('owner_id'),
          ),
        ),
      },
      {
        name: 'projects_insert_tenant_member',
        table: 'projects',
        command: 'insert',
        withCheck: and(T, f.tenantRole('member'), or('not is_personal', U('owner_id'))),
      },
      {
        name: 'projects_update_manager',
        table: 'projects',
        command: 'update',
        using: and(
          T,
          or(and('not is_personal', or(f.tenantRole('admin'), f.inProjects('manager', 'id'))), U('owner_id')),
        ),
        withCheck: and(
          T,
          or(and('not is_personal', or(f.tenantRole('admin'), f.inProjects('manager', 'id'))), U('owner_id')),
        ),
      },
      {
        name: 'projects_delete_owner',
        table: 'projects',
        command: 'delete',
        using: and(
          T,
          or(and('not is_personal', or(f.tenantRole('admin'), f.inProjects('owner', 'id'))), U('owner_id')),
        ),
      },
    ],
    // fixture: project P (not personal, owner_id = the tenant owner); member is contributor, viewer is viewer
    (a, c) =>
      c === 'select'
        ? atLeastT(a, 'admin') || a.projectRank > 0
        : c === 'insert'
          ? atLeastT(a, 'member')
          : atLeastT(a, 'admin'),
  ),
  custom(
    'project_members',
    [
      {
        name: 'project_members_select_project_member',
        table: 'project_members',
        command: 'select',
        using: and(T, or(f.adminOf(), f.inProjects('viewer'))),
      },
      {
        name: 'project_members_insert_manager',
        table: 'project_members',
        command: 'insert',
        withCheck: and(T, or(f.adminOf(), and(f.inProjects('manager'), `role <> 'owner'`))),
      },
      {
        name: 'project_members_update_manager',
        table: 'project_members',
        command: 'update',
        using: and(T, or(f.adminOf(), and(f.inProjects('manager'), `role <> 'owner'`))),
        withCheck: and(T, or(f.adminOf(), and(f.inProjects('manager'), `role <> 'owner'`))),
      },
      {
        name: 'project_members_delete_manager_or_self',
        table: 'project_members',
        command: 'delete',
        using: and(T, or(f.adminOf(), and(f.inProjects('manager'), `role <> 'owner'`), U('user_id'))),
      },
    ],
    // fixture row: the member's project membership (contributor)
    (a, c) =>
      c === 'select'
        ? atLeastT(a, 'admin') || a.projectRank > 0
        : c === 'delete'
          ? atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0)
          : atLeastT(a, 'admin'),
  ),
  projectScoped('project_versions', { read: 'viewer', write: 'contributor', appendOnly: true }),

  // ---------------------------------------------------------------- documents
  projectScoped('documents', { read: 'viewer', write: 'contributor', delete: 'manager' }),
  projectScoped('document_revisions', { read: 'viewer', write: 'contributor', appendOnly: true }),
  projectScoped('project_version_documents', { read: 'viewer', write: 'contributor', appendOnly: true }),

  // ---------------------------------------------------------------- work
  tenantScoped('deliverable_schemas', { read: 'viewer', write: 'admin' }),
  projectScoped('deliverables', { read: 'viewer', write: 'lead', delete: 'manager' }),
  custom(
    'tasks',
    [
      // seed 000: the assignee sees a task; leads/hods (and reviewers) see their projects' tasks
      {
        name: 'tasks_select_assignee_or_reviewer',
        table: 'tasks',
        command: 'select',
        using: and(T, or(f.adminOf(), U('assignee_id'), f.inProjects('reviewer'))),
      },
      {
        name: 'tasks_insert_lead',
        table: 'tasks',
        command: 'insert',
        withCheck: and(T, or(f.adminOf(), f.inProjects('lead'))),
      },
      {
        name: 'tasks_update_assignee_or_reviewer',
        table: 'tasks',
        command: 'update',
        using: and(T, or(f.adminOf(), U('assignee_id'), f.inProjects('reviewer'))),
        withCheck: and(T, or(f.adminOf(), U('assignee_id'), f.inProjects('reviewer'))),
      },
      {
        name: 'tasks_delete_manager',
        table: 'tasks',
        command: 'delete',
        using: and(T, or(f.adminOf(), f.inProjects('manager'))),
      },
    ],
    // fixture: a task of project P assigned to the member
    (a, c) =>
      c === 'select' || c === 'update'
        ? atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0) || atLeastP(a, 'reviewer')
        : c === 'insert'
          ? atLeastT(a, 'admin') || atLeastP(a, 'lead')
          : atLeastT(a, 'admin') || atLeastP(a, 'manager'),
  ),
  ...(['task_versions', 'reviews', 'task_events'] as const).map((table) => {
    // History of a task: visible to whoever sees the task (assignee, reviewers, admins).
    const visible = and(
      T,
      or(
        f.adminOf(),
        f.inProjects('reviewer'),
        `task_id = any ((select app.my_assigned_task_ids())::uuid[])`,
      ),
    );
    const writers =
      table === 'reviews'
        ? and(T, or(f.adminOf(), f.inProjects('reviewer')))
        : and(T, or(f.adminOf(), `task_id = any ((select app.my_assigned_task_ids())::uuid[])`));
    return custom(
      table,
      [
        { name: `${table}_select_task_viewer`, table, command: 'select', using: visible },
        // task events are written by the database's triggers only (app.record_task_event)
        ...(table === 'task_events'
          ? []
          : [
              {
                name: `${table}_insert_${table === 'reviews' ? 'reviewer' : 'assignee'}`,
                table,
                command: 'insert' as const,
                withCheck: writers,
              },
            ]),
      ],
      (a, c) => {
        const sees = atLeastT(a, 'admin') || atLeastP(a, 'reviewer') || (a.isRowOwner && a.tenantRank > 0);
        if (c === 'select') return sees;
        if (c !== 'insert') return false;
        if (table === 'reviews') return atLeastT(a, 'admin') || atLeastP(a, 'reviewer');
        if (table === 'task_versions') return atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0);
        return false;
      },
      { appendOnly: true },
    );
  }),

  // ---------------------------------------------------------------- knowledge
  tenantScoped('data_sources', { read: 'viewer', write: 'member', delete: 'admin' }),
  tenantScoped('ingested_objects', { read: 'viewer', write: 'member', delete: 'admin' }),
  tenantScoped('embedding_models', { read: 'viewer', write: 'admin' }),
  projectScoped('chunks', { read: 'viewer', write: 'contributor', tenantWideWrite: 'member' }),
  projectScoped('fine_tuning_examples', { read: 'viewer', write: 'contributor', tenantWideWrite: 'admin' }),

  // ---------------------------------------------------------------- conversations
  custom(
    'chat_sessions',
    [
      {
        name: 'chat_sessions_select_participant',
        table: 'chat_sessions',
        command: 'select',
        // the starter too: a session is readable in the statement that creates it
        using: and(T, or(f.adminOf(), U('user_id'), `id = any ((select app.my_session_ids())::uuid[])`)),
      },
      {
        name: 'chat_sessions_insert_self',
        table: 'chat_sessions',
        command: 'insert',
        withCheck: and(T, U('user_id'), or('project_id is null', f.inProjects('contributor'), f.adminOf())),
      },
      {
        name: 'chat_sessions_update_participant',
        table: 'chat_sessions',
        command: 'update',
        using: and(T, or(f.adminOf(), U('user_id'), `id = any ((select app.my_session_ids())::uuid[])`)),
        withCheck: and(T, or(f.adminOf(), U('user_id'), `id = any ((select app.my_session_ids())::uuid[])`)),
      },
      {
        name: 'chat_sessions_delete_owner',
        table: 'chat_sessions',
        command: 'delete',
        using: and(T, or(f.adminOf(), U('user_id'))),
      },
    ],
    // fixture: a session of project P started by the member
    (a, c) =>
      c === 'select' || c === 'update'
        ? atLeastT(a, 'admin') || a.projectRank > 0 || (a.isRowOwner && a.tenantRank > 0)
        : c === 'insert'
          ? a.isRowOwner && a.tenantRank > 0
          : atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0),
  ),
  custom(
    'chat_participants',
    [
      {
        name: 'chat_participants_select_participant',
        table: 'chat_participants',
        command: 'select',
        using: and(T, or(f.adminOfSessions(), `session_id = any ((select app.my_session_ids())::uuid[])`)),
      },
      {
        name: 'chat_participants_insert_participant',
        table: 'chat_participants',
        command: 'insert',
        withCheck: and(T, or(f.adminOfSessions(), `session_id = any ((select app.my_session_ids())::uuid[])`)),
      },
      // seed 001: users manage their own participant status
      {
        name: 'chat_participants_update_self',
        table: 'chat_participants',
        command: 'update',
        using: and(T, U('user_id')),
        withCheck: and(T, U('user_id')),
      },
      {
        name: 'chat_participants_delete_self_or_admin',
        table: 'chat_participants',
        command: 'delete',
        using: and(T, or(U('user_id'), f.adminOfSessions())),
      },
    ],
    // fixture: the member takes part in their own session
    (a, c) =>
      c === 'select' || c === 'insert'
        ? atLeastT(a, 'admin') || a.projectRank > 0 || (a.isRowOwner && a.tenantRank > 0)
        : c === 'update'
          ? a.isRowOwner && a.tenantRank > 0
          : atLeastT(a, 'admin') || (a.isRowOwner && a.tenantRank > 0),
  ),
  custom(
    'chat_messages',
    [
      {
        name: 'chat_messages_select_participant',
        table: 'chat_messages',
        command: 'select',
        using: and(T, or(f.adminOfSessions(), `session_id = any ((select app.my_session_ids())::uuid[])`)),
      },
      {
        // readers of a project's sessions are not writers: the starter and participants only
        name: 'chat_messages_insert_participant',
        table: 'chat_messages',
        command: 'insert',
        withCheck: and(T, `session_id = any ((select app.my_writable_session_ids())::uuid[])`),
      },
    ],
    (a, c) =>
      c === 'select'
        ? atLeastT(a, 'admin') || a.projectRank > 0 || (a.isRowOwner && a.tenantRank > 0)
        : c === 'insert'
          ? a.isRowOwner && a.tenantRank > 0
          : false,
    { appendOnly: true },
  ),

  // ---------------------------------------------------------------- agents
  tenantScoped('agent_runs', { read: 'viewer', write: 'member', delete: 'admin' }),
  tenantScoped('agent_failures', { read: 'viewer', write: 'member', update: null, delete: 'admin' }),
  ownerScoped('agent_tasks'),
  ownerScoped('agent_task_logs', { appendOnly: true }),
  ownerScoped('fragments', { publicColumn: 'is_public' }),
  ownerScoped('fragment_executions', { noDelete: true }),

  // ---------------------------------------------------------------- evaluation
  tenantScoped('rag_evaluations', { read: 'viewer', write: 'member', delete: 'admin' }),
  tenantScoped('rag_metrics', { read: 'viewer', write: 'member', delete: 'admin' }),
  tenantScoped('rag_reports', { read: 'viewer', write: 'member', delete: 'admin' }),

  // ---------------------------------------------------------------- models
  publicRead('llm_providers'),
  tenantScoped('tenant_llm_configs', { read: 'viewer', write: 'admin' }),

  // ---------------------------------------------------------------- billing & usage
  tenantScoped('subscriptions', { read: 'admin', write: null }),
  tenantScoped('token_purchases', { read: 'admin', write: null }),
  ownerScoped('credit_balances', { readOnly: true }),
  // written only by app.consume_credits (definer); nobody reads it but the service role
  serviceOnly('credit_consumptions'),
  tenantScoped('tenant_quotas', { read: 'viewer', write: null }),
  tenantScoped('usage_daily', { read: 'viewer', write: null }),
  tenantScoped('usage_events', { read: 'admin', write: null, appendOnly: true }),

  // ---------------------------------------------------------------- integrations
  projectScoped('api_connections', {
    read: 'viewer',
    write: 'manager',
    tenantWideWrite: 'admin',
    hiddenColumns: ['credentials_encrypted'],
  }),
  projectScoped('oauth_connections', {
    read: 'viewer',
    write: 'manager',
    tenantWideWrite: 'admin',
    hiddenColumns: ['client_secret_encrypted'],
  }),
  // tokens are used by back-end jobs only
  serviceOnly('oauth_tokens'),
  custom(
    'user_integrations',
    [
      {
        name: 'user_integrations_select_owner',
        table: 'user_integrations',
        command: 'select',
        using: and(T, U('user_id')),
      },
      {
        name: 'user_integrations_insert_owner',
        table: 'user_integrations',
        command: 'insert',
        withCheck: and(T, U('user_id')),
      },
      {
        name: 'user_integrations_update_owner',
        table: 'user_integrations',
        command: 'update',
        using: and(T, U('user_id')),
        withCheck: and(T, U('user_id')),
      },
      {
        name: 'user_integrations_delete_owner',
        table: 'user_integrations',
        command: 'delete',
        using: and(T, U('user_id')),
      },
    ],
    (a) => a.isRowOwner && a.tenantRank > 0,
    { hiddenColumns: ['connection_data_encrypted'] },
  ),

  // ---------------------------------------------------------------- files
  projectScoped('artifacts', { read: 'viewer', write: 'contributor', delete: 'manager', publicColumn: 'is_public' }),
  projectScoped('artifact_files', { read: 'viewer', write: 'contributor', delete: 'manager' }),
  ownerScoped('workspace_files'),
  ownerScoped('file_uploads', { publicColumn: 'is_public' }),

  // ---------------------------------------------------------------- audit & compliance
  // seed 004: audit readable by tenant admins only; written by triggers and service jobs
  tenantScoped('audit_logs', { read: 'admin', write: null, appendOnly: true }),
  tenantScoped('deletion_requests', { read: 'admin', write: 'admin', update: null, delete: null }),
  tenantScoped('retention_jobs', { read: 'admin', write: null }),
];

/**
 * Column rules per table (the open-world half of each declaration): which columns the
 * application role may update, which it may not read, which the database stamps with the
 * actor, which are counters. Everything not listed is the table's default (all columns).
 */
const COLUMN_RULES: Record<
  string,
  Partial<Pick<TableAccess, 'updateColumns' | 'hiddenColumns' | 'counterColumns' | 'audited'>>
> = {
  // self-service only: status, plan, billing ids, confirmation and e-mail are the service's
  users: { updateColumns: ['full_name', 'phone'], hiddenColumns: ['phone', 'stripe_customer_id'] },
  // an owner edits the tenant's presentation; identity, domains, is_global, status and
  // retention are the service's (domains join new sign-ups only after verification)
  tenants: {
    audited: true,
    updateColumns: ['name', 'description', 'company_name', 'logo_url', 'color_palette', 'settings', 'metadata'],
  },
  documents: { counterColumns: ['current_rev'] },
  // changes written to the audit log by trigger (secret columns redacted)
  tenant_memberships: { audited: true },
  project_members: { audited: true },
  api_keys: { audited: true },
  api_connections: { audited: true },
  oauth_connections: { audited: true },
  user_integrations: { audited: true },
  subscriptions: { audited: true },
  token_purchases: { audited: true },
  tenant_llm_configs: { audited: true },
  tenant_quotas: { audited: true },
  // seeds 000/001 audit projects, tasks and reviews
  tasks: { counterColumns: ['current_version'], audited: true },
  projects: { counterColumns: ['current_version'], audited: true },
  reviews: { audited: true },
  agent_tasks: { counterColumns: ['log_count'] },
  chat_sessions: { counterColumns: ['last_sequence'] },
};

/** Columns whose value is always the acting user on INSERT (authorship). */
export const STAMPED_COLUMN_NAMES = ['created_by', 'requested_by', 'invited_by', 'reviewer_id'] as const;

function withColumnRules(a: TableAccess): TableAccess {
  const rules = COLUMN_RULES[a.table] ?? {};
  const table = tablesByName.get(a.table);
  const columns = table ? getTableConfig(table).columns.map((c) => c.name) : [];
  return {
    ...a,
    ...rules,
    hiddenColumns: [...a.hiddenColumns, ...(rules.hiddenColumns ?? [])],
    audited: rules.audited ?? false,
    stampColumns: a.grants.includes('insert')
      ? columns.filter((c) => (STAMPED_COLUMN_NAMES as readonly string[]).includes(c))
      : [],
  };
}

export const TABLE_ACCESS: readonly TableAccess[] = DECLARED.map(withColumnRules);

/**
 * Columns never copied into the audit log: every hidden column of any table, and every
 * encrypted or hashed column (`*_encrypted`, `*_hash`) whatever its table.
 */
export const SECRET_COLUMNS: readonly string[] = [
  ...new Set([
    ...TABLE_ACCESS.flatMap((a) => a.hiddenColumns),
    ...[...tablesByName.values()].flatMap((t) =>
      getTableConfig(t)
        .columns.map((c) => c.name)
        .filter((c) => /_(encrypted|hash)$/.test(c)),
    ),
  ]),
].sort();
