/**
 * Outside systems going down: these tests take the shared stand-ins down for a moment, so they run
 * on their own, after the tests that run side by side (vitest.config.ts).
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { fetchDoc, healthOf, pageDetail, snapshot, textPdf, uploadPdf, waitFor } from "../helpers";

const outage = (url: string, ms: number) => fetch(`${url}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms }) });

describe("/api/health, with a dependency down", () => {
  it("answers 503 naming the dependency that is down, each in turn", async () => {
    await outage(env.SPARK_OCR_URL, 1500);
    const ocr = await healthOf();
    expect([ocr.status, ocr.body.checks.ocr.status, ocr.body.checks.ocr.error]).toEqual([503, "down", "OCR server's /health answered 503"]);
    expect(ocr.body.checks.storage.status).toBe("ok");

    await outage(inject("warehouseControlUrl"), 1500);
    const warehouse = await healthOf();
    expect([warehouse.status, warehouse.body.checks.warehouse.status]).toEqual([503, "down"]);

    await outage(inject("argillaUrl"), 1500);
    const argilla = await healthOf();
    expect([argilla.status, argilla.body.checks.argilla.status]).toEqual([503, "down"]);
    expect(argilla.body.checks.argilla.error).toMatch(/503/);

    const broken = { put: async () => Promise.reject(new Error("R2 is having a bad day")), get: async () => null, delete: async () => undefined };
    const storage = await healthOf({ DOCUMENTS_BUCKET: broken });
    expect([storage.status, storage.body.checks.storage]).toEqual([503, expect.objectContaining({ status: "down", error: "R2 is having a bad day" })]);

    // A dependency that is not configured is off, not down.
    await new Promise((r) => setTimeout(r, 1600));
    const withoutReview = await healthOf({ ARGILLA_URL: "" });
    expect([withoutReview.status, withoutReview.body.checks.argilla.status]).toEqual([200, "off"]);
  });

});

describe("a document whose OCR backend goes down", () => {
  it("waits without burning attempts, shows it, and finishes by itself when the box is back", async () => {
    await fetch(`${env.SPARK_OCR_URL}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms: 1500 }) });
    const doc = await uploadPdf(await textPdf(2, [391, 491]));
    const waiting = await waitFor(doc, (s) => s.stage === "waiting", 10_000);
    expect(waiting.error).toMatch(/unavailable/);
    const end = await waitFor(doc, undefined, 30_000);
    expect(end.stage).toBe("done");
    for (const n of [1, 2]) expect((await pageDetail(doc, n)).attempts).toBe(1);
    expect((await snapshot(doc)).stageMs.waiting).toBeGreaterThan(0);
    expect((await fetchDoc(doc)).status).toBe(200);
  });
});
