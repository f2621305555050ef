/**
 * Custom SQL as a catalogue of named objects. The sources in src/sql and src/rls always say
 * what the database should have now; applied migrations are never rewritten. A change to the
 * sources becomes a NEW migration holding only the objects that changed (re-created, with the
 * DROP … IF EXISTS a re-create needs) and the undoing of objects that were removed.
 *
 * `drizzle/catalogue.json` records what the migrations so far have created (a hash
 * per object) and a hash of every migration file in the journal, so a check can tell
 * "the sources changed: generate a migration" from "an applied migration was edited".
 */
import { createHash } from 'node:crypto';

export interface CatalogueUnit {
  /** What the object is: `function app.f(uuid, int)`, `trigger t on public.x`, `grants public.x`, … */
  key: string;
  /** Its statements, in order. */
  statements: string[];
  /** Statements that remove it (when it is dropped from the sources), if it can be removed safely. */
  drop?: string[];
  /** Statements to run before re-creating it when it changed. */
  before?: string[];
  /** A changed unit of this kind cannot be migrated by re-running it (e.g. CREATE TABLE IF NOT EXISTS). */
  manual?: boolean;
}

export interface CatalogueFile {
  /** sha256 of each migration file (tag → hash) as it was when recorded. */
  applied: Record<string, string>;
  /** sha256 of each object's statements (key → hash) as the migrations so far created it. */
  objects: Record<string, string>;
}

export const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const unitHash = (u: CatalogueUnit) => sha(u.statements.join(';\n'));
const ident = (s: string) => s.replace(/"/g, '').trim();
const qualify = (t: string) => (ident(t).includes('.') ? ident(t) : `public.${ident(t)}`);
const ROLE_LIST = /\b(?:TO|FROM)\s+(.+)$/is;

/** The catalogue key of one statement, and how to undo or pre-clear it. */
function classify(stmt: string): Omit<CatalogueUnit, 'statements'> {
  const s = stmt.trim();
  let m: RegExpExecArray | null;
  if ((m = /^CREATE\s+OR\s+REPLACE\s+FUNCTION\s+([\w."]+)\s*\(([^)]*)\)/i.exec(s))) {
    const args = m[2]!
      .split(',')
      .map((a) => a.replace(/\bDEFAULT\b.*$/i, '').replace(/=.*$/, '').trim())
      .filter(Boolean)
      .map((a) => {
        const parts = a.split(/\s+/);
        // "name type" or "type": keep the type (PostgreSQL identifies a function by its input types)
        return parts.length > 1 && !/^(IN|OUT|INOUT|VARIADIC)$/i.test(parts[0]!) ? parts.slice(1).join(' ') : a;
      })
      .join(', ');
    const sig = `${ident(m[1]!)}(${args})`;
    return { key: `function ${sig}`, drop: [`DROP FUNCTION IF EXISTS ${sig}`] };
  }
  if ((m = /^DROP\s+TRIGGER\s+IF\s+EXISTS\s+([\w"]+)\s+ON\s+([\w."]+)/i.exec(s)))
    return { key: `trigger ${ident(m[1]!)} on ${qualify(m[2]!)}` };
  if ((m = /^CREATE\s+(?:CONSTRAINT\s+)?TRIGGER\s+([\w"]+)\s+[\s\S]*?\bON\s+([\w."]+)/i.exec(s))) {
    const drop = `DROP TRIGGER IF EXISTS ${m[1]} ON ${m[2]}`;
    return { key: `trigger ${ident(m[1]!)} on ${qualify(m[2]!)}`, drop: [drop], before: [drop] };
  }
  if ((m = /^DROP\s+POLICY\s+IF\s+EXISTS\s+([\w"]+)\s+ON\s+([\w."]+)/i.exec(s)))
    return { key: `policy ${ident(m[1]!)} on ${qualify(m[2]!)}` };
  if ((m = /^CREATE\s+POLICY\s+([\w"]+)\s+ON\s+([\w."]+)/i.exec(s))) {
    const drop = `DROP POLICY IF EXISTS ${m[1]} ON ${m[2]}`;
    return { key: `policy ${ident(m[1]!)} on ${qualify(m[2]!)}`, drop: [drop], before: [drop] };
  }
  if ((m = /^(?:GRANT|REVOKE)\s+[\s\S]*?\bON\s+FUNCTION\s+([\w."]+\s*\([^)]*\))/i.exec(s)))
    return { key: `grants function ${ident(m[1]!).replace(/\s+/g, ' ')}` };
  if ((m = /^(?:GRANT|REVOKE)\s+[\s\S]*?\bON\s+(?:TABLE\s+)?(?!SCHEMA\b|FUNCTION\b|ALL\b|SEQUENCE\b)([\w."]+)\s+(?:TO|FROM)\b/i.exec(s))) {
    const roles = ROLE_LIST.exec(s)?.[1] ?? '';
    return {
      key: `grants ${qualify(m[1]!)}`,
      drop: roles ? [`REVOKE ALL ON ${m[1]} FROM ${roles.replace(/\s+WITH\s+GRANT\s+OPTION/i, '')}`] : undefined,
    };
  }
  if ((m = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([\w."]+)/i.exec(s)))
    return { key: `index ${ident(m[1]!)}`, manual: true };
  if ((m = /^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w."]+)/i.exec(s)))
    return { key: `table ${qualify(m[1]!)}`, manual: true };
  // anything else (ALTER TABLE … ROW LEVEL SECURITY, DO blocks, extensions, one-shot calls) is
  // identified by its text: a changed statement is a new one, the old one removed
  return { key: `statement ${sha(s.replace(/\s+/g, ' ')).slice(0, 16)}`, manual: false };
}

/** The statements grouped into catalogue units, in order of first appearance. */
export function catalogueUnits(statements: string[]): CatalogueUnit[] {
  const units = new Map<string, CatalogueUnit>();
  for (const stmt of statements) {
    const c = classify(stmt);
    const u = units.get(c.key);
    if (u) {
      u.statements.push(stmt);
      u.drop ??= c.drop;
      u.before ??= c.before;
    } else units.set(c.key, { ...c, statements: [stmt] });
  }
  for (const u of units.values()) {
    // a unit that already clears itself (DROP … IF EXISTS first) needs nothing before it
    if (u.before && /^DROP\s/i.test(u.statements[0]!.trim())) u.before = undefined;
  }
  return [...units.values()];
}

/** key → hash of the units. */
export function catalogueObjects(statements: string[]): Record<string, string> {
  return Object.fromEntries(catalogueUnits(statements).map((u) => [u.key, unitHash(u)]));
}

export interface CatalogueDiff {
  /** Statements of a new migration that brings a database from `recorded` to the sources. */
  statements: string[];
  changed: string[];
  added: string[];
  removed: string[];
  /** Changes that re-running cannot apply (tables, indexes, unnamed statements removed): write them by hand. */
  manual: string[];
}

/** What changed between the recorded catalogue and the sources, as migration statements. */
export function diffCatalogue(recorded: Record<string, string>, statements: string[]): CatalogueDiff {
  const units = catalogueUnits(statements);
  const now = new Set(units.map((u) => u.key));
  const out: CatalogueDiff = { statements: [], changed: [], added: [], removed: [], manual: [] };
  // removals first (a re-created function may depend on a dropped one's absence, never the reverse)
  const removedUnits = Object.keys(recorded).filter((k) => !now.has(k));
  for (const key of removedUnits) {
    if (key.startsWith('statement ')) continue; // an unnamed statement replaced by its new text
    out.removed.push(key);
    if (key.startsWith('function ')) out.statements.push(`DROP FUNCTION IF EXISTS ${key.slice('function '.length)}`);
    else if (key.startsWith('trigger ') || key.startsWith('policy ')) {
      const [, name, , table] = key.split(' ');
      out.statements.push(`DROP ${key.startsWith('trigger') ? 'TRIGGER' : 'POLICY'} IF EXISTS ${name} ON ${table}`);
    } else if (key.startsWith('grants function ')) continue; // dropped with the function
    else if (key.startsWith('grants ')) {
      // the table's grants are re-stated by its unit if it still has one; without: revoke all
      out.statements.push(`REVOKE ALL ON ${key.slice('grants '.length)} FROM PUBLIC`);
    } else out.manual.push(`removed ${key}`);
  }
  for (const u of units) {
    const h = unitHash(u);
    if (recorded[u.key] === h) continue;
    (recorded[u.key] === undefined ? out.added : out.changed).push(u.key);
    if (recorded[u.key] !== undefined && u.manual) {
      out.manual.push(`changed ${u.key}`);
      continue;
    }
    if (recorded[u.key] !== undefined && u.before) out.statements.push(...u.before);
    out.statements.push(...u.statements);
  }
  return out;
}
