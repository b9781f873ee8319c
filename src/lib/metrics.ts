/**
 * Metrics: the log events that are measurements, as Workers Analytics Engine data points, one
 * vocabulary for logs and metrics. Every point has the same layout, so one SQL query shape reads
 * them all (docs/operations.md):
 *
 *   index1   the event ("page", "ocr", "gate", "upload", "persist", "review", "document")
 *   blob1    its outcome (a page's status, "ok"/"retryable"/"fatal", "accepted"/"rejected", ...)
 *   blob2    a detail (the page's path, the output, the HTTP status)
 *   blob3    the document id, where there is one
 *   double1  milliseconds (time in the last state, the call's latency); 0 when not timed
 *   double2  a size (bytes uploaded, rows written, records sent; the gate's limit); 0 when none
 */
import type { LogEvent } from "./log";

const SETTLED = new Set(["done", "degraded", "blank", "failed"]);

export function dataPoint(event: LogEvent): AnalyticsEngineDataPoint | null {
  const point = (name: string, outcome: string, detail: string, documentId: string | undefined, ms: number | null, size: number | null): AnalyticsEngineDataPoint => ({
    indexes: [name],
    blobs: [outcome, detail, documentId ?? ""],
    doubles: [ms ?? 0, size ?? 0],
  });
  switch (event.event) {
    case "page.transition":
      return SETTLED.has(event.to) ? point("page", event.to, event.from ?? "", event.documentId, event.durationMs, event.attempt) : null;
    case "ocr.slot":
      return point("gate", event.outcome, "", event.documentId, event.waitedMs, event.limit ?? null);
    case "ocr.request":
      return point("ocr", event.outcome, String(event.status ?? ""), event.documentId, event.latencyMs, event.attempt);
    case "upload.accepted":
      return point("upload", "accepted", event.replayed ? "replayed" : "", event.documentId, null, event.bytes);
    case "upload.rejected":
      return point("upload", "rejected", String(event.status), event.documentId, null, null);
    case "persist.result":
      return point("persist", event.outcome, event.output, event.documentId, event.latencyMs, event.rows ?? null);
    case "review.sent":
      return point("review", event.outcome, "", event.documentId, event.latencyMs, event.records);
    case "document.transition":
      return point("document", event.to, event.from ?? "", event.documentId, event.durationMs, null);
    default:
      return null;
  }
}
