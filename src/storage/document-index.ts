/**
 * The operators' index of every document, in D1: what the listing reads (stage, source, time
 * order, filters, paging), kept current by each Document object on every stage change. Writes are
 * idempotent and ordered by the document's event sequence, so a retried or late write never
 * undoes a newer one; the document's own SQLite stays the source of truth.
 */
import type { DocumentRow } from "../domain/document";
import type { DocumentStage } from "../domain/lifecycle";

export interface IndexedDocument {
  id: string;
  filename: string;
  source: "upload" | "bulk";
  stage: DocumentStage;
  bytes: number;
  sha256: string;
  pageCount: number | null;
  run: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface IndexFilter {
  stage?: DocumentStage;
  source?: "upload" | "bulk";
  /** Created at or after / before (ISO dates or times). */
  from?: string;
  to?: string;
  /** Part of the file name, any case. */
  filename?: string;
  sha256?: string;
}

type Row = { id: string; filename: string; source: "upload" | "bulk"; stage: DocumentStage; bytes: number; sha256: string; page_count: number | null; run: number; error: string | null; created_at: number; updated_at: number };

/** Writes the document's row as it now stands, unless the index already has a newer one. */
export async function indexDocument(db: D1Database, doc: DocumentRow): Promise<void> {
  await db
    .prepare(
      `INSERT INTO documents (id, filename, source, stage, bytes, sha256, page_count, run, error, created_at, updated_at, seq)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
       ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, page_count = excluded.page_count, run = excluded.run, error = excluded.error,
         updated_at = excluded.updated_at, seq = excluded.seq
       WHERE excluded.seq > documents.seq`,
    )
    .bind(doc.id, doc.filename, doc.source, doc.stage, doc.bytes, doc.sha256, doc.page_count, doc.run_id, doc.error, doc.created_at, doc.updated_at, doc.seq)
    .run();
}

/** A page of the index, newest first; `cursor` continues where the previous page ended. */
export async function listDocuments(db: D1Database, filter: IndexFilter, limit: number, cursor?: string): Promise<{ documents: IndexedDocument[]; cursor: string | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    values.push(value);
    where.push(clause.replace("?", `?${values.length}`));
  };
  if (filter.stage) add("stage = ?", filter.stage);
  if (filter.source) add("source = ?", filter.source);
  if (filter.from) add("created_at >= ?", Date.parse(filter.from));
  if (filter.to) add("created_at < ?", Date.parse(filter.to));
  if (filter.filename) add("instr(lower(filename), ?) > 0", filter.filename.toLowerCase());
  if (filter.sha256) add("sha256 = ?", filter.sha256.toLowerCase());
  const after = cursor ? decodeCursor(cursor) : null;
  if (after) {
    values.push(after.createdAt, after.id);
    where.push(`(created_at < ?${values.length - 1} OR (created_at = ?${values.length - 1} AND id < ?${values.length}))`);
  }
  values.push(limit + 1);
  const sql = `SELECT * FROM documents ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ?${values.length}`;
  const { results } = await db.prepare(sql).bind(...values).all<Row>();
  const page = results.slice(0, limit);
  const last = page[page.length - 1];
  return {
    documents: page.map((row) => ({
      id: row.id,
      filename: row.filename,
      source: row.source,
      stage: row.stage,
      bytes: row.bytes,
      sha256: row.sha256,
      pageCount: row.page_count,
      run: row.run,
      error: row.error,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    })),
    cursor: results.length > limit && last ? btoa(`${last.created_at}:${last.id}`) : null,
  };
}

function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  try {
    const [createdAt, id] = atob(cursor).split(":");
    return Number.isFinite(Number(createdAt)) && /^[0-9a-f]{32}$/.test(id) ? { createdAt: Number(createdAt), id } : null;
  } catch {
    return null;
  }
}

/** Finished documents created before `before` (ms), oldest first: what retention deletes. */
export async function expiredDocuments(db: D1Database, before: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM documents WHERE created_at < ?1 AND stage IN ('done', 'partial', 'failed', 'cancelled') ORDER BY created_at LIMIT ?2")
    .bind(before, limit)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

export async function removeFromIndex(db: D1Database, id: string): Promise<void> {
  await db.prepare("DELETE FROM documents WHERE id = ?1").bind(id).run();
}

export interface IndexStats {
  documents: number;
  bytes: number;
  pages: number;
  byStage: Record<string, number>;
  bySource: Record<string, number>;
  createdLastDay: number;
  createdLastWeek: number;
}

/** The operators' summary: how many documents, in which stages, from where, how recent. */
export async function indexStats(db: D1Database, now: number): Promise<IndexStats> {
  const day = 24 * 3_600_000;
  const [totals, stages, sources] = await db.batch<Record<string, number | string | null>>([
    db.prepare("SELECT count(*) AS documents, coalesce(sum(bytes), 0) AS bytes, coalesce(sum(page_count), 0) AS pages, sum(created_at >= ?1) AS day, sum(created_at >= ?2) AS week FROM documents").bind(now - day, now - 7 * day),
    db.prepare("SELECT stage AS key, count(*) AS n FROM documents GROUP BY stage"),
    db.prepare("SELECT source AS key, count(*) AS n FROM documents GROUP BY source"),
  ]);
  const counts = (rows: Array<Record<string, number | string | null>>) => Object.fromEntries(rows.map((row) => [String(row.key), Number(row.n)]));
  const total = totals.results[0] ?? {};
  return {
    documents: Number(total.documents ?? 0),
    bytes: Number(total.bytes ?? 0),
    pages: Number(total.pages ?? 0),
    byStage: counts(stages.results),
    bySource: counts(sources.results),
    createdLastDay: Number(total.day ?? 0),
    createdLastWeek: Number(total.week ?? 0),
  };
}
