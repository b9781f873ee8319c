import { afterEach, expect, it, vi } from "vitest";
import { log, withRequestId, type LogEvent } from "../../src/lib/log";
import { fetchDoc, textPdf, upload, waitFor } from "./helpers";

const ID = "0123456789abcdef0123456789abcdef";

/** One of every event the Worker logs; the type makes a new event fail here until it is added. */
const samples: { [E in LogEvent["event"]]: Extract<LogEvent, { event: E }> } = {
  "document.transition": { event: "document.transition", documentId: ID, from: "paging", to: "ocr", durationMs: 12 },
  "page.transition": { event: "page.transition", documentId: ID, page: 1, from: "queued", to: "rendering", durationMs: 3, attempt: 0 },
  "page.entities": { event: "page.entities", documentId: ID, page: 2, entities: 5, reason: "column header carried over from page 1" },
  "upload.accepted": { event: "upload.accepted", documentId: ID, bytes: 10, sha256: "ab", replayed: false },
  "upload.rejected": { event: "upload.rejected", documentId: ID, status: 415, reason: "not a PDF" },
  "ocr.request": { event: "ocr.request", documentId: ID, page: 1, attempt: 1, outcome: "retryable", status: 503, latencyMs: 40, error: "503" },
  "ocr.health": { event: "ocr.health", endpoint: "https://ocr.example", healthy: false },
  "ocr.slot": { event: "ocr.slot", documentId: ID, page: 1, outcome: "granted", waitedMs: 12, limit: 8 },
  "document.error": { event: "document.error", documentId: ID, failures: 1, error: "boom" },
  "websocket.error": { event: "websocket.error", documentId: ID, error: "closed" },
  "entities.llm": { event: "entities.llm", documentId: ID, page: 1, spans: 2, dropped: 0 },
  "persist.result": { event: "persist.result", documentId: ID, run: 1, output: "parquet", outcome: "ok", attempt: 1, latencyMs: 5 },
  "ingest.notification": { event: "ingest.notification", key: "incoming/a.pdf", documentId: ID, outcome: "started" },
  "review.sent": { event: "review.sent", documentId: ID, run: 1, outcome: "ok", records: 1, attempt: 1, latencyMs: 9 },
  "review.webhook": { event: "review.webhook", status: 200, outcome: "applied", documentId: ID },
  "review.applied": { event: "review.applied", documentId: ID, externalId: `${ID}:1:1`, annotator: "a", accept: 1, relabel: 0, resize: 0, reject: 0, add: 0 },
  "review.reconciled": { event: "review.reconciled", applied: 0, seen: 3 },
  "document.deleted": { event: "document.deleted", documentId: ID, outcome: "deleted" },
  "index.write": { event: "index.write", documentId: ID, stage: "done", error: "D1 is unavailable" },
  "http.error": { event: "http.error", method: "GET", path: `/api/documents/${ID}`, error: "boom", documentId: ID },
};

/** Events about no single document: the gate's health, the cron's reconciliation. */
const NOT_ABOUT_ONE_DOCUMENT = new Set(["ocr.health", "review.reconciled"]);

afterEach(() => vi.restoreAllMocks());

it("writes every event as one JSON line with its level, event, request id and document id", () => {
  const lines: string[] = [];
  for (const method of ["log", "warn", "error"] as const) vi.spyOn(console, method).mockImplementation((line: string) => void lines.push(`${method} ${line}`));
  withRequestId("ray-1234", () => {
    for (const sample of Object.values(samples)) log(sample);
  });
  expect(lines).toHaveLength(Object.keys(samples).length);
  for (const line of lines) {
    const [stream, json] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
    expect(json).not.toContain("\n");
    const parsed = JSON.parse(json);
    expect(parsed).toMatchObject({ level: expect.stringMatching(/^(info|warn|error)$/), event: expect.any(String), requestId: "ray-1234" });
    expect(stream).toBe(parsed.level === "info" ? "log" : parsed.level);
    if (!NOT_ABOUT_ONE_DOCUMENT.has(parsed.event)) expect(parsed.documentId).toBe(ID);
  }
  const levelOf = (event: string) => JSON.parse(lines.find((l) => l.includes(`"event":"${event}"`))!.split(" ").slice(1).join(" ")).level;
  expect([levelOf("document.transition"), levelOf("upload.rejected"), levelOf("ocr.request")]).toEqual(["info", "warn", "error"]);
});

it("gives no request id outside a piece of work", () => {
  const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
  log(samples["review.reconciled"]);
  expect(JSON.parse(spy.mock.calls[0][0] as string)).not.toHaveProperty("requestId");
});

it("follows one upload by its Ray ID, from the route into the document's object", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  const response = await upload(await textPdf(1), { "content-type": "application/pdf", "cf-ray": "8f3a9c1d2e4b5a60-AMS" });
  expect(response.status).toBe(202);
  const { id } = await response.json<{ id: string }>();
  const events = lines.map((line) => JSON.parse(line)).filter((event) => event.documentId === id);
  expect(events.find((e) => e.event === "upload.accepted")).toMatchObject({ level: "info", requestId: "8f3a9c1d2e4b5a60-AMS" });
  expect(events.find((e) => e.event === "document.transition" && e.to === "received")).toMatchObject({ requestId: "8f3a9c1d2e4b5a60-AMS" });
  // A call on the document's object carries the caller's Ray ID into what the object logs.
  const doc = await (await upload(await textPdf(1), { "content-type": "application/pdf" })).json<{ id: string; token: string }>();
  await waitFor(doc);
  lines.length = 0;
  const again = await fetchDoc(doc, "/reprocess", { method: "POST", headers: { "cf-ray": "9a0b1c2d3e4f5a61-FRA" } });
  expect(again.status).toBe(202);
  const restarted = lines.map((line) => JSON.parse(line)).find((e) => e.documentId === doc.id && e.event === "document.transition" && e.to === "ocr");
  expect(restarted?.requestId).toBe("9a0b1c2d3e4f5a61-FRA");
  await waitFor(doc);
});

it("turns the measuring events into Analytics Engine data points of one layout, and only those", () => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  const points: AnalyticsEngineDataPoint[] = [];
  const metrics = { writeDataPoint: (point?: AnalyticsEngineDataPoint) => void points.push(point!) } as AnalyticsEngineDataset;
  withRequestId("ray-metrics", () => {
    for (const sample of Object.values(samples)) log(sample);
    log({ ...samples["page.transition"], to: "done", from: "ocr", durationMs: 2100 });
  }, metrics);
  const byIndex = (name: string) => points.filter((p) => p.indexes?.[0] === name);
  expect(points.map((p) => p.indexes?.[0]).sort()).toEqual(["document", "gate", "ocr", "page", "persist", "review", "upload", "upload"]);
  expect(byIndex("gate")[0]).toEqual({ indexes: ["gate"], blobs: ["granted", "", ID], doubles: [12, 8] });
  for (const point of points) {
    expect(point.blobs).toHaveLength(3);
    expect(point.doubles).toHaveLength(2);
    expect(point.blobs?.[2]).toBe(ID);
  }
  expect(byIndex("page")).toEqual([{ indexes: ["page"], blobs: ["done", "ocr", ID], doubles: [2100, 0] }]);
  expect(byIndex("ocr")[0]).toEqual({ indexes: ["ocr"], blobs: ["retryable", "503", ID], doubles: [40, 1] });
  expect(byIndex("upload").map((p) => p.blobs?.[0]).sort()).toEqual(["accepted", "rejected"]);
});
