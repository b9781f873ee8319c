import { describe, expect, it } from "vitest";
import { env, runInDurableObject } from "cloudflare:test";
import { ocrStats, pageDetail, scriptOcr, textPdf, uploadPdf, waitFor } from "./helpers";

describe("a document whose Durable Object dies mid-way", () => {
  it("resumes by itself and never OCRs a finished page again", async () => {
    // Slow OCR for this test's pages, so the abort lands while pages are in flight.
    await scriptOcr(722, 922, [], { ok: true }, 250);
    const doc = await uploadPdf(await textPdf(8, [361, 461]));
    const before = await waitFor(doc, (s) => (s.pageCounts.done ?? 0) >= 2);
    const doneBeforeAbort = before.pages.filter((p) => p.status === "done").map((p) => p.page);
    expect(doneBeforeAbort.length).toBeLessThan(8);

    const stub = env.Document.getByName(doc.id);
    await runInDurableObject(stub, (_instance, state) => state.abort("simulated crash")).catch(() => undefined);

    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.pageCounts.done).toBe(8);

    const stats = await ocrStats();
    for (const n of doneBeforeAbort) {
      const page = await pageDetail(doc, n);
      expect(stats.images[page.imageSha256].requests, `page ${n} was OCRed again`).toBe(1);
    }
  });
});
