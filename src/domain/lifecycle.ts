/**
 * The two state machines, in one place. The README's diagram is drawn from these tables; the
 * Document object refuses any move that is not listed here.
 *
 *   document: received -> paging -> ocr -> persisting -> review -> done | partial   (cancelled from any live stage)
 *                                     |         persisting <-> persist_retry  (R2 or the warehouse is down)
 *                                     |         review <-> review_retry       (Argilla is down)
 *                                     |-> failed (no page could be read)
 *                                     ocr <-> waiting                  (the OCR backend is down)
 *             done | partial | failed | cancelled -> ocr               (re-processing: a new run)
 *   page:     queued -> rendering -> waiting -> ocr -> done | degraded | failed
 *                           \           (a slot at the gate)  \-> retrying -> waiting (bounded, backoff)
 *                            \-> blank (nothing to read) | failed (cannot be rendered)
 *                            \-> done (born-digital: its own text layer, no GPU)
 */

export const documentStages = [
  "received",
  "paging",
  "ocr",
  "waiting",
  "persisting",
  "persist_retry",
  "review",
  "review_retry",
  "done",
  "partial",
  "failed",
  "cancelled",
] as const;
export type DocumentStage = (typeof documentStages)[number];

const finalStages: ReadonlySet<DocumentStage> = new Set(["done", "partial", "failed", "cancelled"]);

const documentMoves: Record<DocumentStage, readonly DocumentStage[]> = {
  received: ["paging", "failed", "cancelled"],
  paging: ["ocr", "failed", "cancelled"],
  ocr: ["waiting", "persisting", "failed", "cancelled"],
  waiting: ["ocr", "cancelled"],
  // The outputs (Parquet in R2, warehouse rows) are written; the document's own SQLite stays the
  // source of truth until they are acknowledged.
  // `failed` only on an internal error (a bug); an outage waits in persist_retry instead.
  persisting: ["persist_retry", "review", "done", "partial", "failed", "cancelled"],
  persist_retry: ["persisting", "failed", "cancelled"],
  // Each page with text goes to Argilla as a record for the experts (skipped when review is off).
  review: ["review_retry", "done", "partial", "failed", "cancelled"],
  review_retry: ["review", "failed", "cancelled"],
  // A finished document can be processed again: a new run, its rows kept beside the old ones.
  done: ["ocr"],
  partial: ["ocr"],
  failed: ["ocr"],
  cancelled: ["ocr"],
};

export const pageStatuses = ["queued", "rendering", "waiting", "ocr", "retrying", "done", "degraded", "blank", "failed"] as const;
export type PageStatus = (typeof pageStatuses)[number];

const pageMoves: Record<PageStatus, readonly PageStatus[]> = {
  // An interrupted `rendering` goes back to `queued`, an interrupted `waiting` or `ocr` to `retrying`.
  queued: ["rendering", "failed"],
  // `done` straight from rendering: a born-digital page read from its own text layer.
  rendering: ["waiting", "done", "blank", "failed", "queued"],
  // Rendered, waiting for a slot at the OCR gate; no attempt is spent while waiting.
  waiting: ["ocr", "retrying"],
  ocr: ["done", "degraded", "retrying", "failed"],
  retrying: ["waiting", "failed"],
  // Re-processing puts pages back in the queue (all of them, or the failed ones).
  done: ["queued"],
  // Kept, but the model ran away twice (cut off or looping): the text is suspect.
  degraded: ["queued"],
  // Nothing on the page worth GPU time.
  blank: ["queued"],
  failed: ["queued"],
};

export function canMoveDocument(from: DocumentStage, to: DocumentStage): boolean {
  return documentMoves[from].includes(to);
}

export function canMovePage(from: PageStatus, to: PageStatus): boolean {
  return pageMoves[from].includes(to);
}

/** Nothing more happens to a document in a final stage unless it is re-processed. */
export function isFinalStage(stage: DocumentStage): boolean {
  return finalStages.has(stage);
}

/** Page outcomes that carry a result (an empty one, for blank pages). */
export function hasResult(status: PageStatus): boolean {
  return status === "done" || status === "degraded" || status === "blank";
}

/** How a run ends, from the pages' outcomes: failed when no page could be read. */
export function ocrOutcome(counts: { withResult: number; failed: number }): "done" | "partial" | "failed" {
  if (counts.failed === 0) return "done";
  return counts.withResult > 0 ? "partial" : "failed";
}
