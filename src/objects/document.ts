/**
 * One Durable Object per uploaded document: the only writer of its state. It walks the document
 * through the stages in ./lifecycle.ts from alarms, so an evicted or restarted object picks up where
 * it stopped, and it tells every WebSocket subscriber about each transition after it is stored.
 */
import { Server, type Connection } from "partyserver";
import { sameDigest } from "../auth";
import { backoffMs } from "../backoff";
import { sha256Hex } from "../bytes";
import { settings, type Settings } from "../config";
import { log } from "../log";
import { OcrError, isRunaway, ocrClientOptions, recognisePage } from "../ocr/deepseek";
import { parseGrounded, type Block, type OffsetRun } from "../ocr/grounding";
import { PdfError } from "../pdf/document";
import { BLANK_INK_RATIO, mediaTypes, type PageImage, type PageImageKind } from "../pdf/page-image";
import { parsePageRanges, selectPages } from "../pdf/page-ranges";
import { openSource, type PdfSource } from "../pdf/source";
import {
  MAX_CLIENT_MESSAGE_BYTES,
  clientMessage,
  type DocumentSnapshot,
  type PageSummary,
  type ServerMessage,
  type TransitionEvent,
} from "../protocol";
import { documentMigrations } from "./document-schema";
import {
  canMoveDocument,
  canMovePage,
  hasResult,
  isFinalStage,
  ocrOutcome,
  pageStatuses,
  type DocumentStage,
  type PageStatus,
} from "./lifecycle";
import type { Outcome } from "./ocr-gate";
import { migrate, sqlOf, type Sql } from "./sql";

export interface ReceivedUpload {
  id: string;
  filename: string;
  bytes: number;
  sha256: string;
  r2Key: string;
  /** SHA-256 (hex) of the capability token handed to the uploader. */
  tokenSha256: string;
  /** The uploader's page selection (`1-5,9`), already validated; null for every page. */
  pages: string | null;
  /** Whether born-digital pages may be read from their text layer. */
  textLayer: "auto" | "off";
}

/** Who reads: an operator (already authenticated by the Worker), or the holder of a token. */
export type Reader = { kind: "operator" } | { kind: "token"; tokenSha256: string };

export interface PageDetail extends PageSummary {
  image: PageImageKind | null;
  imageWidth: number | null;
  imageHeight: number | null;
  imageSha256: string | null;
  ocr: {
    /** The model's output, verbatim. */
    raw: string;
    /** Clean text: markup removed, tables as tab-separated rows. */
    text: string;
    /** Layout blocks with boxes in image pixels; tables with rows and cells. Spans index `text`. */
    blocks: Block[];
    /** Clean text index -> raw index (see ../ocr/grounding.ts). */
    offsets: OffsetRun[];
    finishReason: string | null;
    promptTokens: number | null;
    completionTokens: number | null;
  } | null;
}

type DocumentRow = {
  id: string;
  filename: string;
  bytes: number;
  sha256: string;
  r2_key: string;
  stage: DocumentStage;
  error: string | null;
  page_count: number | null;
  seq: number;
  failures: number;
  token_sha256: string | null;
  page_selection: string | null;
  text_layer: "auto" | "off";
  created_at: number;
  updated_at: number;
};

type PageRow = {
  page: number;
  status: PageStatus;
  attempts: number;
  not_before: number | null;
  error: string | null;
  image_key: string | null;
  image_kind: PageImageKind | null;
  image_width: number | null;
  image_height: number | null;
  image_sha256: string | null;
  render_ms: number | null;
  ocr_ms: number | null;
  ocr_text: string | null;
  finish_reason: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  clean_text: string | null;
  parsed_json: string | null;
  ink_ratio: number | null;
  render_tries: number;
  ocr_path: "ocr" | "text-layer" | null;
  updated_at: number;
};

/** Columns a page transition may set besides its status. */
type PagePatch = Partial<Omit<PageRow, "page" | "status" | "updated_at">>;

/** Unexpected errors in a row before a document is failed instead of retried. */
const MAX_CONSECUTIVE_FAILURES = 5;
/** How long a page waits at the gate for a slot before the batch gives it back and moves on. */
const GATE_WAIT_MS = 30_000;
/** Renders of one page that may die with their invocation before the page is failed. */
const MAX_RENDER_TRIES = 2;
/** How often a document waiting for a down backend asks the gate again. */
const BACKEND_RECHECK_MS = 5_000;

export class Document extends Server<Env> {
  static override options = { hibernate: true };

  private readonly query: Sql;
  /** Pages being worked on by the running batch; nothing else starts them twice. */
  private readonly inFlight = new Set<number>();
  private batchRunning = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.query = sqlOf(ctx.storage.sql);
    // Answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, documentMigrations);
      // Whatever woke us, a live document must have its next step scheduled (self-healing after
      // an abort that lost the alarm).
      const doc = this.documentRow();
      if (doc && !isFinalStage(doc.stage) && (await ctx.storage.getAlarm()) === null) {
        await ctx.storage.setAlarm(Date.now());
      }
    });
  }

  // ---- RPC surface (called by the Worker's routes) ----

  /** Takes charge of a stored upload. Calling it again for the same document changes nothing. */
  async receive(upload: ReceivedUpload): Promise<DocumentSnapshot> {
    if (!this.documentRow()) {
      const now = Date.now();
      const seq = this.ctx.storage.transactionSync(() => {
        this.query`INSERT INTO document (id, filename, bytes, sha256, r2_key, token_sha256, page_selection, text_layer, stage, created_at, updated_at)
                 VALUES (${upload.id}, ${upload.filename}, ${upload.bytes}, ${upload.sha256}, ${upload.r2Key},
                         ${upload.tokenSha256}, ${upload.pages}, ${upload.textLayer}, 'received', ${now}, ${now})`;
        return this.appendEvent(now, null, null, "received", null);
      });
      this.announceDocument(seq, now, null, "received", null, null);
      await this.ctx.storage.setAlarm(now);
    }
    return this.snapshotOrThrow();
  }

  /** The snapshot, or null when there is no such document or `reader` may not see it (the same answer). */
  snapshot(reader: Reader): DocumentSnapshot | null {
    return this.allows(reader) ? this.snapshotOrThrow() : null;
  }

  page(reader: Reader, n: number): PageDetail | null {
    if (!this.allows(reader)) return null;
    const [row] = this.query<PageRow>`SELECT * FROM pages WHERE page = ${n}`;
    if (!row) return null;
    return {
      ...pageSummary(row),
      imageWidth: row.image_width,
      imageHeight: row.image_height,
      imageSha256: row.image_sha256,
      ocr:
        hasResult(row.status) && row.parsed_json !== null
          ? {
              raw: row.ocr_text ?? "",
              text: row.clean_text ?? "",
              ...(JSON.parse(row.parsed_json) as { blocks: Block[]; offsets: OffsetRun[] }),
              finishReason: row.finish_reason,
              promptTokens: row.prompt_tokens,
              completionTokens: row.completion_tokens,
            }
          : null,
    };
  }

  /** Stops a live document; pages already done keep their results. */
  async cancel(reader: Reader): Promise<DocumentSnapshot | null> {
    const doc = this.documentRow();
    if (!doc || !this.allows(reader)) return null;
    if (!isFinalStage(doc.stage)) {
      this.moveDocument("cancelled");
      await this.ctx.storage.deleteAlarm();
    }
    return this.snapshotOrThrow();
  }

  // ---- WebSocket subscribers ----

  // The Worker lets a socket through only after `snapshot(reader)` said yes.
  override onConnect(connection: Connection): void {
    if (!this.documentRow()) {
      connection.close(4404, "unknown document");
      return;
    }
    send(connection, { type: "snapshot", document: this.snapshotOrThrow() });
  }

  override onMessage(connection: Connection, message: string | ArrayBuffer): void {
    const size = typeof message === "string" ? message.length : message.byteLength;
    if (typeof message !== "string" || size > MAX_CLIENT_MESSAGE_BYTES) {
      send(connection, { type: "error", message: `messages must be JSON text of at most ${MAX_CLIENT_MESSAGE_BYTES} bytes` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      send(connection, { type: "error", message: "message is not valid JSON" });
      return;
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      send(connection, { type: "error", message: 'unknown message: expected {"type":"ping"} or {"type":"snapshot"}' });
      return;
    }
    switch (parsed.data.type) {
      case "ping":
        send(connection, { type: "pong" });
        return;
      case "snapshot":
        this.onConnect(connection);
        return;
      default:
        assertNever(parsed.data);
    }
  }

  override onError(_connection: Connection, error: unknown): void {
    log({ event: "websocket.error", documentId: this.documentRow()?.id ?? this.name, error: String(error) });
  }

  // ---- The work, driven by alarms ----

  override async onAlarm(): Promise<void> {
    const doc = this.documentRow();
    if (!doc || isFinalStage(doc.stage)) return;
    if (this.batchRunning) {
      // An alarm retried by the runtime while a batch still runs: look again once it is over.
      await this.ctx.storage.setAlarm(Date.now() + 1000);
      return;
    }
    try {
      const config = settings(this.env);
      if (doc.stage === "received") this.moveDocument("paging");
      if (this.stage() === "paging") await this.countPages(doc, config);
      if (this.stage() === "waiting" && (await this.gate(config).status()).healthy) this.moveDocument("ocr");
      if (this.stage() === "ocr") await this.runOcrBatch(config);
      this.query`UPDATE document SET failures = 0`;
      await this.scheduleNext();
    } catch (error) {
      await this.afterUnexpectedError(error);
    }
  }

  /**
   * A bug or an outage of our own storage, not a property of the document: try again with backoff,
   * and after a few tries fail the document with the reason rather than retry forever.
   */
  private async afterUnexpectedError(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const [{ failures }] = this.query<{ failures: number }>`UPDATE document SET failures = failures + 1 RETURNING failures`;
    log({ event: "document.error", documentId: this.documentRow()!.id, failures, error: message });
    if (failures >= MAX_CONSECUTIVE_FAILURES && !isFinalStage(this.stage())) {
      this.moveDocument("failed", `internal error: ${message}`);
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Date.now() + backoffMs(failures, 1000));
  }

  /**
   * paging: opens the PDF once to learn its pages and applies the uploader's page selection; a PDF
   * that cannot be opened, or is over the limits, fails the document with the reason.
   */
  private async countPages(doc: DocumentRow, config: Settings): Promise<void> {
    let count: number;
    try {
      const source = await this.loadPdf(doc, config);
      count = source.pageCount;
      source.close();
    } catch (error) {
      if (!(error instanceof PdfError)) throw error;
      this.moveDocument("failed", error.message);
      return;
    }
    const { pages, outside } = selectPages(doc.page_selection ? parsePageRanges(doc.page_selection) : null, count);
    if (outside.length) {
      this.moveDocument("failed", `pages ${outside.join(",")} are not in this ${count}-page document`);
      return;
    }
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (const page of pages) {
        this.query`INSERT OR IGNORE INTO pages (page, status, updated_at) VALUES (${page}, 'queued', ${now})`;
      }
      this.query`UPDATE document SET page_count = ${count} WHERE id = ${doc.id}`;
    });
    this.moveDocument("ocr");
  }

  /** The gate every document shares in front of this deployment's OCR endpoint. */
  private gate(config: Settings) {
    return this.env.OcrGate.getByName(config.SPARK_OCR_URL);
  }

  /**
   * ocr: up to OCR_PAGES_IN_FLIGHT pages at a time, each rendered (one render at a time in the
   * whole isolate, see ../pdf/render.ts), given a slot by the shared gate, and sent to the OCR
   * server. A batch handles at most PAGES_PER_INVOCATION pages so no invocation runs long; the
   * next alarm carries on.
   */
  private async runOcrBatch(config: Settings): Promise<void> {
    this.batchRunning = true;
    try {
      this.resumeInterruptedPages();
      let budget = config.PAGES_PER_INVOCATION;
      let pdf: Promise<PdfSource> | undefined;
      const loadPdfOnce = () => (pdf ??= this.loadPdf(this.documentRow()!, config));

      const worker = async () => {
        while (budget > 0) {
          const row = this.claimNextPage();
          if (!row) return;
          budget--;
          try {
            await this.processPage(row, config, loadPdfOnce);
          } finally {
            this.inFlight.delete(row.page);
          }
        }
      };
      // Let every page in flight settle before reporting a failure, so none is left half-done.
      const results = await Promise.allSettled(Array.from({ length: config.OCR_PAGES_IN_FLIGHT }, worker));
      const failure = results.find((result) => result.status === "rejected");
      (await pdf?.catch(() => null))?.close();
      if (failure) throw failure.reason;
    } finally {
      this.batchRunning = false;
    }
  }

  private async processPage(
    row: PageRow,
    config: Settings,
    loadPdf: () => Promise<PdfSource>,
  ): Promise<void> {
    const ready = row.status === "queued" ? await this.render(row, config, loadPdf) : await this.storedImage(row);
    if (!ready) return;
    const { image, patch } = ready;
    this.movePage(row.page, "waiting", patch);

    const gate = this.gate(config);
    const grant = await gate.acquire(this.documentRow()!.id, GATE_WAIT_MS);
    if (!grant.granted) {
      // Waiting costs no attempt. A down backend puts the whole document in `waiting`.
      this.movePage(row.page, "retrying", { not_before: Date.now() + grant.retryAfterMs });
      if (grant.reason === "unavailable" && this.stage() === "ocr") this.moveDocument("waiting", grant.message);
      return;
    }
    const attempt = row.attempts + 1;
    this.movePage(row.page, "ocr", { attempts: attempt });
    const started = Date.now();
    let failure: OcrError | null = null;
    try {
      failure = await this.recognise(row.page, attempt, image, config);
    } finally {
      // The slot goes back whatever happened, or the gate would count it until its lease expires.
      const result: Outcome["result"] = failure === null ? "ok" : failure.retryable ? "unavailable" : "rejected";
      const { healthy } = await gate.release(grant.lease, { latencyMs: Date.now() - started, result });
      if (failure) this.afterOcrFailure(row.page, attempt, failure, healthy, config);
    }
  }

  /** Retry with backoff, give up, or (the backend itself is down) give the attempt back and wait. */
  private afterOcrFailure(page: number, attempt: number, error: OcrError, backendHealthy: boolean, config: Settings): void {
    if (error.retryable && !backendHealthy) {
      this.movePage(page, "retrying", { attempts: attempt - 1, error: error.message, not_before: Date.now() });
      if (this.stage() === "ocr") this.moveDocument("waiting", "the OCR backend is unavailable");
    } else if (error.retryable && attempt < config.OCR_MAX_ATTEMPTS) {
      this.movePage(page, "retrying", { error: error.message, not_before: Date.now() + backoffMs(attempt, config.OCR_RETRY_BASE_MS) });
    } else {
      const why = error.retryable ? `gave up after ${attempt} attempts: ${error.message}` : error.message;
      this.movePage(page, "failed", { error: `page ${page}: ${why}` });
    }
  }

  /** rendering: the page's image, stored in R2; null when the page needs no OCR or cannot be rendered. */
  private async render(
    row: PageRow,
    config: Settings,
    loadPdf: () => Promise<PdfSource>,
  ): Promise<{ image: PageImage; patch: PagePatch } | null> {
    // Counted before rendering starts: a page that kills the isolate twice is failed, not retried forever.
    this.movePage(row.page, "rendering", { render_tries: row.render_tries + 1 });
    const started = Date.now();
    const pdf = await loadPdf();
    let image: PageImage;
    try {
      const withText = this.documentRow()!.text_layer === "auto";
      image = await pdf.pageImage(row.page - 1, config.RENDER_DPI, withText);
    } catch (error) {
      // Whatever stops one page from rendering belongs to that page; the others go on.
      const reason = error instanceof Error ? error.message : String(error);
      this.movePage(row.page, "failed", { error: `page ${row.page}: cannot render: ${reason}` });
      return null;
    }
    const imageKey = pageImageKey(this.documentRow()!.id, row.page, image.kind);
    await this.env.DOCUMENTS_BUCKET.put(imageKey, image.bytes, { httpMetadata: { contentType: mediaTypes[image.kind] } });
    const patch: PagePatch = {
      image_key: imageKey,
      image_kind: image.kind,
      image_width: image.width,
      image_height: image.height,
      image_sha256: await sha256Hex(image.bytes),
      ink_ratio: image.inkRatio,
      render_ms: Date.now() - started,
    };
    if (image.textLayer) {
      // Born-digital: the page says what it says; no GPU time, and the same parsed structure.
      const parsed = parseGrounded(image.textLayer, image);
      this.movePage(row.page, "done", {
        ...patch,
        ocr_path: "text-layer",
        ocr_text: image.textLayer,
        clean_text: parsed.text,
        parsed_json: JSON.stringify({ blocks: parsed.blocks, offsets: parsed.offsets }),
      });
      return null;
    }
    if (image.inkRatio < BLANK_INK_RATIO) {
      // A blank page makes the model repeat one letter for thousands of tokens: do not send it.
      this.movePage(row.page, "blank", { ...patch, clean_text: "", parsed_json: JSON.stringify({ blocks: [], offsets: [] }) });
      return null;
    }
    return { image, patch };
  }

  private async storedImage(row: PageRow): Promise<{ image: PageImage; patch: PagePatch } | null> {
    const stored = await this.env.DOCUMENTS_BUCKET.get(row.image_key!);
    if (!stored) {
      // Only a hand-made change to the bucket gets here; say so rather than guess.
      this.movePage(row.page, "failed", { error: `page ${row.page}: stored page image is missing` });
      return null;
    }
    const image: PageImage = {
      kind: row.image_kind!,
      bytes: new Uint8Array(await stored.arrayBuffer()),
      width: row.image_width!,
      height: row.image_height!,
      inkRatio: row.ink_ratio ?? 1,
      textLayer: null,
    };
    return { image, patch: {} };
  }

  /**
   * One OCR call (two, if the first runs away). An answer ends the page `done` or `degraded`; a
   * failure is returned for the caller to decide on once the gate has said how the backend is.
   */
  private async recognise(page: number, attempt: number, image: PageImage, config: Settings): Promise<OcrError | null> {
    const documentId = this.documentRow()!.id;
    const input = { mediaType: mediaTypes[image.kind], bytes: image.bytes };
    const options = ocrClientOptions(config);
    const started = Date.now();
    try {
      let result = await recognisePage(input, options);
      let attempts = attempt;
      log({ event: "ocr.request", documentId, page, attempt, outcome: "ok", latencyMs: Date.now() - started });
      if (isRunaway(result)) {
        // Cut off or looping: once more with settings that break loops, then keep what we have.
        attempts++;
        const again = Date.now();
        result = await recognisePage(input, options, true);
        log({ event: "ocr.request", documentId, page, attempt: attempts, outcome: "ok", latencyMs: Date.now() - again });
      }
      const parsed = parseGrounded(result.text, image);
      const degraded = isRunaway(result);
      this.movePage(page, degraded ? "degraded" : "done", {
        attempts,
        ocr_path: "ocr",
        ocr_text: result.text,
        clean_text: parsed.text,
        parsed_json: JSON.stringify({ blocks: parsed.blocks, offsets: parsed.offsets }),
        finish_reason: result.finishReason,
        prompt_tokens: result.promptTokens,
        completion_tokens: result.completionTokens,
        ocr_ms: Date.now() - started,
        not_before: null,
        error: degraded ? `page ${page}: the model ran away twice (${result.finishReason === "length" ? "cut off" : "repeating"}); text kept` : null,
      });
      return null;
    } catch (error) {
      if (!(error instanceof OcrError)) throw error;
      log({
        event: "ocr.request",
        documentId,
        page,
        attempt,
        outcome: error.retryable ? "retryable" : "fatal",
        status: error.status,
        latencyMs: Date.now() - started,
        error: error.message,
      });
      return error;
    }
  }

  /** Pages left mid-step by an evicted or aborted invocation go back to where they can restart. */
  private resumeInterruptedPages(): void {
    for (const row of this.query<PageRow>`SELECT * FROM pages WHERE status IN ('rendering', 'waiting', 'ocr')`) {
      if (this.inFlight.has(row.page)) continue;
      if (row.status === "rendering" && row.render_tries >= MAX_RENDER_TRIES) {
        this.movePage(row.page, "failed", { error: `page ${row.page}: rendering did not finish in ${row.render_tries} tries (too large or malformed?)` });
      } else if (row.status === "rendering") {
        this.movePage(row.page, "queued", { error: "interrupted; resumed" });
      } else {
        this.movePage(row.page, "retrying", { error: "interrupted; resumed", not_before: Date.now() });
      }
    }
  }

  /** The next page ready to work on, lowest number first; marks it in flight. */
  private claimNextPage(): PageRow | null {
    if (this.stage() !== "ocr") return null;
    const now = Date.now();
    const candidates = this.query<PageRow>`
      SELECT * FROM pages
      WHERE status = 'queued' OR (status = 'retrying' AND not_before <= ${now})
      ORDER BY page LIMIT ${this.inFlight.size + 1}`;
    const row = candidates.find((candidate) => !this.inFlight.has(candidate.page)) ?? null;
    if (row) this.inFlight.add(row.page);
    return row;
  }

  /** Sets the alarm for the next step, or ends the OCR stage when every page is settled. */
  private async scheduleNext(): Promise<void> {
    const stage = this.stage();
    if (isFinalStage(stage)) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    if (stage === "waiting") {
      await this.ctx.storage.setAlarm(Date.now() + BACKEND_RECHECK_MS);
      return;
    }
    if (stage !== "ocr") {
      await this.ctx.storage.setAlarm(Date.now());
      return;
    }
    const [{ open, ready, next_retry }] = this.query<{ open: number; ready: number; next_retry: number | null }>`
      SELECT count(*) FILTER (WHERE status IN ('queued', 'rendering', 'waiting', 'ocr', 'retrying')) AS open,
             count(*) FILTER (WHERE status IN ('queued', 'rendering', 'waiting', 'ocr')) AS ready,
             min(not_before) FILTER (WHERE status = 'retrying') AS next_retry
      FROM pages`;
    if (open === 0) {
      const counts = this.pageCounts();
      const withResult = pageStatuses.filter(hasResult).reduce((n, status) => n + counts[status], 0);
      const outcome = ocrOutcome({ withResult, failed: counts.failed });
      this.moveDocument(outcome, outcome === "done" ? null : `${counts.failed} of ${withResult + counts.failed} pages failed`);
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(ready > 0 || next_retry === null ? Date.now() : next_retry);
  }

  // ---- Transitions: stored first, then logged and announced ----

  private moveDocument(to: DocumentStage, error: string | null = null): void {
    const doc = this.documentRow()!;
    if (!canMoveDocument(doc.stage, to)) throw new Error(`document ${doc.id}: no transition ${doc.stage} -> ${to}`);
    const now = Date.now();
    const seq = this.ctx.storage.transactionSync(() => {
      this.query`UPDATE document SET stage = ${to}, error = ${error}, updated_at = ${now}`;
      return this.appendEvent(now, null, doc.stage, to, error);
    });
    this.announceDocument(seq, now, doc.stage, to, error, now - doc.updated_at);
  }

  private announceDocument(
    seq: number,
    now: number,
    from: DocumentStage | null,
    to: DocumentStage,
    error: string | null,
    durationMs: number | null,
  ): void {
    const doc = this.documentRow()!;
    log({ event: "document.transition", documentId: doc.id, from, to, durationMs, ...(error ? { error } : {}) });
    this.broadcastEvent({ type: "document", seq, at: new Date(now).toISOString(), from, stage: to, error, pageCount: doc.page_count });
  }

  private movePage(page: number, to: PageStatus, patch: PagePatch = {}): void {
    const row = this.pageRow(page);
    if (!canMovePage(row.status, to)) throw new Error(`page ${page}: no transition ${row.status} -> ${to}`);
    const now = Date.now();
    const next: PageRow = { ...row, ...patch, status: to, updated_at: now };
    if (to === "done" && !("error" in patch)) next.error = null;
    const reportedError = to === "failed" || to === "retrying" ? next.error : null;
    const seq = this.ctx.storage.transactionSync(() => {
      this.query`UPDATE pages SET
          status = ${next.status}, attempts = ${next.attempts}, not_before = ${next.not_before}, error = ${next.error},
          image_key = ${next.image_key}, image_kind = ${next.image_kind}, image_width = ${next.image_width},
          image_height = ${next.image_height}, image_sha256 = ${next.image_sha256}, render_ms = ${next.render_ms},
          ocr_ms = ${next.ocr_ms}, ocr_text = ${next.ocr_text}, finish_reason = ${next.finish_reason},
          prompt_tokens = ${next.prompt_tokens}, completion_tokens = ${next.completion_tokens},
          clean_text = ${next.clean_text}, parsed_json = ${next.parsed_json}, ink_ratio = ${next.ink_ratio},
          render_tries = ${next.render_tries}, ocr_path = ${next.ocr_path}, updated_at = ${now}
        WHERE page = ${page}`;
      return this.appendEvent(now, page, row.status, to, reportedError);
    });
    log({
      event: "page.transition",
      documentId: this.documentRow()!.id,
      page,
      from: row.status,
      to,
      durationMs: now - row.updated_at,
      attempt: next.attempts,
      ...(reportedError ? { error: reportedError } : {}),
    });
    this.broadcastEvent({ type: "page", seq, at: new Date(now).toISOString(), from: row.status, page: pageSummary(next) });
  }

  /** Appends to the event history and bumps the sequence number; runs inside the transition's transaction. */
  private appendEvent(now: number, page: number | null, from: string | null, to: string, error: string | null): number {
    const [{ seq }] = this.query<{ seq: number }>`UPDATE document SET seq = seq + 1 RETURNING seq`;
    this.query`INSERT INTO events (seq, at, page, from_state, to_state, error) VALUES (${seq}, ${now}, ${page}, ${from}, ${to}, ${error})`;
    return seq;
  }

  private broadcastEvent(event: TransitionEvent): void {
    this.broadcast(JSON.stringify(event satisfies ServerMessage));
  }

  // ---- Reads ----

  private allows(reader: Reader): boolean {
    const doc = this.documentRow();
    if (!doc) return false;
    if (reader.kind === "operator") return true;
    return doc.token_sha256 !== null && sameDigest(doc.token_sha256, reader.tokenSha256);
  }

  private documentRow(): DocumentRow | undefined {
    return this.query<DocumentRow>`SELECT * FROM document LIMIT 1`[0];
  }

  private stage(): DocumentStage {
    return this.documentRow()!.stage;
  }

  private pageRow(page: number): PageRow {
    const [row] = this.query<PageRow>`SELECT * FROM pages WHERE page = ${page}`;
    if (!row) throw new Error(`page ${page} does not exist`);
    return row;
  }

  private pageCounts(): Record<PageStatus, number> {
    const counts = Object.fromEntries(pageStatuses.map((status) => [status, 0])) as Record<PageStatus, number>;
    for (const { status, n } of this.query<{ status: PageStatus; n: number }>`SELECT status, count(*) AS n FROM pages GROUP BY status`) {
      counts[status] = n;
    }
    return counts;
  }

  private snapshotOrThrow(): DocumentSnapshot {
    const doc = this.documentRow()!;
    const now = Date.now();
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
      pages: this.query<PageRow>`SELECT * FROM pages ORDER BY page`.map(pageSummary),
      seq: doc.seq,
    };
  }

  private async loadPdf(doc: DocumentRow, config: Settings): Promise<PdfSource> {
    const object = await this.env.DOCUMENTS_BUCKET.get(doc.r2_key);
    if (!object) throw new PdfError("the uploaded file is missing from storage");
    return openSource(new Uint8Array(await object.arrayBuffer()), {
      maxPages: config.MAX_PAGES,
      maxPagePixels: config.MAX_PAGE_PIXELS,
      maxImagePixels: config.MAX_IMAGE_PIXELS,
      maxContentBytes: config.MAX_CONTENT_BYTES,
    });
  }

}

function pageSummary(row: PageRow): PageSummary {
  return {
    page: row.page,
    status: row.status,
    path: row.ocr_path,
    attempts: row.attempts,
    error: row.error,
    image: row.image_kind,
    renderMs: row.render_ms,
    ocrMs: row.ocr_ms,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function pageImageKey(documentId: string, page: number, kind: PageImageKind): string {
  return `pages/${documentId}/${String(page).padStart(5, "0")}.${kind === "jpeg" ? "jpg" : "png"}`;
}

function send(connection: Connection, message: ServerMessage): void {
  connection.send(JSON.stringify(message));
}

function assertNever(value: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
