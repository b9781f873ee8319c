/**
 * A page as the outside sees it: the summary every transition carries, the detail the page API
 * serves, and the blank a page starts a new run from.
 */
import type { Page, PagePatch } from "./page";
import type { PageSummary } from "../../domain/protocol";
import type { Block, OffsetRun } from "../../ocr/grounding";

export interface PageDetail extends PageSummary {
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

/** What a page's summary is made of. */
export type SummaryFields = Pick<
  Page,
  "page" | "status" | "ocr_path" | "path_reason" | "entities" | "attempts" | "error" | "image_kind" | "render_ms" | "ocr_ms" | "review_record_id" | "updated_at"
>;

export function pageSummary(row: SummaryFields): PageSummary {
  return {
    page: row.page,
    status: row.status,
    path: row.ocr_path,
    pathReason: row.path_reason,
    entities: row.entities?.length ?? null,
    attempts: row.attempts,
    error: row.error,
    image: row.image_kind,
    renderMs: row.render_ms,
    ocrMs: row.ocr_ms,
    reviewRecordId: row.review_record_id,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** A page put back in the queue for a new run: nothing of its previous result is left. */
export const freshPage: PagePatch = {
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
  reading: null,
  ink_ratio: null,
  ocr_path: null,
  path_reason: null,
  carry: null,
  entities: null,
  review_record_id: null,
};
