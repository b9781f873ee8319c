/**
 * Outside systems going down: these tests take the shared stand-ins down for a moment, so they run
 * on their own, after the tests that run side by side (vitest.config.ts).
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { fetchDoc, healthOf, pageDetail, scriptOcr, snapshot, textPdf, uploadPdf, waitFor } from "../helpers";

const outage = (url: string, ms: number) => fetch(`${url}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms }) });
/** The Worker's GPU boxes (it has two in tests). */
const [firstBox, secondBox] = inject("ocrUrls");

describe("/api/health, with a dependency down", () => {
  it("answers 503 naming the dependency that is down, each in turn", async () => {
    // One box of two down: OCR still works (the gate sends pages to the other), and says which.
    await outage(secondBox, 1500);
    const half = await healthOf();
    expect([half.status, half.body.checks.ocr.status]).toEqual([200, "ok"]);
    expect(half.body.checks.ocr.detail?.down).toEqual([{ endpoint: secondBox, error: "OCR server's /health answered 503" }]);
    // Both down: OCR is down, naming each box.
    await outage(firstBox, 1500);
    const ocr = await healthOf();
    expect([ocr.status, ocr.body.checks.ocr.status]).toEqual([503, "down"]);
    expect(ocr.body.checks.ocr.error).toBe(`every OCR server is down: ${firstBox}: OCR server's /health answered 503; ${secondBox}: OCR server's /health answered 503`);
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
  it("sends its pages to the other box while one is down, without spending attempts or waiting", async () => {
    const size: [number, number] = [393, 493];
    await scriptOcr(size[0] * 2, size[1] * 2, [], { ok: true }, 200);
    await outage(secondBox, 3000);
    const doc = await uploadPdf(await textPdf(8, size));
    const end = await waitFor(doc, undefined, 30_000);
    expect(end.stage).toBe("done");
    expect(end.stageMs.waiting).toBeUndefined();
    for (let n = 1; n <= 8; n++) expect((await pageDetail(doc, n)).attempts).toBe(1);
    const gate = (await env.OcrGate.getByName(env.SPARK_OCR_URL).status()).boxes;
    expect(gate.map((box) => box.endpoint)).toEqual([firstBox, secondBox]);
  });

  it("waits without burning attempts, shows it, and finishes by itself when the box is back", async () => {
    await Promise.all([firstBox, secondBox].map((box) => outage(box, 1500)));
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
