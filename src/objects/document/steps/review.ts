/**
 * review: each page with text becomes one Argilla record (upserted by a stable external id, so
 * sending again never makes a second), with the entities as span suggestions and a signed link to
 * the page image. Argilla down: `review_retry`, with backoff, until it is back.
 */
import { argillaOptions } from "../../../config";
import { hasResult, pageStatuses, type PageStatus } from "../../../domain/lifecycle";
import { errorMessage, ServiceError } from "../../../lib/errors";
import { log } from "../../../lib/log";
import { externalId, pageRecord, upsertRecords } from "../../../review/argilla";
import { pageImageLink } from "../../../review/links";
import { now, retryLater, type DocumentWork, type Next } from "../work";

/** How an Argilla record is remembered among the document's outputs (beside its R2 keys). */
export const ARGILLA_RECORD = "argilla:";

export async function sendForReview(work: DocumentWork): Promise<Next> {
  const { config } = work;
  const doc = work.doc();
  const argilla = argillaOptions(config)!;
  const attempt = doc.review_attempts + 1;
  const started = Date.now();
  const pages = work.store.pages().filter((page) => hasResult(page.status) && page.clean_text?.trim());
  const reviewSync = work.env.ReviewSync.getByName(config.ARGILLA_DATASET);
  try {
    const { datasetId, questionId } = await reviewSync.dataset();
    const expires = Math.floor(Date.now() / 1000) + config.REVIEW_LINK_TTL_S;
    const items = [];
    for (const page of pages) {
      const imageUrl = config.REVIEW_LINK_SECRET && page.image_kind ? await pageImageLink(config.PUBLIC_URL, config.REVIEW_LINK_SECRET, doc.id, page.page, expires) : null;
      const entities = page.entities ?? [];
      const record = { documentId: doc.id, runId: doc.run_id, page: page.page, filename: doc.filename, ocrPath: page.ocr_path, text: page.clean_text!, entities, imageUrl };
      items.push(pageRecord(record, questionId));
    }
    const ids = await upsertRecords(argilla, datasetId, items);
    const byPage = new Map(
      pages.flatMap((page) => {
        const id = ids.get(externalId(doc.id, doc.run_id, page.page));
        return id ? [[page.page, id] as const] : [];
      }),
    );
    work.store.markReviewed(doc.run_id, byPage);
    // Every run's records are remembered, so deleting the document removes them all.
    work.store.recordOutputs([...byPage.values()].map((id) => `${ARGILLA_RECORD}${id}`));
    log({ event: "review.sent", documentId: doc.id, run: doc.run_id, outcome: "ok", records: byPage.size, attempt, latencyMs: Date.now() - started });
  } catch (error) {
    const message = errorMessage(error);
    log({ event: "review.sent", documentId: doc.id, run: doc.run_id, outcome: "failed", records: 0, attempt, latencyMs: Date.now() - started, error: message });
    const status = error instanceof ServiceError ? error.status : null;
    if (error instanceof ServiceError && !error.retryable && status !== 404) {
      // Argilla refused the records themselves: trying again cannot help. Say so and end.
      finish(work, `not sent for review: ${message}`);
      return now;
    }
    // A 404: the dataset was deleted or renamed since it was provisioned; look again next time.
    if (status === 404) await reviewSync.forget();
    const { at, failures } = retryLater(work, "review", config.ARGILLA_RETRY_BASE_MS);
    work.moveDocument("review_retry", `sending pages to Argilla failed (attempt ${failures}): ${message}; retrying`);
    return { at };
  }
  finish(work);
  return now;
}

/** The run's work and outputs are all done: the document ends as its pages did. */
export function finish(work: DocumentWork, note?: string): void {
  const doc = work.doc();
  const reasons = [doc.outcome === "partial" ? partialReason(work.store.pageCounts()) : null, note ?? null].filter(Boolean);
  work.moveDocument(doc.outcome ?? "done", reasons.length ? reasons.join("; ") : null);
}

function partialReason(counts: Record<PageStatus, number>): string {
  const total = pageStatuses.reduce((n, status) => n + counts[status], 0);
  return `${counts.failed} of ${total} pages failed`;
}
