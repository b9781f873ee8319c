/**
 * The two state machines, in one place. The README's diagram is drawn from these tables; the
 * Document object refuses any move that is not listed here.
 *
 *   document: received -> paging -> ocr -> done | partial | failed      (cancelled from any live stage)
 *   page:     queued -> rendering -> ocr -> done | failed
 *                           \           \-> retrying -> ocr             (bounded, with backoff)
 *                            \-> failed (page could not be rendered)
 */

export const documentStages = ["received", "paging", "ocr", "done", "partial", "failed", "cancelled"] as const;
export type DocumentStage = (typeof documentStages)[number];

const documentMoves: Record<DocumentStage, readonly DocumentStage[]> = {
  received: ["paging", "failed", "cancelled"],
  paging: ["ocr", "failed", "cancelled"],
  ocr: ["done", "partial", "failed", "cancelled"],
  done: [],
  partial: [],
  failed: [],
  cancelled: [],
};

export const pageStatuses = ["queued", "rendering", "ocr", "retrying", "done", "failed"] as const;
export type PageStatus = (typeof pageStatuses)[number];

const pageMoves: Record<PageStatus, readonly PageStatus[]> = {
  // An interrupted `rendering` goes back to `queued`, an interrupted `ocr` to `retrying`.
  queued: ["rendering", "failed"],
  rendering: ["ocr", "failed", "queued"],
  ocr: ["done", "retrying", "failed"],
  retrying: ["ocr", "failed"],
  done: [],
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

/** How an OCR stage ends, from the pages' outcomes. */
export function ocrOutcome(counts: { done: number; failed: number }): DocumentStage {
  if (counts.failed === 0) return "done";
  return counts.done > 0 ? "partial" : "failed";
}
