/**
 * Policy archetypes. Each returns the table's access declaration: its policies (SQL text),
 * the privileges the application role gets, and the expected outcome for any actor — the
 * leak-matrix test compares that expectation with what the database does.
 */
export type Command = 'select' | 'insert' | 'update' | 'delete';
export const COMMANDS: readonly Command[] = ['select', 'insert', 'update', 'delete'];

export type TenantRole = 'owner' | 'admin' | 'member' | 'viewer';
export type ProjectRole = 'owner' | 'manager' | 'lead' | 'reviewer' | 'contributor' | 'viewer';
export const TENANT_RANK: Record<TenantRole, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };
export const PROJECT_RANK: Record<ProjectRole, number> = {
  owner: 6,
  manager: 5,
  lead: 4,
  reviewer: 3,
  contributor: 2,
  viewer: 1,
};

export interface PolicyDecl {
  /** Unique across the schema; says the rule. */
  name: string;
  table: string;
  command: Command;
  using?: string;
  withCheck?: string;
}

/**
 * What the leak matrix knows of an actor relative to the fixture tenant and its project:
 * ranks are 0 when the actor has no such membership (or acts for another tenant).
 */
export interface ActorProfile {
  authenticated: boolean;
  tenantRank: number;
  projectRank: number;
  /** The fixture rows' owner / assignee / creator. */
  isRowOwner: boolean;
  /** A member of the fixture tenant, whatever tenant it acts for. */
  belongsToTenant: boolean;
}

export type Expectation = (actor: ActorProfile, command: Command) => boolean;

export interface TableAccess {
  table: string;
  archetype: string;
  policies: PolicyDecl[];
  /** Privileges of the application role (none = service-only table). */
  grants: Command[];
  /** Privileges of the anonymous role. */
  anonGrants: Command[];
  /** Columns the application role may not read (secrets, member PII). */
  hiddenColumns: string[];
  /** Columns the application role may UPDATE (column grants); undefined = every column. */
  updateColumns?: string[];
  /** Columns the database stamps with the acting user on INSERT (client values ignored). */
  stampColumns: string[];
  /** Counters only triggers set: a new row starts at 0, an UPDATE may not move them. */
  counterColumns: string[];
  /** Every change is written to the audit log by trigger. */
  audited: boolean;
  appendOnly: boolean;
  expect: Expectation;
}

// ---------------------------------------------------------------- SQL fragments
export const sqlFrag = {
  tenant: (col = 'tenant_id') => `${col} = (select app.current_tenant_id())`,
  user: (col: string) => `${col} = (select app.current_user_id())`,
  tenantRole: (min: TenantRole) => `(select app.has_tenant_role('${min}'))`,
  inProjects: (min: ProjectRole, col = 'project_id') => `${col} = any ((select app.my_project_ids('${min}'))::uuid[])`,
  /**
   * A tenant admin, over rows of any project but another user's personal one (seed 001: a
   * personal project is its owner's alone). A row without a project stays the admin's.
   */
  /** A tenant admin, over the chat sessions of any project but another user's personal one. */
  adminOfSessions: (col = 'session_id') =>
    `((select app.has_tenant_role('admin')) and ${col} <> all ((select app.foreign_personal_session_ids())::uuid[]))`,
  adminOf: (col = 'project_id') =>
    `((select app.has_tenant_role('admin')) and coalesce(${col} <> all ((select app.foreign_personal_project_ids())::uuid[]), true))`,
};
const and = (...parts: string[]) => parts.filter(Boolean).join(' and ');
const or = (...parts: string[]) => `(${parts.filter(Boolean).join(' or ')})`;

const atLeastT = (a: ActorProfile, min: TenantRole | null | undefined) =>
  min != null && a.tenantRank >= TENANT_RANK[min];
const atLeastP = (a: ActorProfile, min: ProjectRole | null | undefined) =>
  min != null && a.projectRank >= PROJECT_RANK[min];

function crud(
  table: string,
  rules: Partial<Record<Command, string>>,
  suffix: Partial<Record<Command, string>> = {},
): PolicyDecl[] {
  const out: PolicyDecl[] = [];
  for (const command of COMMANDS) {
    const rule = rules[command];
    if (rule === undefined) continue;
    const name = `${table}_${command}_${suffix[command] ?? 'policy'}`;
    if (command === 'select' || command === 'delete') out.push({ name, table, command, using: rule });
    else if (command === 'insert') out.push({ name, table, command, withCheck: rule });
    else out.push({ name, table, command, using: rule, withCheck: rule });
  }
  return out;
}

function access(
  table: string,
  archetype: string,
  policies: PolicyDecl[],
  expect: Expectation,
  extra: Partial<Pick<TableAccess, 'hiddenColumns' | 'appendOnly' | 'anonGrants'>> = {},
): TableAccess {
  return {
    table,
    archetype,
    policies,
    grants: COMMANDS.filter((c) => policies.some((p) => p.command === c)),
    anonGrants: extra.anonGrants ?? [],
    hiddenColumns: extra.hiddenColumns ?? [],
    stampColumns: [],
    counterColumns: [],
    audited: false,
    appendOnly: extra.appendOnly ?? false,
    expect,
  };
}

export interface ThresholdOptions<R> {
  read: R;
  /** Insert (and update, unless `update` is given); null = no one through the app role. */
  write: R | null;
  update?: R | null;
  delete?: R | null;
  /** History table: insert + select only, never update or delete. */
  appendOnly?: boolean;
  hiddenColumns?: string[];
}

/** Rows of a tenant, read and written by tenant roles. */
export function tenantScoped(table: string, o: ThresholdOptions<TenantRole>): TableAccess {
  const upd = o.appendOnly ? null : o.update === undefined ? o.write : o.update;
  const del = o.appendOnly ? null : o.delete === undefined ? o.write : o.delete;
  const rule = (min: TenantRole | null) =>
    min == null ? undefined : min === 'viewer' ? sqlFrag.tenant() : and(sqlFrag.tenant(), sqlFrag.tenantRole(min));
  const policies = crud(
    table,
    { select: rule(o.read), insert: rule(o.write), update: rule(upd), delete: rule(del) },
    {
      select: o.read === 'viewer' ? 'tenant_member' : `tenant_${o.read}`,
      insert: `tenant_${o.write}`,
      update: `tenant_${upd}`,
      delete: `tenant_${del}`,
    },
  );
  const need = { select: o.read, insert: o.write, update: upd, delete: del };
  return access(table, 'tenant', policies, (a, c) => atLeastT(a, need[c]), {
    appendOnly: !!o.appendOnly,
    hiddenColumns: o.hiddenColumns ?? [],
  });
}

export interface ProjectOptions extends ThresholdOptions<ProjectRole> {
  /** Column holding the project (default project_id). */
  column?: string;
  /** Rows with a NULL project belong to the whole tenant: read by members, written by this role. */
  tenantWideWrite?: TenantRole;
  /** A boolean column making the row readable by every member of the tenant. */
  publicColumn?: string;
}

/** Rows of a project: tenant admins and owners see all; project members by project role. */
export function projectScoped(table: string, o: ProjectOptions): TableAccess {
  const col = o.column ?? 'project_id';
  const upd = o.appendOnly ? null : o.update === undefined ? o.write : o.update;
  const del = o.appendOnly ? null : o.delete === undefined ? o.write : o.delete;
  const rule = (min: ProjectRole | null, reading: boolean) => {
    if (min == null) return undefined;
    const branches = [sqlFrag.adminOf(col), sqlFrag.inProjects(min, col)];
    if (o.tenantWideWrite) {
      branches.push(reading ? `${col} is null` : and(`${col} is null`, sqlFrag.tenantRole(o.tenantWideWrite)));
    }
    if (reading && o.publicColumn) branches.push(o.publicColumn);
    return and(sqlFrag.tenant(), or(...branches));
  };
  const policies = crud(
    table,
    { select: rule(o.read, true), insert: rule(o.write, false), update: rule(upd, false), delete: rule(del, false) },
    {
      select: `project_${o.read}`,
      insert: `project_${o.write}`,
      update: `project_${upd}`,
      delete: `project_${del}`,
    },
  );
  const need = { select: o.read, insert: o.write, update: upd, delete: del };
  // The leak-matrix fixture rows sit in a project and are not public.
  return access(
    table,
    'project',
    policies,
    (a, c) => need[c] != null && (atLeastT(a, 'admin') || atLeastP(a, need[c])),
    {
      appendOnly: !!o.appendOnly,
      hiddenColumns: o.hiddenColumns ?? [],
    },
  );
}

export interface OwnerOptions {
  /** Column naming the owning user (default user_id). */
  column?: string;
  /** Readable by every member of the tenant when this column is true. */
  publicColumn?: string;
  appendOnly?: boolean;
  /** The app role may not delete (history kept or removed by a job). */
  noDelete?: boolean;
  /** The app role may only read (rows written by service functions). */
  readOnly?: boolean;
}

/** Rows owned by one user inside a tenant (seed 002: users manage only their own files, tasks, settings). */
export function ownerScoped(table: string, o: OwnerOptions = {}): TableAccess {
  const col = o.column ?? 'user_id';
  const own = and(sqlFrag.tenant(), sqlFrag.user(col));
  const read = o.publicColumn ? and(sqlFrag.tenant(), or(sqlFrag.user(col), o.publicColumn)) : own;
  const writable = !o.readOnly;
  const policies = crud(
    table,
    {
      select: read,
      insert: writable ? own : undefined,
      update: writable && !o.appendOnly ? own : undefined,
      delete: writable && !o.appendOnly && !o.noDelete ? own : undefined,
    },
    { select: o.publicColumn ? 'owner_or_public' : 'owner', insert: 'owner', update: 'owner', delete: 'owner' },
  );
  const granted = new Set(policies.map((p) => p.command));
  return access(table, 'owner', policies, (a, c) => granted.has(c) && a.tenantRank > 0 && a.isRowOwner, {
    appendOnly: !!o.appendOnly,
  });
}

/** No policies: RLS denies everything to the app role; only the service role reads or writes. */
export function serviceOnly(table: string): TableAccess {
  return access(table, 'service_only', [], () => false);
}

/** Global reference data readable by everyone, anonymous included; written by the service role. */
export function publicRead(table: string): TableAccess {
  return access(
    table,
    'public_read',
    [{ name: `${table}_select_public`, table, command: 'select', using: 'true' }],
    (_a, c) => c === 'select',
    {
      anonGrants: ['select'],
    },
  );
}

/** A table whose rules are written out by hand; the expectation is stated with them. */
export function custom(
  table: string,
  policies: PolicyDecl[],
  expect: Expectation,
  extra: Partial<Pick<TableAccess, 'hiddenColumns' | 'appendOnly' | 'anonGrants'>> = {},
): TableAccess {
  return access(table, 'custom', policies, expect, extra);
}

export const frag = { and, or, atLeastT, atLeastP };
