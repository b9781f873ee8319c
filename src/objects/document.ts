/**
 * One Durable Object per uploaded document: the only writer of its state. It walks the document
 * through the stages in ./lifecycle.ts from alarms, so an evicted or restarted object picks up where
 * it stopped, and it tells every WebSocket subscriber about each transition after it is stored.
 */
import { Server, type Connection } from "partyserver";
import { backoffMs } from "../backoff";
import { sha256Hex } from "../bytes";
import { argillaOptions, settings, warehouseOptions, type Settings } from "../config";
import { log } from "../log";
import { OcrError, isRunaway, ocrClientOptions, recognisePage } from "../ocr/deepseek";
import type { Entity } from "../entities/extract";
import { llmEntities, llmOptions, type LocatedSpan } from "../entities/llm";
import { parseGrounded } from "../ocr/grounding";
import { PdfError } from "../pdf/errors";
import { BLANK_INK_RATIO, mediaTypes, type PageImage, type PageImageKind } from "../pdf/page-image";
import { parsePageRanges, selectPages } from "../pdf/page-ranges";
import { openSource, type PdfSource } from "../pdf/source";
import { ArgillaError, externalId, pageRecord, upsertRecords } from "../sinks/argilla";
import { pageImageLink } from "../review-links";
import { writeRunParquet } from "../sinks/parquet";
import { runRows, type RunRows } from "../sinks/tables";
import { withWarehouse, writeRun } from "../sinks/warehouse";
import { MAX_CLIENT_MESSAGE_BYTES, clientMessage, type DocumentSnapshot, type ServerMessage, type TransitionEvent } from "../protocol";
import {
  DocumentStore,
  pageSummary,
  type DocumentRow,
  type NewDocument,
  type PageDetail,
  type PagePatch,
  type PageRow,
  type Reader,
  type Transition,
} from "./document-store";
import { readPage, relink } from "./header-carry";
import { hasResult, isFinalStage, ocrOutcome, pageStatuses, type DocumentStage, type PageStatus } from "./lifecycle";
import type { Outcome } from "./ocr-gate";

export type { PageDetail, Reader } from "./document-store";

/** Unexpected errors in a row before a document is failed instead of retried. */
const MAX_CONSECUTIVE_FAILURES = 5;
/** How long a page waits at the gate for a slot before the batch gives it back and moves on. */
const GATE_WAIT_MS = 30_000;
/** Renders of one page that may die with their invocation before the page is failed. */
const MAX_RENDER_TRIES = 2;
/** How often a document waiting for a down backend asks the gate again. */
const BACKEND_RECHECK_MS = 5_000;
const HOUR_MS = 3_600_000;

export class Document extends Server<Env> {
  static override options = { hibernate: true };

  private readonly store: DocumentStore;
  /** Pages being worked on by the running batch; nothing else starts them twice. */
  private readonly inFlight = new Set<number>();
  private batchRunning = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new DocumentStore(ctx.storage);
    // Answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    void ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
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
  async receive(upload: NewDocument): Promise<{ snapshot: DocumentSnapshot; created: boolean }> {
    const created = !this.documentRow();
    if (created) {
      this.store.prepare();
      this.announceDocument(this.store.create(upload, Date.now()), null);
      await this.ctx.storage.setAlarm(Date.now());
    }
    return { snapshot: this.store.snapshot(Date.now()), created };
  }

  /** The snapshot, or null when there is no such document or `reader` may not see it (the same answer). */
  snapshot(reader: Reader): DocumentSnapshot | null {
    return this.store.allows(reader) ? this.store.snapshot(Date.now()) : null;
  }

  page(reader: Reader, n: number): PageDetail | null {
    return this.store.allows(reader) ? this.store.pageDetail(n) : null;
  }

  entities(reader: Reader, filter: { page?: number; label?: string }): Array<Entity & { page: number }> | null {
    return this.store.allows(reader) ? this.store.entities(filter) : null;
  }

  /** Stops a live document; pages already done keep their results. */
  async cancel(reader: Reader): Promise<DocumentSnapshot | null> {
    const doc = this.documentRow();
    if (!doc || !this.store.allows(reader)) return null;
    if (!isFinalStage(doc.stage)) {
      this.moveDocument("cancelled");
      await this.ctx.storage.deleteAlarm();
    }
    return this.store.snapshot(Date.now());
  }

  /**
   * Processes a finished document again as a new run: every page, or only the failed ones (the
   * others carry their results into the new run). The previous run's stored rows stay as they are.
   * Null when there is no such document; a document still running is left alone.
   */
  async reprocess(
    reader: Reader,
    which: "all" | "failed",
  ): Promise<{ snapshot: DocumentSnapshot; started: boolean; retryAfterS?: number } | null> {
    const doc = this.documentRow();
    if (!doc || !this.store.allows(reader)) return null;
    if (!isFinalStage(doc.stage) || doc.page_count === null) return { snapshot: this.store.snapshot(Date.now()), started: false };
    const now = Date.now();
    const recent = this.store.rerunsSince(now - HOUR_MS);
    const limit = settings(this.env).REPROCESS_PER_HOUR;
    if (recent.length >= limit) {
      const retryAfterS = Math.ceil((recent[recent.length - limit] + HOUR_MS - now) / 1000);
      return { snapshot: this.store.snapshot(now), started: false, retryAfterS };
    }
    const { pages } = this.store.startRun(which, Date.now());
    for (const page of pages) this.movePage(page, "queued", freshPage);
    this.moveDocument("ocr");
    await this.ctx.storage.setAlarm(Date.now());
    return { snapshot: this.store.snapshot(Date.now()), started: true };
  }

  // ---- WebSocket subscribers ----

  // The Worker lets a socket through only after `snapshot(reader)` said yes.
  override onConnect(connection: Connection): void {
    if (!this.documentRow()) {
      connection.close(4404, "unknown document");
      return;
    }
    send(connection, { type: "snapshot", document: this.store.snapshot(Date.now()) });
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
      if (this.stage() === "persist_retry") this.moveDocument("persisting");
      if (this.stage() === "persisting" && (await this.persist(config))) return;
      if (this.stage() === "review_retry") this.moveDocument("review");
      if (this.stage() === "review" && (await this.sendForReview(config))) return;
      this.store.resetFailures();
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
    const failures = this.store.countFailure();
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
    this.store.addPages(pages, count, Date.now());
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
      path_reason: image.textLayerRejected,
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
      this.movePage(row.page, "done", { ...patch, ocr_path: "text-layer", ...(await this.readResult(image.textLayer, image, row.page, config)) });
      return null;
    }
    if (image.inkRatio < BLANK_INK_RATIO) {
      // A blank page makes the model repeat one letter for thousands of tokens: do not send it.
      this.movePage(row.page, "blank", { ...patch, ...(await this.readResult("", image, row.page, config)) });
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
      textLayerRejected: row.path_reason,
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
      const degraded = isRunaway(result);
      const read = await this.readResult(result.text, image, page, config);
      this.movePage(page, degraded ? "degraded" : "done", {
        attempts,
        ocr_path: "ocr",
        ...read,
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

  /**
   * A page's text as stored: verbatim, parsed (clean text, blocks, offsets), and its entities,
   * with the language model's if one is configured (its failure costs the page nothing).
   */
  private async readResult(raw: string, image: { width: number; height: number }, page: number, config: Settings): Promise<PagePatch> {
    const parsed = parseGrounded(raw, image);
    const llm = llmOptions(config);
    let spans: LocatedSpan[] = [];
    if (llm && parsed.text.trim()) {
      const result = await llmEntities(parsed.text, llm);
      spans = result.spans;
      log({
        event: "entities.llm",
        documentId: this.documentRow()!.id,
        page,
        spans: spans.length,
        dropped: result.dropped,
        ...(result.error ? { error: result.error } : {}),
      });
    }
    // A table continuing the previous page's without its header reads its columns by that header.
    const before = page > 1 ? this.store.carryOf(page - 1) : null;
    const { entities, carry } = readPage(parsed.text, parsed.blocks, page, spans, before?.last ?? null);
    return {
      ocr_text: raw,
      clean_text: parsed.text,
      parsed_json: JSON.stringify({ blocks: parsed.blocks, offsets: parsed.offsets }),
      entities_json: JSON.stringify(entities),
      carry_json: JSON.stringify(carry),
    };
  }

  /**
   * Pages finish out of order: once all have settled, each headerless table reads its columns by
   * the header of the page before it as that page now stands, and subscribers hear of the pages
   * whose entities changed.
   */
  private carryHeaders(): void {
    for (const { page, entities, carry } of relink(this.store.pages())) {
      const { seq, at, from, row } = this.store.updateEntities(page, JSON.stringify(entities), JSON.stringify(carry));
      log({ event: "page.entities", documentId: this.documentRow()!.id, page, entities: entities.length, reason: `column header carried over from page ${page - 1}` });
      this.broadcastEvent({ type: "page", seq, at: new Date(at).toISOString(), from, page: pageSummary(row), entities });
    }
  }

  /**
   * persisting: the run's Parquet files to R2, then its rows to the warehouse, each skipped once
   * acknowledged for this run. Both writes are idempotent, so a retry after a failure half-way is
   * safe. On failure the document waits in `persist_retry` and tries again with backoff, for as
   * long as it takes: its own SQLite keeps everything meanwhile. Returns true when it set the alarm.
   */
  private async persist(config: Settings): Promise<boolean> {
    const doc = this.documentRow()!;
    const finishedAt = doc.finished_at ?? Date.now();
    const rows = await runRows(doc, this.store.pages(), { runId: doc.run_id, source: doc.source, outcome: doc.outcome ?? "done", finishedAt });
    const attempt = doc.persist_attempts + 1;
    let output: "parquet" | "warehouse" = "parquet";
    let started = Date.now();
    try {
      if (doc.parquet_run !== doc.run_id) {
        await writeRunParquet(this.env.DOCUMENTS_BUCKET, rows, finishedAt);
        this.store.markPersisted("parquet", doc.run_id);
        this.logPersist(doc, "parquet", "ok", attempt, started, { rows: rowCount(rows) });
      }
      output = "warehouse";
      started = Date.now();
      const warehouse = warehouseOptions(config);
      if (!warehouse) {
        this.logPersist(doc, "warehouse", "off", attempt, started, {});
      } else if (doc.warehouse_run !== doc.run_id) {
        const statements = await withWarehouse(warehouse, (promise) => this.ctx.waitUntil(promise), (client) => writeRun(client, rows, warehouse));
        this.store.markPersisted("warehouse", doc.run_id);
        this.logPersist(doc, "warehouse", "ok", attempt, started, { rows: rowCount(rows), statements });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failures = this.store.countPersistFailure();
      this.logPersist(doc, output, "failed", attempt, started, { error: message });
      const target = output === "parquet" ? "R2" : "the warehouse";
      this.moveDocument("persist_retry", `writing to ${target} failed (attempt ${failures}): ${message}; retrying`);
      await this.ctx.storage.setAlarm(Date.now() + backoffMs(failures, config.WAREHOUSE_RETRY_BASE_MS));
      return true;
    }
    if (argillaOptions(config)) this.moveDocument("review");
    else this.finish();
    return false;
  }

  /**
   * review: each page with text becomes one Argilla record (upserted by a stable external id, so
   * sending again never makes a second), with the entities as span suggestions and a signed link
   * to the page image. Argilla down: `review_retry`, with backoff, until it is back.
   */
  private async sendForReview(config: Settings): Promise<boolean> {
    const doc = this.documentRow()!;
    const argilla = argillaOptions(config)!;
    const attempt = doc.review_attempts + 1;
    const started = Date.now();
    const pages = this.store.pages().filter((page) => hasResult(page.status) && page.clean_text?.trim());
    try {
      const { datasetId, questionId } = await this.env.ReviewSync.getByName(config.ARGILLA_DATASET).dataset();
      const expires = Math.floor(Date.now() / 1000) + config.REVIEW_LINK_TTL_S;
      const items = [];
      for (const page of pages) {
        const imageUrl =
          config.REVIEW_LINK_SECRET && page.image_kind ? await pageImageLink(config.PUBLIC_URL, config.REVIEW_LINK_SECRET, doc.id, page.page, expires) : null;
        const entities = page.entities_json ? (JSON.parse(page.entities_json) as Entity[]) : [];
        items.push(
          pageRecord(
            { documentId: doc.id, runId: doc.run_id, page: page.page, filename: doc.filename, ocrPath: page.ocr_path, text: page.clean_text!, entities, imageUrl },
            questionId,
          ),
        );
      }
      const ids = await upsertRecords(argilla, datasetId, items);
      const byPage = new Map(pages.flatMap((page) => {
        const id = ids.get(externalId(doc.id, doc.run_id, page.page));
        return id ? [[page.page, id] as const] : [];
      }));
      this.store.markReviewed(doc.run_id, byPage);
      log({ event: "review.sent", documentId: doc.id, run: doc.run_id, outcome: "ok", records: byPage.size, attempt, latencyMs: Date.now() - started });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log({ event: "review.sent", documentId: doc.id, run: doc.run_id, outcome: "failed", records: 0, attempt, latencyMs: Date.now() - started, error: message });
      if (error instanceof ArgillaError && !error.retryable && error.status !== 404) {
        // Argilla refused the records themselves: trying again cannot help. Say so and end.
        this.finish(`not sent for review: ${message}`);
        return false;
      }
      // A 404: the dataset was deleted or renamed since it was provisioned; look again next time.
      if (error instanceof ArgillaError && error.status === 404) await this.env.ReviewSync.getByName(config.ARGILLA_DATASET).forget();
      const failures = this.store.countReviewFailure();
      this.moveDocument("review_retry", `sending pages to Argilla failed (attempt ${failures}): ${message}; retrying`);
      await this.ctx.storage.setAlarm(Date.now() + backoffMs(failures, config.ARGILLA_RETRY_BASE_MS));
      return true;
    }
    this.finish();
    return false;
  }

  /** The run's work and outputs are all done: the document ends as its pages did. */
  private finish(note?: string): void {
    const doc = this.documentRow()!;
    const reasons = [doc.outcome === "partial" ? partialReason(this.store.pageCounts()) : null, note ?? null].filter(Boolean);
    this.moveDocument(doc.outcome ?? "done", reasons.length ? reasons.join("; ") : null);
  }

  private logPersist(
    doc: DocumentRow,
    output: "parquet" | "warehouse",
    outcome: "ok" | "failed" | "off",
    attempt: number,
    started: number,
    extra: { rows?: number; statements?: number; error?: string },
  ): void {
    log({ event: "persist.result", documentId: doc.id, run: doc.run_id, output, outcome, attempt, latencyMs: Date.now() - started, ...extra });
  }

  /** Pages left mid-step by an evicted or aborted invocation go back to where they can restart. */
  private resumeInterruptedPages(): void {
    for (const row of this.store.interruptedPages()) {
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
    const row = this.store.nextReadyPage(Date.now(), this.inFlight);
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
    const { open, ready, nextRetry } = this.store.progress();
    if (open === 0) {
      const counts = this.store.pageCounts();
      const withResult = pageStatuses.filter(hasResult).reduce((n, status) => n + counts[status], 0);
      const outcome = ocrOutcome({ withResult, failed: counts.failed });
      if (outcome === "failed") {
        this.moveDocument("failed", `${counts.failed} of ${counts.failed} pages failed`);
        await this.ctx.storage.deleteAlarm();
        return;
      }
      this.carryHeaders();
      this.store.finishRun(outcome, Date.now());
      this.moveDocument("persisting");
      await this.ctx.storage.setAlarm(Date.now());
      return;
    }
    await this.ctx.storage.setAlarm(ready > 0 || nextRetry === null ? Date.now() : nextRetry);
  }

  // ---- Transitions: stored first, then logged and announced ----

  private moveDocument(to: DocumentStage, error: string | null = null): void {
    this.announceDocument(this.store.moveDocument(to, error), error);
  }

  private announceDocument(transition: Transition<DocumentStage>, error: string | null): void {
    const doc = this.documentRow()!;
    const { seq, at, from, to, durationMs } = transition;
    log({ event: "document.transition", documentId: doc.id, from, to, durationMs, ...(error ? { error } : {}) });
    this.broadcastEvent({ type: "document", seq, at: new Date(at).toISOString(), from, stage: to, error, pageCount: doc.page_count });
  }

  private movePage(page: number, to: PageStatus, patch: PagePatch = {}): void {
    const { seq, at, from, durationMs, row, error } = this.store.movePage(page, to, patch);
    log({
      event: "page.transition",
      documentId: this.documentRow()!.id,
      page,
      from,
      to,
      durationMs,
      attempt: row.attempts,
      ...(error ? { error } : {}),
    });
    const entities = patch.entities_json ? (JSON.parse(patch.entities_json) as Entity[]) : undefined;
    this.broadcastEvent({ type: "page", seq, at: new Date(at).toISOString(), from, page: pageSummary(row), ...(entities ? { entities } : {}) });
  }

  private broadcastEvent(event: TransitionEvent): void {
    this.broadcast(JSON.stringify(event satisfies ServerMessage));
  }

  // ---- Reads ----

  private documentRow(): DocumentRow | undefined {
    return this.store.document();
  }

  private stage(): DocumentStage {
    return this.documentRow()!.stage;
  }

  /** The upload, read by ranges from R2 when it is big (never whole in memory), else whole. */
  private async loadPdf(doc: DocumentRow, config: Settings): Promise<PdfSource> {
    const bucket = this.env.DOCUMENTS_BUCKET;
    const head = await bucket.head(doc.r2_key);
    if (!head) throw new PdfError("the uploaded file is missing from storage");
    return openSource(
      {
        size: head.size,
        async read(offset, length) {
          const object = await bucket.get(doc.r2_key, { range: { offset, length } });
          if (!object) throw new PdfError("the uploaded file is missing from storage");
          return new Uint8Array(await object.arrayBuffer());
        },
      },
      {
        maxPages: config.MAX_PAGES,
        maxPagePixels: config.MAX_PAGE_PIXELS,
        maxImagePixels: config.MAX_IMAGE_PIXELS,
        maxContentBytes: config.MAX_CONTENT_BYTES,
        rangedMinBytes: config.RANGED_MIN_BYTES,
      },
    );
  }


}


/** A page put back in the queue for a new run: nothing of its previous result is left. */
const freshPage: PagePatch = {
  attempts: 0,
  render_tries: 0,
  not_before: null,
  error: null,
  image_key: null,
  image_kind: null,
  image_width: null,
  image_height: null,
  image_sha256: null,
  render_ms: null,
  ocr_ms: null,
  ocr_text: null,
  finish_reason: null,
  prompt_tokens: null,
  completion_tokens: null,
  clean_text: null,
  parsed_json: null,
  ink_ratio: null,
  ocr_path: null,
  path_reason: null,
  carry_json: null,
  entities_json: null,
  review_record_id: null,
};

function rowCount(rows: RunRows): number {
  return rows.documents.length + rows.pages.length + rows.entities.length;
}

function partialReason(counts: Record<PageStatus, number>): string {
  const total = pageStatuses.reduce((n, status) => n + counts[status], 0);
  return `${counts.failed} of ${total} pages failed`;
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
