/**
 * A document's state in its Durable Object's SQLite: the document row, one row per page, and every
 * transition as a numbered event. All SQL of the Document object lives here; the object decides
 * what happens, this records it. A transition and its event are written in one transaction, and
 * only moves the lifecycle tables allow are written at all.
 */
import { sameDigest } from "../../auth";
import type { Entity } from "../../entities/extract";
import type { DocumentRow, NewDocument, PageRow, Reader, Transition } from "../../domain/document";
import type { DocumentSnapshot } from "../../domain/protocol";
import { pageSummary, type PageDetail, type SummaryFields } from "./page-views";
import { documentMigrations } from "./schema";
import { columnsOf, decoded, pageOf, type Carry, type Page, type PagePatch } from "./page";
import { canMoveDocument, canMovePage, hasResult, isFinalStage, pageStatuses, type DocumentStage, type PageStatus } from "../../domain/lifecycle";
import { migrate, sqlOf, type Sql } from "../../lib/sql";

/** The steps that retry with backoff, each with its count of failures in a row. */
export type AttemptKind = "persist" | "review" | "unexpected";
/** Column names are constants, never input: the only SQL built from text. */
const ATTEMPT_COLUMNS: Record<AttemptKind, string> = { persist: "persist_attempts", review: "review_attempts", unexpected: "failures" };

export class DocumentStore {
  private readonly query: Sql;

  /** Whether the schema exists: only once a document was received (a probe for an id creates nothing). */
  private ready: boolean;

  constructor(private readonly storage: DurableObjectStorage) {
    this.query = sqlOf(storage.sql);
    this.ready = this.query`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`.length > 0;
  }

  /** Brings an existing schema up to date; a document never received stays without one. */
  migrate(): void {
    if (this.ready) migrate(this.storage, documentMigrations);
  }

  /** The storage was deleted: there is no document (and no schema) any more. */
  forget(): void {
    this.ready = false;
  }

  /** Creates the schema for a document being received. */
  prepare(): void {
    migrate(this.storage, documentMigrations);
    this.ready = true;
  }

  // ---- Writes ----

  create(upload: NewDocument, now: number): Transition<DocumentStage> {
    const seq = this.storage.transactionSync(() => {
      this.query`INSERT INTO document (id, filename, bytes, sha256, r2_key, token_sha256, page_selection, text_layer, source, stage, created_at, updated_at)
               VALUES (${upload.id}, ${upload.filename}, ${upload.bytes}, ${upload.sha256}, ${upload.r2Key},
                       ${upload.tokenSha256}, ${upload.pages}, ${upload.textLayer}, ${upload.source}, 'received', ${now}, ${now})`;
      return this.appendEvent(now, null, null, "received", null);
    });
    return { seq, at: now, from: null, to: "received", durationMs: null };
  }

  addPages(pages: readonly number[], pageCount: number, now: number): void {
    this.storage.transactionSync(() => {
      for (const page of pages) this.query`INSERT OR IGNORE INTO pages (page, status, updated_at) VALUES (${page}, 'queued', ${now})`;
      this.query`UPDATE document SET page_count = ${pageCount}`;
    });
  }

  moveDocument(to: DocumentStage, error: string | null): Transition<DocumentStage> {
    const doc = this.document()!;
    if (!canMoveDocument(doc.stage, to)) throw new Error(`document ${doc.id}: no transition ${doc.stage} -> ${to}`);
    const now = Date.now();
    const seq = this.storage.transactionSync(() => {
      this.query`UPDATE document SET stage = ${to}, error = ${error}, updated_at = ${now}`;
      return this.appendEvent(now, null, doc.stage, to, error);
    });
    return { seq, at: now, from: doc.stage, to, durationMs: now - doc.updated_at };
  }

  /** Moves a page, setting `patch` too; `error` is cleared on `done` unless the patch sets it. */
  movePage(page: number, to: PageStatus, patch: PagePatch): Transition<PageStatus> & { row: Page; error: string | null } {
    const row = this.requirePage(page);
    if (!canMovePage(row.status, to)) throw new Error(`page ${page}: no transition ${row.status} -> ${to}`);
    const now = Date.now();
    const moved: Page = { ...row, ...patch, status: to, updated_at: now };
    if (to === "done" && !("error" in patch)) moved.error = null;
    const reportedError = to === "failed" || to === "retrying" ? moved.error : null;
    const next = columnsOf(moved);
    const seq = this.storage.transactionSync(() => {
      this.query`UPDATE pages SET
          status = ${next.status}, attempts = ${next.attempts}, not_before = ${next.not_before}, error = ${next.error},
          image_key = ${next.image_key}, image_kind = ${next.image_kind}, image_width = ${next.image_width},
          image_height = ${next.image_height}, image_sha256 = ${next.image_sha256}, render_ms = ${next.render_ms},
          ocr_ms = ${next.ocr_ms}, ocr_text = ${next.ocr_text}, finish_reason = ${next.finish_reason},
          prompt_tokens = ${next.prompt_tokens}, completion_tokens = ${next.completion_tokens},
          clean_text = ${next.clean_text}, parsed_json = ${next.parsed_json}, ink_ratio = ${next.ink_ratio},
          render_tries = ${next.render_tries}, ocr_path = ${next.ocr_path}, path_reason = ${next.path_reason},
          carry_json = ${next.carry_json}, entities_json = ${next.entities_json},
          review_record_id = ${next.review_record_id}, updated_at = ${now}
        WHERE page = ${page}`;
      return this.appendEvent(now, page, row.status, to, reportedError);
    });
    return { seq, at: now, from: row.status, to, durationMs: now - row.updated_at, row: moved, error: reportedError };
  }

  /** New entities, same status (a header carried over from the page before): an event of its own, in order. */
  updateEntities(page: number, entities: Entity[], carry: Carry): Transition<PageStatus> & { row: Page } {
    const row = this.requirePage(page);
    const now = Date.now();
    const seq = this.storage.transactionSync(() => {
      this.query`UPDATE pages SET entities_json = ${JSON.stringify(entities)}, carry_json = ${JSON.stringify(carry)}, updated_at = ${now} WHERE page = ${page}`;
      return this.appendEvent(now, page, row.status, row.status, null);
    });
    return { seq, at: now, from: row.status, to: row.status, durationMs: null, row: { ...row, entities, carry, updated_at: now } };
  }

  /** The pages' work is over: remember how it ended while the outputs are written. */
  finishRun(outcome: "done" | "partial", now: number): void {
    this.query`UPDATE document SET outcome = ${outcome}, finished_at = ${now}, persist_attempts = 0`;
    // The run's page events are said by its page rows now; the document's own events stay.
    this.query`DELETE FROM events WHERE page IS NOT NULL`;
  }

  /** An output of the current run was acknowledged (R2 or the warehouse). */
  markPersisted(output: "parquet" | "warehouse", runId: number): void {
    if (output === "parquet") this.query`UPDATE document SET parquet_run = ${runId}`;
    else this.query`UPDATE document SET warehouse_run = ${runId}`;
  }

  /** The run's pages are records in Argilla: remember each page's record id. */
  markReviewed(runId: number, records: ReadonlyMap<number, string>): void {
    this.storage.transactionSync(() => {
      for (const [page, recordId] of records) this.query`UPDATE pages SET review_record_id = ${recordId} WHERE page = ${page}`;
      this.query`UPDATE document SET review_run = ${runId}, review_attempts = 0`;
    });
  }

  /**
   * Starts a new run: the chosen pages go back to the queue with their results cleared (a page
   * whose result is kept carries it into the new run). Returns the pages requeued.
   */
  startRun(which: "all" | "failed", now: number): { runId: number; pages: number[] } {
    return this.storage.transactionSync(() => {
      const [{ run_id: runId }] = this.query<{ run_id: number }>`
        UPDATE document SET run_id = run_id + 1, outcome = NULL, finished_at = NULL, persist_attempts = 0, failures = 0
        RETURNING run_id`;
      const pages = this.query<{ page: number }>`SELECT page FROM pages WHERE ${which === "all" ? 1 : 0} = 1 OR status = 'failed' ORDER BY page`.map((row) => row.page);
      return { runId, pages };
    });
  }

  /** When the runs started since `since` were asked for (a finished document moved back to OCR), oldest first. */
  rerunsSince(since: number): number[] {
    return this.query<{ at: number }>`
      SELECT at FROM events
      WHERE page IS NULL AND to_state = 'ocr' AND from_state IN ('done', 'partial', 'failed', 'cancelled') AND at >= ${since}
      ORDER BY at`.map((row) => row.at);
  }

  /** Outputs written for this document (R2 keys, `argilla:<record id>`), so deleting it can remove them all. */
  recordOutputs(keys: readonly string[]): void {
    for (const key of keys) this.query`INSERT OR IGNORE INTO outputs (key) VALUES (${key})`;
  }

  outputKeys(): string[] {
    return this.query<{ key: string }>`SELECT key FROM outputs`.map((row) => row.key);
  }

  /** Deletion began (kept if it had already): nothing else runs for this document from now on. */
  markDeleting(now: number): void {
    this.query`UPDATE document SET deleting_since = coalesce(deleting_since, ${now})`;
  }

  /** All pages, in order, with their results: what a finished run is made of. */
  pages(): Page[] {
    return this.query<PageRow>`SELECT * FROM pages ORDER BY page`.map(pageOf);
  }

  /** Counts one more failed attempt of `kind` in a row; returns how many there have been. */
  countAttempt(kind: AttemptKind): number {
    const column = ATTEMPT_COLUMNS[kind];
    return this.storage.sql.exec<{ n: number }>(`UPDATE document SET ${column} = ${column} + 1 RETURNING ${column} AS n`).one().n;
  }

  resetAttempts(kind: AttemptKind): void {
    this.storage.sql.exec(`UPDATE document SET ${ATTEMPT_COLUMNS[kind]} = 0`);
  }

  /** Appends to the event history and bumps the sequence number; runs inside the transition's transaction. */
  private appendEvent(now: number, page: number | null, from: string | null, to: string, error: string | null): number {
    const [{ seq }] = this.query<{ seq: number }>`UPDATE document SET seq = seq + 1 RETURNING seq`;
    this.query`INSERT INTO events (seq, at, page, from_state, to_state, error) VALUES (${seq}, ${now}, ${page}, ${from}, ${to}, ${error})`;
    return seq;
  }

  // ---- Reads ----

  /** What page `page` carries over to the next one, if it has a result. */
  carryOf(page: number): Carry | null {
    const [row] = this.query<{ status: PageStatus; carry_json: string | null }>`SELECT status, carry_json FROM pages WHERE page = ${page}`;
    return row && hasResult(row.status) ? decoded<Carry>(row.carry_json) : null;
  }

  document(): DocumentRow | undefined {
    return this.ready ? this.query<DocumentRow>`SELECT * FROM document LIMIT 1`[0] : undefined;
  }

  requirePage(page: number): Page {
    const [row] = this.query<PageRow>`SELECT * FROM pages WHERE page = ${page}`;
    if (!row) throw new Error(`page ${page} does not exist`);
    return pageOf(row);
  }

  allows(reader: Reader): boolean {
    const doc = this.document();
    if (!doc) return false;
    if (reader.kind === "operator") return true;
    return doc.token_sha256 !== null && sameDigest(doc.token_sha256, reader.tokenSha256);
  }

  /** Pages a batch left mid-step (it died with its invocation). */
  interruptedPages(): Page[] {
    return this.query<PageRow>`SELECT * FROM pages WHERE status IN ('rendering', 'waiting', 'ocr')`.map(pageOf);
  }

  /** The lowest-numbered page ready to work on that is not in `busy`. */
  nextReadyPage(now: number, busy: ReadonlySet<number>): Page | null {
    const candidates = this.query<PageRow>`
      SELECT * FROM pages
      WHERE status = 'queued' OR (status = 'retrying' AND not_before <= ${now})
      ORDER BY page LIMIT ${busy.size + 1}`;
    const next = candidates.find((candidate) => !busy.has(candidate.page));
    return next ? pageOf(next) : null;
  }

  /** Pages not settled yet, those ready to go now, and when the earliest retry is due. */
  progress(): { open: number; ready: number; nextRetry: number | null } {
    const [row] = this.query<{ open: number; ready: number; next_retry: number | null }>`
      SELECT count(*) FILTER (WHERE status IN ('queued', 'rendering', 'waiting', 'ocr', 'retrying')) AS open,
             count(*) FILTER (WHERE status IN ('queued', 'rendering', 'waiting', 'ocr')) AS ready,
             min(not_before) FILTER (WHERE status = 'retrying') AS next_retry
      FROM pages`;
    return { open: row.open, ready: row.ready, nextRetry: row.next_retry };
  }

  pageCounts(): Record<PageStatus, number> {
    const counts = Object.fromEntries(pageStatuses.map((status) => [status, 0])) as Record<PageStatus, number>;
    for (const { status, n } of this.query<{ status: PageStatus; n: number }>`SELECT status, count(*) AS n FROM pages GROUP BY status`) {
      counts[status] = n;
    }
    return counts;
  }

  snapshot(now: number): DocumentSnapshot {
    const doc = this.document()!;
    const stageMs: DocumentSnapshot["stageMs"] = {};
    const stages = this.query<{ to_state: DocumentStage; at: number }>`SELECT to_state, at FROM events WHERE page IS NULL ORDER BY seq`;
    stages.forEach(({ to_state, at }, i) => {
      const end = stages[i + 1]?.at ?? (isFinalStage(to_state) ? at : now);
      stageMs[to_state] = (stageMs[to_state] ?? 0) + (end - at);
    });
    return {
      id: doc.id,
      filename: doc.filename,
      bytes: doc.bytes,
      sha256: doc.sha256,
      stage: doc.stage,
      error: doc.error,
      createdAt: new Date(doc.created_at).toISOString(),
      updatedAt: new Date(doc.updated_at).toISOString(),
      stageMs,
      pageCount: doc.page_count,
      pageSelection: doc.page_selection,
      textLayer: doc.text_layer,
      pageCounts: this.pageCounts(),
      // Only the columns a summary shows: a big document has thousands of pages of text and blocks.
      pages: this.query<Omit<SummaryFields, "entities"> & { entities_json: string | null }>`
        SELECT page, status, ocr_path, path_reason, entities_json, attempts, error, image_kind, render_ms, ocr_ms, review_record_id, updated_at
        FROM pages ORDER BY page`.map(({ entities_json, ...row }) => pageSummary({ ...row, entities: decoded(entities_json) })),
      run: doc.run_id,
      source: doc.source,
      persisted: { parquet: doc.parquet_run === doc.run_id, warehouse: doc.warehouse_run === doc.run_id, review: doc.review_run === doc.run_id },
      seq: doc.seq,
    };
  }

  /** Entities of every page (or one), optionally of one label, in page order. */
  entities(filter: { page?: number; label?: string }): Array<Entity & { page: number }> {
    const rows = this.query<{ page: number; entities_json: string }>`
      SELECT page, entities_json FROM pages WHERE entities_json IS NOT NULL ORDER BY page`;
    return rows
      .filter((row) => filter.page === undefined || row.page === filter.page)
      .flatMap((row) => decoded<Entity[]>(row.entities_json)!.map((entity) => ({ ...entity, page: row.page })))
      .filter((entity) => filter.label === undefined || entity.label === filter.label);
  }

  pageDetail(n: number): PageDetail | null {
    const [found] = this.query<PageRow>`SELECT * FROM pages WHERE page = ${n}`;
    if (!found) return null;
    const row = pageOf(found);
    return {
      ...pageSummary(row),
      imageWidth: row.image_width,
      imageHeight: row.image_height,
      imageSha256: row.image_sha256,
      ocr:
        hasResult(row.status) && row.reading !== null
          ? {
              raw: row.ocr_text ?? "",
              text: row.clean_text ?? "",
              ...row.reading,
              finishReason: row.finish_reason,
              promptTokens: row.prompt_tokens,
              completionTokens: row.completion_tokens,
            }
          : null,
    };
  }
}
