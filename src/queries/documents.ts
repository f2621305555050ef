/**
 * Versioned documents: create, append (optimistic concurrency, idempotent retries), read,
 * history, diff, restore, status workflow, locking, project snapshots.
 *
 * Every operation takes a database or transaction (run it inside `withActor` so RLS decides
 * what the actor may see and do), validates its input with zod, runs atomically and throws
 * typed errors. Revision numbers are assigned by the database (trigger
 * `app.assign_document_rev`, under the document row's lock): 1..N, no gaps, no duplicates.
 */
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type * as jsondiffpatch from 'jsondiffpatch';
import type * as jsonpatch from 'jsondiffpatch/formatters/jsonpatch';
import { boundedDiff } from './diff.js';
import { settingsOf } from '../settings.js';
import { z } from 'zod';
import type { DbOrTx } from '../db.js';
import {
  documentKind,
  documentRevisions,
  documents,
  documentStatus,
  projectVersionDocuments,
  type Document,
} from '../schema/documents.js';
import { projectVersions } from '../schema/projects.js';
import { canTransition, DOCUMENT_TRANSITIONS } from '../sql/transitions.js';
import { ConflictError, ForbiddenError, InvalidTransitionError, LockedError, NotFoundError } from './errors.js';
import { ingestChunks, type IngestResult } from './search.js';
import {
  atomic,
  single,
  canonicalJson,
  id,
  jsonValue,
  nonBlank,
  pageSize,
  parse,
  pgText,
  rows,
  rowMapper,
  sha256,
} from './util.js';

const ACTOR = sql`app.current_user_id()`;

/** sha256 of the canonical JSON content and the markdown body: equal content, equal hash. */
export function revisionHash(content: unknown, bodyMd?: string | null): string {
  return sha256(`${canonicalJson(content)}\u0000${bodyMd ?? ''}`);
}

// ---------------------------------------------------------------- sections for retrieval
const sectionsInput = z.strictObject({
  /** The embedding model (its dimension is checked against every embedding). */
  modelId: id,
  items: z
    .array(
      z.strictObject({
        heading: pgText(1000).optional(),
        content: nonBlank(100_000),
        embedding: z.array(z.number()),
        metadata: z.record(z.string(), jsonValue).optional(),
        tags: z.array(pgText(200)).max(100).optional(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type SectionsInput = z.input<typeof sectionsInput>;

/** Splits a markdown body into sections at its headings (`#`..`######`). */
export function splitMarkdownSections(bodyMd: string): { heading: string | undefined; content: string }[] {
  const out: { heading: string | undefined; content: string }[] = [];
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    const content = lines.join('\n').trim();
    if (content) out.push({ heading, content });
    lines = [];
  };
  for (const line of bodyMd.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m) {
      flush();
      heading = m[1]!.trim();
    } else lines.push(line);
  }
  flush();
  return out;
}

// ---------------------------------------------------------------- create
export const createDocumentParams = z.strictObject({
  tenantId: id,
  projectId: id,
  kind: z.enum(documentKind.enumValues),
  title: nonBlank(500),
  content: jsonValue,
  bodyMd: pgText().optional(),
  metadata: z.record(z.string(), jsonValue).optional(),
  changeNote: pgText(2000).optional(),
});
export type CreateDocumentParams = z.input<typeof createDocumentParams>;

export interface RevisionRef {
  documentId: string;
  rev: number;
  /** False when the content equalled the current revision: nothing was written. */
  created: boolean;
  contentHash: string;
}

/** A document (as a draft) with its first revision, atomically. */
export async function createDocument(
  db: DbOrTx,
  params: CreateDocumentParams,
): Promise<{ document: Document; revision: RevisionRef }> {
  const p = parse(createDocumentParams, params, 'document');
  return atomic(db, async (tx) => {
    const [doc] = await tx
      .insert(documents)
      .values({
        tenantId: p.tenantId,
        projectId: p.projectId,
        kind: p.kind,
        title: p.title,
        metadata: p.metadata ?? {},
        createdBy: ACTOR,
        updatedBy: ACTOR,
      })
      .returning();
    const hash = revisionHash(p.content, p.bodyMd);
    const [rev] = await tx
      .insert(documentRevisions)
      .values({
        tenantId: p.tenantId,
        documentId: doc!.id,
        projectId: p.projectId,
        rev: 0,
        content: p.content,
        bodyMd: p.bodyMd ?? null,
        contentHash: hash,
        changeNote: p.changeNote ?? null,
        createdBy: ACTOR,
      })
      .returning({ rev: documentRevisions.rev });
    return {
      document: { ...doc!, currentRev: rev!.rev, currentContentHash: hash },
      revision: { documentId: doc!.id, rev: rev!.rev, created: true, contentHash: hash },
    };
  });
}

// ---------------------------------------------------------------- append
export const appendRevisionParams = z.strictObject({
  tenantId: id,
  documentId: id,
  content: jsonValue,
  bodyMd: pgText().optional(),
  /** The revision the caller based its change on; a stale value is a ConflictError. Omit for a blind append. */
  expectedRev: z.number().int().min(0).optional(),
  changeNote: pgText(2000).optional(),
  /** Sections of this revision to ingest for retrieval (linked to the revision). */
  sections: sectionsInput.optional(),
});
export type AppendRevisionParams = z.input<typeof appendRevisionParams>;

interface AppendCore {
  tenantId: string;
  documentId: string;
  content: unknown;
  bodyMd: string | null;
  expectedRev: number | null;
  changeNote: string | null;
  restoredFromRev: number | null;
}

/**
 * One statement on the hot path: lock the document row, check it is unlocked, current and
 * different, insert; the trigger assigns the number and bumps the counter. When nothing was
 * inserted, a second read says why.
 */
async function appendCore(tx: DbOrTx, a: AppendCore): Promise<RevisionRef> {
  const hash = revisionHash(a.content, a.bodyMd);
  const inserted = await rows<{ rev: number }>(
    tx,
    // The conditions sit in the locking scan: a writer whose snapshot already shows a newer
    // revision, a lock or equal content is filtered out without waiting for the row lock;
    // one that waited is re-checked against the committed row (READ COMMITTED EvalPlanQual).
    sql`with d as (
          select project_id from documents
          where tenant_id = ${a.tenantId} and id = ${a.documentId} and deleted_at is null
            and not is_locked
            and (${a.expectedRev}::int is null or current_rev = ${a.expectedRev}::int)
            and current_content_hash is distinct from ${hash}
          for update)
        insert into document_revisions
          (tenant_id, document_id, project_id, rev, content, body_md, content_hash, restored_from_rev, change_note, created_by)
        select ${a.tenantId}, ${a.documentId}, d.project_id, 0, ${JSON.stringify(a.content)}::jsonb, ${a.bodyMd},
               ${hash}, ${a.restoredFromRev}::int, ${a.changeNote}, app.current_user_id()
        from d
        returning rev`,
  );
  if (inserted[0]) return { documentId: a.documentId, rev: inserted[0].rev, created: true, contentHash: hash };
  const [state] = await rows<{ current_rev: number; current_content_hash: string | null; is_locked: boolean }>(
    tx,
    sql`select current_rev, current_content_hash, is_locked from documents
        where tenant_id = ${a.tenantId} and id = ${a.documentId} and deleted_at is null`,
  );
  if (!state) throw new NotFoundError(`document ${a.documentId} not found`);
  if (state.current_content_hash === hash) {
    return { documentId: a.documentId, rev: state.current_rev, created: false, contentHash: hash };
  }
  // visible but not lockable: RLS lets the actor read the document, not change it
  const writable = await rows(
    tx,
    sql`select 1 from documents where tenant_id = ${a.tenantId} and id = ${a.documentId} for update`,
  );
  if (writable.length === 0) throw new ForbiddenError(`you may read document ${a.documentId} but not change it`);
  if (state.is_locked) throw new LockedError(`document ${a.documentId} is locked`);
  throw new ConflictError(`document ${a.documentId} is at revision ${state.current_rev}, not ${a.expectedRev}`, {
    rev: state.current_rev,
  });
}

/**
 * Appends a revision. With `expectedRev`, a document that moved on gives a ConflictError
 * carrying the current revision (`err.current.rev`); content equal to the current revision is
 * a no-op returning it (`created: false`), so retries are idempotent; locked documents refuse.
 */
export async function appendRevision(
  db: DbOrTx,
  params: AppendRevisionParams,
): Promise<RevisionRef & { sections?: IngestResult }> {
  const p = parse(appendRevisionParams, params, 'revision');
  // without sections the append is one statement: no transaction needed
  return (p.sections ? atomic : single)(db, async (tx) => {
    const ref = await appendCore(tx, {
      tenantId: p.tenantId,
      documentId: p.documentId,
      content: p.content,
      bodyMd: p.bodyMd ?? null,
      expectedRev: p.expectedRev ?? null,
      changeNote: p.changeNote ?? null,
      restoredFromRev: null,
    });
    if (!p.sections || !ref.created) return ref;
    const sections = await ingestChunks(tx, {
      tenantId: p.tenantId,
      modelId: p.sections.modelId,
      chunks: p.sections.items.map((it, i) => ({
        sourceType: 'document_revision' as const,
        sourceId: p.documentId,
        documentRev: ref.rev,
        chunkIndex: i,
        heading: it.heading,
        content: it.content,
        embedding: it.embedding,
        metadata: it.metadata,
        tags: it.tags,
      })),
    });
    return { ...ref, sections };
  });
}

// ---------------------------------------------------------------- read
const docKey = z.strictObject({ tenantId: id, documentId: id });
export type DocumentKey = z.input<typeof docKey>;

export interface DocumentWithContent extends Document {
  content: unknown;
  bodyMd: string | null;
}

const toDocument = rowMapper(documents);

/** The document with its current revision's content (one indexed statement: a hot path). */
export async function getDocument(db: DbOrTx, params: DocumentKey): Promise<DocumentWithContent> {
  const p = parse(docKey, params, 'document key');
  return single(db, async (tx) => {
    const [row] = await rows<Record<string, unknown>>(
      tx,
      sql`select d.*, r.content as r_content, r.body_md as r_body_md from documents d
          left join document_revisions r on r.tenant_id = d.tenant_id and r.document_id = d.id and r.rev = d.current_rev
          where d.tenant_id = ${p.tenantId} and d.id = ${p.documentId} and d.deleted_at is null`,
    );
    if (!row) throw new NotFoundError(`document ${p.documentId} not found`);
    return { ...toDocument(row), content: row.r_content ?? null, bodyMd: (row.r_body_md as string | null) ?? null };
  });
}

const revKey = docKey.extend({ rev: z.number().int().min(1) });

export interface RevisionRow {
  documentId: string;
  rev: number;
  content: unknown;
  bodyMd: string | null;
  contentHash: string;
  restoredFromRev: number | null;
  changeNote: string | null;
  createdBy: string | null;
  createdAt: Date;
}

const revisionColumns = {
  documentId: documentRevisions.documentId,
  rev: documentRevisions.rev,
  content: documentRevisions.content,
  bodyMd: documentRevisions.bodyMd,
  contentHash: documentRevisions.contentHash,
  restoredFromRev: documentRevisions.restoredFromRev,
  changeNote: documentRevisions.changeNote,
  createdBy: documentRevisions.createdBy,
  createdAt: documentRevisions.createdAt,
};

const { content: _content, bodyMd: _bodyMd, ...revisionMetaColumns } = revisionColumns;

/** One revision of a document. */
export async function getRevision(db: DbOrTx, params: z.input<typeof revKey>): Promise<RevisionRow> {
  const p = parse(revKey, params, 'revision key');
  return single(db, async (tx) => {
    const [row] = await tx
      .select(revisionColumns)
      .from(documentRevisions)
      .where(
        and(
          eq(documentRevisions.tenantId, p.tenantId),
          eq(documentRevisions.documentId, p.documentId),
          eq(documentRevisions.rev, p.rev),
        ),
      );
    if (!row) throw new NotFoundError(`revision ${p.rev} of document ${p.documentId} not found`);
    return row;
  });
}

export const listRevisionsParams = docKey.extend({
  /** Keyset cursor: revisions below this number (newest first). */
  before: z.number().int().min(1).optional(),
  limit: pageSize,
  withContent: z.boolean().default(false),
});
export type ListRevisionsParams = z.input<typeof listRevisionsParams>;

export interface Page<T> {
  items: T[];
  /** Pass as the next call's cursor; undefined on the last page. */
  next: number | undefined;
}

/** A document's history, newest first, keyset-paginated; content only when asked. */
export async function listRevisions(
  db: DbOrTx,
  params: ListRevisionsParams,
): Promise<Page<Omit<RevisionRow, 'content' | 'bodyMd'> & Partial<Pick<RevisionRow, 'content' | 'bodyMd'>>>> {
  const p = parse(listRevisionsParams, params, 'history query');
  return single(db, async (tx) => {
    const list = await tx
      .select(p.withContent ? revisionColumns : revisionMetaColumns)
      .from(documentRevisions)
      .where(
        and(
          eq(documentRevisions.tenantId, p.tenantId),
          eq(documentRevisions.documentId, p.documentId),
          p.before ? lt(documentRevisions.rev, p.before) : undefined,
        ),
      )
      .orderBy(desc(documentRevisions.rev))
      .limit(p.limit + 1);
    if (list.length === 0) {
      // an empty page of a document the actor cannot see is a NotFoundError, not an empty history
      await getDocument(tx, { tenantId: p.tenantId, documentId: p.documentId });
    }
    const items = list.slice(0, p.limit);
    return { items, next: list.length > p.limit ? items[items.length - 1]!.rev : undefined };
  });
}

// ---------------------------------------------------------------- diff
export interface RevisionDiff {
  from: number;
  to: number;
  /** jsondiffpatch delta of the JSON content (undefined when equal). */
  delta: jsondiffpatch.Delta | undefined;
  /** The same change as RFC 6902 JSON Patch operations. */
  patch: jsonpatch.Op[];
  /** Unified diff of the markdown bodies (empty when equal). */
  textDiff: string;
  /** Lines added / removed in the markdown body. */
  textStats: { added: number; removed: number };
}

/** A structured diff of two revisions' JSON content, plus a text diff of their markdown. */
export async function diffRevisions(
  db: DbOrTx,
  params: z.input<typeof docKey> & { from: number; to: number },
): Promise<RevisionDiff> {
  const p = parse(docKey.extend({ from: z.number().int().min(1), to: z.number().int().min(1) }), params, 'diff');
  return atomic(db, async (tx) => {
    const a = await getRevision(tx, { tenantId: p.tenantId, documentId: p.documentId, rev: p.from });
    const b = await getRevision(tx, { tenantId: p.tenantId, documentId: p.documentId, rev: p.to });
    const out = await boundedDiff(
      {
        a: a.content,
        b: b.content,
        textA: a.bodyMd ?? '',
        textB: b.bodyMd ?? '',
        nameA: `rev ${p.from}`,
        nameB: `rev ${p.to}`,
      },
      settingsOf(tx).limits,
    );
    return {
      from: p.from,
      to: p.to,
      delta: out.delta as jsondiffpatch.Delta | undefined,
      patch: out.patch as jsonpatch.Op[],
      textDiff: out.textDiff,
      textStats: out.textStats,
    };
  });
}

// ---------------------------------------------------------------- restore
/** A new revision whose content equals revision `rev`; history is never rewritten. */
export async function restoreRevision(
  db: DbOrTx,
  params: z.input<typeof revKey> & { expectedRev?: number; changeNote?: string },
): Promise<RevisionRef> {
  const p = parse(
    revKey.extend({ expectedRev: z.number().int().min(0).optional(), changeNote: pgText(2000).optional() }),
    params,
    'restore',
  );
  return atomic(db, async (tx) => {
    const old = await getRevision(tx, { tenantId: p.tenantId, documentId: p.documentId, rev: p.rev });
    return appendCore(tx, {
      tenantId: p.tenantId,
      documentId: p.documentId,
      content: old.content,
      bodyMd: old.bodyMd,
      expectedRev: p.expectedRev ?? null,
      changeNote: p.changeNote ?? `restored revision ${p.rev}`,
      restoredFromRev: p.rev,
    });
  });
}

// ---------------------------------------------------------------- status and lock
export const setDocumentStatusParams = docKey.extend({ status: z.enum(documentStatus.enumValues) });

/** Moves a document along draft → review → approved → archived (review → draft allowed). */
export async function setDocumentStatus(
  db: DbOrTx,
  params: z.input<typeof setDocumentStatusParams>,
): Promise<Document> {
  const p = parse(setDocumentStatusParams, params, 'status change');
  return atomic(db, async (tx) => {
    const [current] = await tx
      .select({ status: documents.status })
      .from(documents)
      .where(and(eq(documents.tenantId, p.tenantId), eq(documents.id, p.documentId), isNull(documents.deletedAt)))
      .for('update');
    if (!current) throw new NotFoundError(`document ${p.documentId} not found`);
    if (!canTransition(DOCUMENT_TRANSITIONS, current.status, p.status)) {
      throw new InvalidTransitionError(
        `a document cannot go from ${current.status} to ${p.status}`,
        current.status,
        p.status,
      );
    }
    const [doc] = await tx
      .update(documents)
      .set({ status: p.status, updatedBy: ACTOR })
      .where(and(eq(documents.tenantId, p.tenantId), eq(documents.id, p.documentId)))
      .returning();
    return doc!;
  });
}

async function setLocked(db: DbOrTx, params: DocumentKey, locked: boolean): Promise<Document> {
  const p = parse(docKey, params, 'document key');
  return single(db, async (tx) => {
    const [doc] = await tx
      .update(documents)
      .set({ isLocked: locked, updatedBy: ACTOR })
      .where(and(eq(documents.tenantId, p.tenantId), eq(documents.id, p.documentId), isNull(documents.deletedAt)))
      .returning();
    if (!doc) {
      await getDocument(tx, { tenantId: p.tenantId, documentId: p.documentId }); // NotFoundError when invisible
      throw new ForbiddenError(`you may not ${locked ? 'lock' : 'unlock'} document ${p.documentId}`);
    }
    return doc;
  });
}

/** Locked documents refuse new revisions. */
export const lockDocument = (db: DbOrTx, params: DocumentKey) => setLocked(db, params, true);
export const unlockDocument = (db: DbOrTx, params: DocumentKey) => setLocked(db, params, false);

// ---------------------------------------------------------------- project snapshots
export const createProjectVersionParams = z.strictObject({
  tenantId: id,
  projectId: id,
  changeNote: pgText(2000).optional(),
});

export interface ProjectVersionSnapshot {
  projectId: string;
  version: number;
  changeNote: string | null;
  createdBy: string | null;
  createdAt: Date;
  documents: { documentId: string; rev: number; kind: string; title: string }[];
}

/** Records version N of a project: the current revision of each of its documents. */
export async function createProjectVersion(
  db: DbOrTx,
  params: z.input<typeof createProjectVersionParams>,
): Promise<ProjectVersionSnapshot> {
  const p = parse(createProjectVersionParams, params, 'project version');
  return atomic(db, async (tx) => {
    const [v] = await tx
      .insert(projectVersions)
      .values({
        tenantId: p.tenantId,
        projectId: p.projectId,
        version: 0,
        changeNote: p.changeNote ?? null,
        createdBy: ACTOR,
      })
      .returning({ version: projectVersions.version });
    await tx.execute(
      sql`insert into project_version_documents (tenant_id, project_id, version, document_id, rev)
          select tenant_id, project_id, ${v!.version}::int, id, current_rev from documents
          where tenant_id = ${p.tenantId} and project_id = ${p.projectId} and current_rev > 0 and deleted_at is null`,
    );
    return getProjectVersion(tx, { tenantId: p.tenantId, projectId: p.projectId, version: v!.version });
  });
}

/** Which revision of each document made up version N of a project. */
export async function getProjectVersion(
  db: DbOrTx,
  params: { tenantId: string; projectId: string; version: number },
): Promise<ProjectVersionSnapshot> {
  const p = parse(
    z.strictObject({ tenantId: id, projectId: id, version: z.number().int().min(1) }),
    params,
    'project version key',
  );
  return atomic(db, async (tx) => {
    const [v] = await tx
      .select()
      .from(projectVersions)
      .where(
        and(
          eq(projectVersions.tenantId, p.tenantId),
          eq(projectVersions.projectId, p.projectId),
          eq(projectVersions.version, p.version),
        ),
      );
    if (!v) throw new NotFoundError(`version ${p.version} of project ${p.projectId} not found`);
    const docs = await tx
      .select({
        documentId: projectVersionDocuments.documentId,
        rev: projectVersionDocuments.rev,
        kind: documents.kind,
        title: documents.title,
      })
      .from(projectVersionDocuments)
      .innerJoin(
        documents,
        and(
          eq(documents.tenantId, projectVersionDocuments.tenantId),
          eq(documents.id, projectVersionDocuments.documentId),
        ),
      )
      .where(
        and(
          eq(projectVersionDocuments.tenantId, p.tenantId),
          eq(projectVersionDocuments.projectId, p.projectId),
          eq(projectVersionDocuments.version, p.version),
        ),
      )
      .orderBy(documents.kind, documents.title);
    return {
      projectId: v.projectId,
      version: v.version,
      changeNote: v.changeNote,
      createdBy: v.createdBy,
      createdAt: v.createdAt,
      documents: docs,
    };
  });
}
