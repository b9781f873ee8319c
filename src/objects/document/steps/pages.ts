/**
 * ocr: pages rendered (one render at a time in the whole isolate, see ../../../pdf/render.ts), each
 * given a slot and a box by the shared gate, and sent to that OCR server. How many pages are in
 * progress at once is the gate's to say (all its capacity for a document alone, a fair share with
 * others), within OCR_BYTES_IN_FLIGHT of page images and, if set, OCR_PAGES_IN_FLIGHT. A batch
 * handles a bounded number of pages so no invocation runs long; the next alarm carries on.
 * Born-digital pages are read from their text layer; blank ones never leave.
 */
import { hasResult, ocrOutcome, pageStatuses } from "../../../domain/lifecycle";
import { sha256Hex } from "../../../lib/bytes";
import { errorMessage, ServiceError } from "../../../lib/errors";
import { log } from "../../../lib/log";
import { backoffMs } from "../../../lib/retry";
import { isRunaway, ocrClientOptions, recognisePage } from "../../../ocr/deepseek";
import { parseGrounded } from "../../../ocr/grounding";
import { BLANK_INK_RATIO, mediaTypes, type PageImage } from "../../../pdf/page-image";
import type { PdfSource } from "../../../pdf/source";
import { pageImageKey } from "../../../storage/keys";
import type { Outcome } from "../../ocr-gate";
import type { Page, PagePatch } from "../page";
import { now, stop, type DocumentWork, type Next } from "../work";
import { PagesInFlight } from "./pages-in-flight";
import { carryHeaders, readResult } from "./read-page";

/** How long a page waits at the gate for a slot before the batch gives it back and moves on. */
const GATE_WAIT_MS = 30_000;
/** Renders of one page that may die with their invocation before the page is failed. */
const MAX_RENDER_TRIES = 2;

type Ready = { image: PageImage; patch: PagePatch };

/** The gate every document shares in front of this deployment's OCR endpoint. */
export function gateOf(work: DocumentWork) {
  return work.env.OcrGate.getByName(work.config.SPARK_OCR_URL);
}

/** One batch of pages, then what comes next: more pages, a retry's time, or the run's outputs. */
export async function runOcrBatch(work: DocumentWork): Promise<Next> {
  resumeInterruptedPages(work);
  const pages = new PagesInFlight(work);
  let pdf: Promise<PdfSource> | undefined;
  const loadPdfOnce = () => (pdf ??= work.loadPdf());
  const workers: Array<Promise<unknown>> = [];
  const startWorkers = () => {
    for (let n = pages.missing(); n > 0; n--) {
      pages.started();
      workers.push(worker().finally(() => pages.stopped()));
    }
  };
  const worker = async () => {
    while (pages.takeOne()) {
      const row = claimNextPage(work);
      if (!row) return;
      try {
        await processPage(work, row, loadPdfOnce, pages, startWorkers);
      } finally {
        work.inFlight.delete(row.page);
      }
    }
  };
  startWorkers();
  // Let every page in flight settle before reporting a failure, so none is left half-done. Workers
  // started while waiting join the list and are waited for too.
  let failure: unknown = null;
  for (let i = 0; i < workers.length; i++) {
    await workers[i].catch((error: unknown) => {
      failure ??= error;
    });
  }
  (await pdf?.catch(() => null))?.close();
  if (failure) throw failure;
  return work.doc().stage === "ocr" ? afterBatch(work) : now;
}

/** Every page settled: the run ends as its pages did. Otherwise: now, or when the earliest retry is due. */
function afterBatch(work: DocumentWork): Next {
  const { open, ready, nextRetry } = work.store.progress();
  if (open > 0) return ready > 0 || nextRetry === null ? now : { at: nextRetry };
  const counts = work.store.pageCounts();
  const withResult = pageStatuses.filter(hasResult).reduce((n, status) => n + counts[status], 0);
  const outcome = ocrOutcome({ withResult, failed: counts.failed });
  if (outcome === "failed") {
    work.moveDocument("failed", `${counts.failed} of ${counts.failed} pages failed`);
    return stop;
  }
  carryHeaders(work);
  work.store.finishRun(outcome, Date.now());
  work.moveDocument("persisting");
  return now;
}

async function processPage(work: DocumentWork, row: Page, loadPdf: () => Promise<PdfSource>, pages: PagesInFlight, startWorkers: () => void): Promise<void> {
  const ready = row.status === "queued" ? await render(work, row, loadPdf) : await storedImage(work, row);
  if (!ready) return;
  const { image, patch } = ready;
  pages.rendered(image.bytes.length, patch.render_ms ?? null);
  work.movePage(row.page, "waiting", patch);

  const gate = gateOf(work);
  const asked = Date.now();
  const grant = await gate.acquire(work.doc().id, GATE_WAIT_MS);
  log({
    event: "ocr.slot",
    documentId: work.doc().id,
    page: row.page,
    outcome: grant.granted ? "granted" : grant.reason,
    waitedMs: Date.now() - asked,
    ...(grant.granted ? { limit: grant.limit, share: grant.share, endpoint: grant.endpoint } : {}),
  });
  if (!grant.granted) {
    // Waiting costs no attempt. A down backend puts the whole document in `waiting`.
    work.movePage(row.page, "retrying", { not_before: Date.now() + grant.retryAfterMs });
    if (grant.reason === "unavailable" && work.doc().stage === "ocr") work.moveDocument("waiting", grant.message);
    return;
  }
  pages.offered(grant.share);
  startWorkers();
  const attempt = row.attempts + 1;
  work.movePage(row.page, "ocr", { attempts: attempt });
  const started = Date.now();
  let failure: ServiceError | null = null;
  try {
    failure = await recognise(work, row.page, attempt, image, grant.endpoint);
  } finally {
    // The slot goes back whatever happened, or the gate would count it until its lease expires.
    const result: Outcome["result"] = failure === null ? "ok" : failure.retryable ? "unavailable" : "rejected";
    const box = await gate.release(grant.lease, { latencyMs: Date.now() - started, result });
    if (failure) afterOcrFailure(work, row.page, attempt, failure, box);
  }
}

/**
 * Retry with backoff, give up, or (the box itself is down) give the attempt back: the page goes to
 * another box now, or, with every box down, the document waits.
 */
function afterOcrFailure(work: DocumentWork, page: number, attempt: number, error: ServiceError, box: { healthy: boolean; available: boolean }): void {
  if (error.retryable && !box.healthy) {
    work.movePage(page, "retrying", { attempts: attempt - 1, error: error.message, not_before: Date.now() });
    if (!box.available && work.doc().stage === "ocr") work.moveDocument("waiting", "the OCR backend is unavailable");
  } else if (error.retryable && attempt < work.config.OCR_MAX_ATTEMPTS) {
    work.movePage(page, "retrying", { error: error.message, not_before: Date.now() + backoffMs(attempt, work.config.OCR_RETRY_BASE_MS) });
  } else {
    const why = error.retryable ? `gave up after ${attempt} attempts: ${error.message}` : error.message;
    work.movePage(page, "failed", { error: `page ${page}: ${why}` });
  }
}

/** rendering: the page's image, stored in R2; null when the page needs no OCR or cannot be rendered. */
async function render(work: DocumentWork, row: Page, loadPdf: () => Promise<PdfSource>): Promise<Ready | null> {
  // Counted before rendering starts: a page that kills the isolate twice is failed, not retried forever.
  work.movePage(row.page, "rendering", { render_tries: row.render_tries + 1 });
  const started = Date.now();
  const pdf = await loadPdf();
  let image: PageImage;
  try {
    image = await pdf.pageImage(row.page - 1, work.config.RENDER_DPI, work.doc().text_layer === "auto");
  } catch (error) {
    // Whatever stops one page from rendering belongs to that page; the others go on.
    work.movePage(row.page, "failed", { error: `page ${row.page}: cannot render: ${errorMessage(error)}` });
    return null;
  }
  const imageKey = pageImageKey(work.doc().id, row.page, image.kind);
  await work.env.DOCUMENTS_BUCKET.put(imageKey, image.bytes, { httpMetadata: { contentType: mediaTypes[image.kind] } });
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
    work.movePage(row.page, "done", { ...patch, ocr_path: "text-layer", ...(await readResult(work, image.textLayer, image, row.page, { ocr: false })) });
    return null;
  }
  if (image.inkRatio < BLANK_INK_RATIO) {
    // A blank page makes the model repeat one letter for thousands of tokens: do not send it.
    work.movePage(row.page, "blank", { ...patch, ...(await readResult(work, "", image, row.page, { ocr: false })) });
    return null;
  }
  return { image, patch };
}

async function storedImage(work: DocumentWork, row: Page): Promise<Ready | null> {
  const stored = await work.env.DOCUMENTS_BUCKET.get(row.image_key!);
  if (!stored) {
    // Only a hand-made change to the bucket gets here; say so rather than guess.
    work.movePage(row.page, "failed", { error: `page ${row.page}: stored page image is missing` });
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
async function recognise(work: DocumentWork, page: number, attempt: number, image: PageImage, endpoint: string): Promise<ServiceError | null> {
  const documentId = work.doc().id;
  const input = { mediaType: mediaTypes[image.kind], bytes: image.bytes };
  const options = { ...ocrClientOptions(work.config), baseUrl: endpoint };
  const started = Date.now();
  try {
    let result = await recognisePage(input, options);
    let attempts = attempt;
    log({ event: "ocr.request", documentId, page, attempt, outcome: "ok", latencyMs: Date.now() - started });
    // Each answer is parsed once: the loop check and the page's reading share it.
    let parsed = parseGrounded(result.text, image);
    let degraded = isRunaway(result, parsed);
    if (degraded) {
      // Cut off or looping: once more with settings that break loops, then keep what we have.
      attempts++;
      const again = Date.now();
      result = await recognisePage(input, options, true);
      log({ event: "ocr.request", documentId, page, attempt: attempts, outcome: "ok", latencyMs: Date.now() - again });
      parsed = parseGrounded(result.text, image);
      degraded = isRunaway(result, parsed);
    }
    const read = await readResult(work, result.text, image, page, { ocr: true, parsed });
    work.movePage(page, degraded ? "degraded" : "done", {
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
    if (!(error instanceof ServiceError)) throw error;
    const outcome = error.retryable ? "retryable" : "fatal";
    log({ event: "ocr.request", documentId, page, attempt, outcome, status: error.status ?? undefined, latencyMs: Date.now() - started, error: error.message });
    return error;
  }
}

/** Pages left mid-step by an evicted or aborted invocation go back to where they can restart. */
function resumeInterruptedPages(work: DocumentWork): void {
  for (const row of work.store.interruptedPages()) {
    if (work.inFlight.has(row.page)) continue;
    if (row.status === "rendering" && row.render_tries >= MAX_RENDER_TRIES) {
      work.movePage(row.page, "failed", { error: `page ${row.page}: rendering did not finish in ${row.render_tries} tries (too large or malformed?)` });
    } else if (row.status === "rendering") {
      work.movePage(row.page, "queued", { error: "interrupted; resumed" });
    } else {
      work.movePage(row.page, "retrying", { error: "interrupted; resumed", not_before: Date.now() });
    }
  }
}

/** The next page ready to work on, lowest number first; marks it in flight. */
function claimNextPage(work: DocumentWork): Page | null {
  if (work.doc().stage !== "ocr") return null;
  const row = work.store.nextReadyPage(Date.now(), work.inFlight);
  if (row) work.inFlight.add(row.page);
  return row;
}
