/**
 * The two state machines, in one place. The README's diagram is drawn from these tables; the
 * Document object refuses any move that is not listed here.
 *
 *   document: received -> paging -> ocr -> done | partial | failed      (cancelled from any live stage)
 *                                     ocr <-> waiting                  (the OCR backend is down)
 *   page:     queued -> rendering -> waiting -> ocr -> done | degraded | failed
 *                           \           (a slot at the gate)  \-> retrying -> waiting (bounded, backoff)
 *                            \-> blank (nothing to read) | failed (cannot be rendered)
 *                            \-> done (born-digital: its own text layer, no GPU)
 */

export const documentStages = ["received", "paging", "ocr", "waiting", "done", "partial", "failed", "cancelled"] as const;
export type DocumentStage = (typeof documentStages)[number];

const documentMoves: Record<DocumentStage, readonly DocumentStage[]> = {
  received: ["paging", "failed", "cancelled"],
  paging: ["ocr", "failed", "cancelled"],
  ocr: ["waiting", "done", "partial", "failed", "cancelled"],
  waiting: ["ocr", "cancelled"],
  done: [],
  partial: [],
  failed: [],
  cancelled: [],
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
  done: [],
  // Kept, but the model ran away twice (cut off or looping): the text is suspect.
  degraded: [],
  // Nothing on the page worth GPU time.
  blank: [],
  failed: [],
};

export function canMoveDocument(from: DocumentStage, to: DocumentStage): boolean {
  return documentMoves[from].includes(to);
}

export function canMovePage(from: PageStatus, to: PageStatus): boolean {
  return pageMoves[from].includes(to);
}

export function isFinalStage(stage: DocumentStage): boolean {
  return documentMoves[stage].length === 0;
}

/** Page outcomes that carry a result (an empty one, for blank pages). */
export function hasResult(status: PageStatus): boolean {
  return status === "done" || status === "degraded" || status === "blank";
}

/** How an OCR stage ends, from the pages' outcomes. */
export function ocrOutcome(counts: { withResult: number; failed: number }): DocumentStage {
  if (counts.failed === 0) return "done";
  return counts.withResult > 0 ? "partial" : "failed";
}
