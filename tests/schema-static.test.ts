/**
 * Static checks of the schema code: tenant keys follow the distribution rules of sharded
 * PostgreSQL engines (Citus: every primary key, unique constraint and foreign key of a
 * distributed table includes the distribution column), foreign keys are indexed, timestamps
 * carry a time zone, states are enums.
 */
import { getTableConfig, PgEnumColumn, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { tablesByName } from '../src/rls/drizzle.js';
import { GLOBAL_TABLES } from '../src/schema/index.js';

const global = new Set<string>(GLOBAL_TABLES);
const configs = [...tablesByName.entries()].map(([name, t]) => ({ name, cfg: getTableConfig(t as PgTable) }));
const tenantOwned = configs.filter((c) => !global.has(c.name));

const pkColumns = (cfg: ReturnType<typeof getTableConfig>) => {
  const composite = cfg.primaryKeys[0]?.columns.map((c) => c.name);
  return composite ?? cfg.columns.filter((c) => c.primary).map((c) => c.name);
};

describe('tenant keys (Citus distribution rules)', () => {
  it('lists the global tables, which carry no tenant_id', () => {
    expect(global.size).toBe(GLOBAL_TABLES.length);
    for (const name of GLOBAL_TABLES) {
      const cfg = getTableConfig(tablesByName.get(name)! as PgTable);
      expect(
        cfg.columns.some((c) => c.name === 'tenant_id'),
        name,
      ).toBe(false);
    }
    expect(tenantOwned.length).toBeGreaterThan(40);
  });

  it('gives every tenant-owned table a NOT NULL tenant_id that leads its primary key', () => {
    for (const { name, cfg } of tenantOwned) {
      const col = cfg.columns.find((c) => c.name === 'tenant_id');
      expect(col?.notNull, `${name}.tenant_id`).toBe(true);
      expect(pkColumns(cfg)[0], `${name} primary key`).toBe('tenant_id');
    }
  });

  it('includes tenant_id in every unique constraint and unique index of a tenant-owned table', () => {
    for (const { name, cfg } of tenantOwned) {
      for (const u of cfg.uniqueConstraints) {
        expect(
          u.columns.map((c) => c.name),
          `${name} ${u.name}`,
        ).toContain('tenant_id');
      }
      for (const idx of cfg.indexes.filter((i) => i.config.unique)) {
        const cols = idx.config.columns.map((c) => ('name' in c ? (c as { name: string }).name : ''));
        expect(cols, `${name} ${idx.config.name}`).toContain('tenant_id');
      }
    }
  });

  it('leads every foreign key between tenant-owned tables with tenant_id on both sides', () => {
    let checked = 0;
    for (const { name, cfg } of tenantOwned) {
      for (const fk of cfg.foreignKeys) {
        const ref = fk.reference();
        const target = getTableConfig(ref.foreignTable).name;
        if (global.has(target) && target !== 'tenants') continue; // references to global reference tables
        if (target === 'tenants') {
          expect(
            ref.columns.map((c) => c.name),
            `${name} -> tenants`,
          ).toEqual(['tenant_id']);
          continue;
        }
        expect(ref.columns[0]?.name, `${name} -> ${target}`).toBe('tenant_id');
        expect(ref.foreignColumns[0]?.name, `${name} -> ${target}`).toBe('tenant_id');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('column rules', () => {
  it('indexes every foreign key (by an index, primary key or unique key led by its columns)', () => {
    const missing: string[] = [];
    for (const { name, cfg } of configs) {
      const leads: string[][] = [pkColumns(cfg)];
      for (const u of cfg.uniqueConstraints) leads.push(u.columns.map((c) => c.name));
      for (const idx of cfg.indexes) {
        leads.push(idx.config.columns.map((c) => ('name' in c ? (c as { name: string }).name : '?')));
      }
      for (const fk of cfg.foreignKeys) {
        const ref = fk.reference();
        // the columns that point at the parent's primary key identify the parent rows
        // (denormalised extras such as project_id are functionally dependent on them)
        const parentPk = pkColumns(getTableConfig(ref.foreignTable));
        const cols = ref.columns.filter((_, i) => parentPk.includes(ref.foreignColumns[i]!.name)).map((c) => c.name);
        const served = leads.some((l) => cols.every((c, i) => l[i] === c));
        if (!served) missing.push(`${name}(${cols.join(', ')})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('stores every timestamp with its time zone', () => {
    for (const { name, cfg } of configs) {
      for (const c of cfg.columns) {
        if (c.getSQLType().startsWith('timestamp'))
          expect(c.getSQLType(), `${name}.${c.name}`).toContain('with time zone');
      }
    }
  });

  it('types every status and role column as an enum', () => {
    const names = new Set(['status', 'role', 'decision', 'scope', 'kind', 'level', 'plan_type']);
    // an OAuth scope is the provider's free-form string, not a state of ours
    const freeForm = new Set(['oauth_tokens.scope']);
    let n = 0;
    for (const { name, cfg } of configs) {
      for (const c of cfg.columns.filter((c) => names.has(c.name) && !freeForm.has(`${name}.${c.name}`))) {
        expect(c instanceof PgEnumColumn, `${name}.${c.name}`).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });
});
