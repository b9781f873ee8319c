/**
 * Structured log events: one JSON object per line, so `wrangler tail --format json | jq` (or Workers
 * Logs) can filter on any field. The union is the whole vocabulary; add a member here before
 * logging something new. `documentId` is on every event about one document.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DocumentStage, PageStatus } from "../domain/lifecycle";
import { dataPoint } from "./metrics";

export type LogEvent =
  | {
      event: "document.transition";
      documentId: string;
      from: DocumentStage | null;
      to: DocumentStage;
      /** Time spent in `from`. */
      durationMs: number | null;
      error?: string;
    }
  | {
      event: "page.transition";
      documentId: string;
      page: number;
      from: PageStatus | null;
      to: PageStatus;
      durationMs: number | null;
      attempt: number;
      error?: string;
    }
  | { event: "page.entities"; documentId: string; page: number; entities: number; reason: string }
  | {
      event: "upload.accepted";
      documentId: string;
      bytes: number;
      sha256: string;
      replayed: boolean;
    }
  | { event: "upload.rejected"; status: number; reason: string; documentId?: string }
  | {
      event: "ocr.request";
      documentId: string;
      page: number;
      attempt: number;
      outcome: "ok" | "retryable" | "fatal";
      status?: number;
      latencyMs: number;
      error?: string;
    }
  | { event: "ocr.health"; endpoint: string; healthy: boolean }
  /**
   * A page's wait at the OCR gate for a slot; when it got one, the gate's limit, the pages in flight
   * it offered the document, and the box it placed the page on.
   */
  | { event: "ocr.slot"; documentId: string; page: number; outcome: "granted" | "busy" | "unavailable"; waitedMs: number; limit?: number; share?: number; endpoint?: string }
  /** An unexpected error in a document's alarm; retried with backoff, failed after a few. */
  | { event: "document.error"; documentId: string; failures: number; error: string }
  | { event: "websocket.error"; documentId: string; error: string }
  /** The language-model pass over one page: spans kept, spans dropped as not in the text. */
  | { event: "entities.llm"; documentId: string; page: number; spans: number; dropped: number; error?: string }
  /** A run's outputs written (or not): Parquet files in R2, rows in the warehouse. */
  | {
      event: "persist.result";
      documentId: string;
      run: number;
      output: "parquet" | "warehouse";
      outcome: "ok" | "failed" | "off";
      attempt: number;
      rows?: number;
      statements?: number;
      latencyMs: number;
      error?: string;
    }
  /** A bulk-ingest notification from the bucket: what it started, or why not. */
  | { event: "ingest.notification"; key: string; documentId?: string; outcome: "started" | "ignored" | "retry"; reason?: string; error?: string }
  /** A document's pages sent to Argilla as records (or not). */
  | { event: "review.sent"; documentId: string; run: number; outcome: "ok" | "failed" | "off"; records: number; attempt: number; latencyMs: number; error?: string }
  /** An Argilla webhook delivery: refused (signature, time), or what it did. */
  | { event: "review.webhook"; status: number; outcome: string; type?: string; error?: string; documentId?: string }
  /** One expert's submitted response stored as corrections and final spans. */
  | { event: "review.applied"; documentId: string; externalId: string; annotator: string; accept: number; relabel: number; resize: number; reject: number; add: number }
  | { event: "review.reconciled"; applied: number; seen: number; error?: string }
  /** A document deleted with everything it left, or its deletion to be tried again. */
  | { event: "document.deleted"; documentId: string; outcome: "deleted" | "retrying"; failures?: number; error?: string }
  /** The operators' index (D1) could not be written; the next stage change writes the row again. */
  | { event: "index.write"; documentId: string; stage: DocumentStage; error: string }
  | { event: "http.error"; method: string; path: string; error: string; documentId?: string };

export type LogLevel = "info" | "warn" | "error";

/** The work being done: its id, and where its metrics go (Workers Analytics Engine). */
interface Context {
  requestId: string;
  metrics?: AnalyticsEngineDataset;
}

const context = new AsyncLocalStorage<Context>();

/**
 * Runs `work` with every event it logs carrying `requestId`: one per HTTP request (Cloudflare's
 * Ray ID when there is one), queue batch, cron run, or Durable Object alarm, so one piece of work
 * can be followed through `wrangler tail`. With `metrics`, the events that are measurements also
 * become data points there (./metrics.ts).
 */
export function withRequestId<T>(requestId: string, work: () => T, metrics?: AnalyticsEngineDataset): T {
  return context.run({ requestId, metrics: metrics ?? context.getStore()?.metrics }, work);
}

/** The id of the work being done now, to hand on to another object that logs for it. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** Events that say something went wrong for a caller without being our error. */
const WARNINGS = new Set<LogEvent["event"]>(["upload.rejected", "ocr.health"]);

/** One JSON object per line: `level`, `event`, `requestId` (where there is one), then the event's fields. */
export function log(event: LogEvent): void {
  const level: LogLevel = "error" in event && event.error ? "error" : WARNINGS.has(event.event) ? "warn" : "info";
  const { requestId, metrics } = context.getStore() ?? {};
  const point = metrics && dataPoint(event);
  if (point) {
    try {
      metrics.writeDataPoint(point);
    } catch {
      // Metrics are best effort: a failed write costs nothing but the point.
    }
  }
  const line = JSON.stringify({ level, ...event, ...(requestId ? { requestId } : {}) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
