/**
 * One Durable Object per uploaded document: the only writer of its state (./document/store.ts).
 * It answers the Worker's calls, keeps its subscribers' WebSockets, and runs the document through
 * its stages from alarms, one step per stage (./document/steps), so an evicted or restarted object
 * picks up where it stopped:
 *
 *   received -> paging -> ocr <-> waiting -> persisting <-> persist_retry
 *            -> review <-> review_retry -> done | partial     (failed, cancelled from any live stage)
 *
 * Every transition is stored first, then logged and announced to every subscriber.
 */
import { Server, type Connection } from "partyserver";
import { settings, type Settings } from "../config";
import type { NewDocument, Reader, Transition } from "../domain/document";
import type { PagePatch } from "./document/page";
import { isFinalStage, type DocumentStage, type PageStatus } from "../domain/lifecycle";
import type { DocumentSnapshot, Entity, ServerMessage, TransitionEvent } from "../domain/protocol";
import { errorMessage } from "../lib/errors";
import { log, withRequestId } from "../lib/log";
import { indexDocument } from "../storage/document-index";
import { openUpload } from "./document/upload-file";
import { answerClient, send } from "./document/sockets";
import { deleteEverything } from "./document/steps/delete";
import { countPages } from "./document/steps/paging";
import { gateOf, runOcrBatch } from "./document/steps/pages";
import { persist } from "./document/steps/persist";
import { sendForReview } from "./document/steps/review";
import { freshPage, pageSummary, type PageDetail } from "./document/page-views";
import { DocumentStore } from "./document/store";
import { now, retryLater, stop, type DocumentWork, type Next } from "./document/work";

export type { PageDetail } from "./document/page-views";
export type { Reader } from "../domain/document";

/** Unexpected errors in a row before a document is failed instead of retried. */
const MAX_CONSECUTIVE_FAILURES = 5;
/** How often a document waiting for a down backend asks the gate again. */
const BACKEND_RECHECK_MS = 5_000;
/** Steps one alarm may run back to back before handing over to the next alarm. */
const MAX_STEPS_PER_ALARM = 8;
const HOUR_MS = 3_600_000;

/** What each live stage does when its alarm rings. */
const STEPS: Record<Exclude<DocumentStage, "done" | "partial" | "failed" | "cancelled">, (work: DocumentWork) => Promise<Next>> = {
  received: async (work) => (work.moveDocument("paging"), now),
  paging: countPages,
  waiting: async (work) => ((await gateOf(work).status()).healthy ? (work.moveDocument("ocr"), now) : { at: Date.now() + BACKEND_RECHECK_MS }),
  ocr: runOcrBatch,
  persisting: persist,
  persist_retry: async (work) => (work.moveDocument("persisting"), now),
  review: sendForReview,
  review_retry: async (work) => (work.moveDocument("review"), now),
};

export class Document extends Server<Env> {
  static override options = { hibernate: true };

  private readonly store: DocumentStore;
  private readonly inFlight = new Set<number>();
  /** The gate's latest offer of pages in flight, so the next batch starts from it. */
  private readonly ocrShare = { last: 1 };
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
      const doc = this.store.document();
      if (doc && !isFinalStage(doc.stage) && (await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
    });
  }

  // ---- RPC surface (called by the Worker's routes) ----

  /** Takes charge of a stored upload. Calling it again for the same document changes nothing. */
  async receive(upload: NewDocument, requestId?: string): Promise<{ snapshot: DocumentSnapshot; created: boolean }> {
    const created = !this.store.document();
    if (created) {
      this.store.prepare();
      await this.traced(requestId, async () => this.announceDocument(this.store.create(upload, Date.now()), null));
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

  /** Where the original file is (uploads and bulk documents keep different keys), and its name. */
  file(reader: Reader): { key: string; filename: string } | null {
    const doc = this.store.allows(reader) ? this.store.document() : undefined;
    return doc ? { key: doc.r2_key, filename: doc.filename } : null;
  }

  /** Stops a live document; pages already done keep their results. */
  cancel(reader: Reader, requestId?: string): Promise<DocumentSnapshot | null> {
    return this.traced(requestId, () => this.cancelNow(reader));
  }

  private async cancelNow(reader: Reader): Promise<DocumentSnapshot | null> {
    const doc = this.store.document();
    if (!doc || doc.deleting_since || !this.store.allows(reader)) return null;
    if (!isFinalStage(doc.stage)) {
      this.moveDocument("cancelled");
      await this.ctx.storage.deleteAlarm();
    }
    return this.store.snapshot(Date.now());
  }

  /**
   * Processes a finished document again as a new run: every page, or only the failed ones (the
   * others carry their results into the new run), at most REPROCESS_PER_HOUR times an hour. The
   * previous run's stored rows stay. Null when there is no such document; a live one is left alone.
   */
  reprocess(reader: Reader, which: "all" | "failed", requestId?: string): Promise<{ snapshot: DocumentSnapshot; started: boolean; retryAfterS?: number } | null> {
    return this.traced(requestId, () => this.reprocessNow(reader, which));
  }

  private async reprocessNow(reader: Reader, which: "all" | "failed"): Promise<{ snapshot: DocumentSnapshot; started: boolean; retryAfterS?: number } | null> {
    const doc = this.store.document();
    // Being deleted, it is gone for everything but the deletion itself.
    if (!doc || doc.deleting_since || !this.store.allows(reader)) return null;
    const at = Date.now();
    if (!isFinalStage(doc.stage) || doc.page_count === null) return { snapshot: this.store.snapshot(at), started: false };
    const recent = this.store.rerunsSince(at - HOUR_MS);
    const limit = settings(this.env).REPROCESS_PER_HOUR;
    if (recent.length >= limit) {
      return { snapshot: this.store.snapshot(at), started: false, retryAfterS: Math.ceil((recent[recent.length - limit] + HOUR_MS - at) / 1000) };
    }
    for (const page of this.store.startRun(which, at).pages) this.movePage(page, "queued", freshPage);
    this.moveDocument("ocr");
    await this.ctx.storage.setAlarm(Date.now());
    return { snapshot: this.store.snapshot(Date.now()), started: true };
  }

  /**
   * Deletes the document and everything it left (./document/steps/delete.ts), then its own
   * storage. Resumable: a failure half-way leaves it `deleting`, tried again by its alarm with
   * backoff (and by the next call). Null when there is no such document for `reader`.
   */
  delete(reader: Reader, requestId?: string): Promise<{ deleted: true } | { deleted: false; error: string } | null> {
    return this.traced(requestId, () => this.deleteNow(reader));
  }

  private async deleteNow(reader: Reader): Promise<{ deleted: true } | { deleted: false; error: string } | null> {
    if (!this.store.document() || !this.store.allows(reader)) return null;
    this.store.markDeleting(Date.now());
    if (this.batchRunning) {
      // Pages in flight finish first; the next alarm deletes.
      await this.ctx.storage.setAlarm(Date.now() + 1000);
      return { deleted: false, error: "pages are being read right now; deletion follows in a moment" };
    }
    await this.ctx.storage.deleteAlarm();
    return this.finishDeleting();
  }

  private async finishDeleting(): Promise<{ deleted: true } | { deleted: false; error: string }> {
    const work = this.work(settings(this.env));
    try {
      await deleteEverything(work);
    } catch (error) {
      const { at, failures } = retryLater(work, "unexpected", 5_000);
      log({ event: "document.deleted", documentId: this.store.document()!.id, outcome: "retrying", failures, error: errorMessage(error) });
      await this.ctx.storage.setAlarm(at);
      return { deleted: false, error: errorMessage(error) };
    }
    const id = this.store.document()!.id;
    for (const connection of this.getConnections()) connection.close(4410, "document deleted");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.store.forget();
    log({ event: "document.deleted", documentId: id, outcome: "deleted" });
    return { deleted: true };
  }

  /** Runs an RPC call's work with the caller's request id (or a fresh one) on everything it logs. */
  private traced<T>(requestId: string | undefined, work: () => Promise<T>): Promise<T> {
    return withRequestId(requestId ?? `rpc:${crypto.randomUUID()}`, work, this.env.METRICS);
  }

  // ---- WebSocket subscribers (the Worker lets a socket through only after `snapshot(reader)` said yes) ----

  override onConnect(connection: Connection): void {
    if (!this.store.document()) return connection.close(4404, "unknown document");
    send(connection, { type: "snapshot", document: this.store.snapshot(Date.now()) });
  }

  override onMessage(connection: Connection, message: string | ArrayBuffer): void {
    answerClient(connection, message, () => this.onConnect(connection));
  }

  override onError(_connection: Connection, error: unknown): void {
    log({ event: "websocket.error", documentId: this.store.document()?.id ?? this.name, error: String(error) });
  }

  // ---- The scheduler: each alarm runs the current stage's step, then does what it said ----

  override onAlarm(): Promise<void> {
    return withRequestId(`alarm:${crypto.randomUUID()}`, () => this.runAlarm(), this.env.METRICS);
  }

  private async runAlarm(): Promise<void> {
    const doc = this.store.document();
    if (doc?.deleting_since) return void (await this.finishDeleting());
    if (!doc || isFinalStage(doc.stage)) return;
    // An alarm retried by the runtime while a batch still runs: look again once it is over.
    if (this.batchRunning) return void (await this.ctx.storage.setAlarm(Date.now() + 1000));
    let next: Next = now;
    try {
      this.batchRunning = true;
      const work = this.work(settings(this.env));
      for (let steps = 0; steps < MAX_STEPS_PER_ALARM && "now" in next; steps++) {
        const stage = this.store.document()!.stage;
        if (isFinalStage(stage)) next = stop;
        else {
          const before = stage;
          next = await STEPS[stage as keyof typeof STEPS](work);
          // A step that stays in its stage (more pages) continues in a fresh invocation.
          if ("now" in next && this.store.document()!.stage === before) break;
        }
      }
      this.store.resetAttempts("unexpected");
    } catch (error) {
      next = this.afterUnexpectedError(error);
    } finally {
      this.batchRunning = false;
    }
    if ("stop" in next || isFinalStage(this.store.document()!.stage)) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm("at" in next ? next.at : Date.now());
  }

  /**
   * A bug or an outage of our own storage, not a property of the document: try again with backoff,
   * and after a few tries fail the document with the reason rather than retry forever.
   */
  private afterUnexpectedError(error: unknown): Next {
    const message = errorMessage(error);
    const { at, failures } = retryLater(this.work(settings(this.env)), "unexpected", 1000);
    log({ event: "document.error", documentId: this.store.document()!.id, failures, error: message });
    if (failures < MAX_CONSECUTIVE_FAILURES) return { at };
    if (!isFinalStage(this.store.document()!.stage)) this.moveDocument("failed", `internal error: ${message}`);
    return stop;
  }

  /** What the steps get: the store, settings and bindings, and the transitions. */
  private work(config: Settings): DocumentWork {
    return {
      env: this.env,
      config,
      store: this.store,
      inFlight: this.inFlight,
      ocrShare: this.ocrShare,
      doc: () => this.store.document()!,
      moveDocument: (to, error) => this.moveDocument(to, error),
      movePage: (page, to, patch) => this.movePage(page, to, patch),
      announce: (event) => this.announce(event),
      waitUntil: (promise) => this.ctx.waitUntil(promise),
      loadPdf: () => openUpload(this.env.DOCUMENTS_BUCKET, this.store.document()!.r2_key, config),
    };
  }

  // ---- Transitions: stored first, then logged and announced ----

  private moveDocument(to: DocumentStage, error: string | null = null): void {
    this.announceDocument(this.store.moveDocument(to, error), error);
  }

  private announceDocument(transition: Transition<DocumentStage>, error: string | null): void {
    const doc = this.store.document()!;
    const { seq, at, from, to, durationMs } = transition;
    log({ event: "document.transition", documentId: doc.id, from, to, durationMs, ...(error ? { error } : {}) });
    this.announce({ type: "document", seq, at: new Date(at).toISOString(), from, stage: to, error, pageCount: doc.page_count });
    // The operators' index follows; a lost write is logged, and the next transition writes the whole row again.
    this.ctx.waitUntil(
      indexDocument(this.env.INDEX, doc).catch((failure: unknown) => log({ event: "index.write", documentId: doc.id, stage: doc.stage, error: errorMessage(failure) })),
    );
  }

  private movePage(page: number, to: PageStatus, patch: PagePatch = {}): void {
    const { seq, at, from, durationMs, row, error } = this.store.movePage(page, to, patch);
    log({ event: "page.transition", documentId: this.store.document()!.id, page, from, to, durationMs, attempt: row.attempts, ...(error ? { error } : {}) });
    this.announce({ type: "page", seq, at: new Date(at).toISOString(), from, page: pageSummary(row), ...(patch.entities ? { entities: patch.entities } : {}) });
  }

  private announce(event: TransitionEvent): void {
    this.broadcast(JSON.stringify(event satisfies ServerMessage));
  }

}
