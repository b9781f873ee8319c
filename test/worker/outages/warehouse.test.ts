/**
 * The warehouse unreachable: these tests take the shared warehouse stand-in down, so they run on
 * their own, after the tests that run side by side (vitest.config.ts).
 */
import { describe, expect, inject, it } from "vitest";
import { finishedTableDocument, TABLE_PAGE } from "../documents";
import { fetchDoc, scriptOcr, textPdf, uploadPdf, waitFor, warehouseQuery as query } from "../helpers";

describe("a run while the warehouse is unreachable", () => {
  it("waits in persist_retry while the warehouse is unreachable, then completes", async () => {
    const size: [number, number] = [317, 423];
    await scriptOcr(size[0] * 2, size[1] * 2, [], { content: TABLE_PAGE, finishReason: "stop" }, 400);
    const doc = await uploadPdf(await textPdf(1, size));
    // Down from before the run ends until well after.
    const outage = await fetch(`${inject("warehouseControlUrl")}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms: 2500 }) });
    expect(outage.status).toBe(201);
    const waiting = await waitFor(doc, (s) => s.stage === "persist_retry");
    expect(waiting.error).toMatch(/^writing to the warehouse failed \(attempt 1\): .+; retrying$/);
    expect(waiting.persisted).toEqual({ parquet: true, warehouse: false, review: false });

    const done = await waitFor(doc, undefined, 15_000);
    expect(done.stage).toBe("done");
    expect(done.persisted).toEqual({ parquet: true, warehouse: true, review: true });
    expect(done.stageMs.persist_retry).toBeGreaterThan(1000);
    expect(await query("SELECT page FROM raw_ocr WHERE doc_id = $1", [doc.id])).toEqual([{ page: 1 }]);
  });


  it("resumes a deletion that an outage stopped half-way, by itself", async () => {
    const doc = await finishedTableDocument([337, 439]);
    expect((await fetch(`${inject("warehouseControlUrl")}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms: 1500 }) })).status).toBe(201);
    const first = await fetchDoc(doc, "", { method: "DELETE" });
    expect(first.status).toBe(202);
    expect(await first.json<any>()).toMatchObject({ deleting: true, error: expect.any(String) });
    // Deleting, it is no longer worked on; its alarm tries again with backoff until all is gone.
    await expect.poll(async () => (await fetchDoc(doc)).status, { timeout: 20_000, interval: 250 }).toBe(404);
    expect(await query("SELECT 1 FROM raw_ocr WHERE doc_id = $1", [doc.id])).toEqual([]);
  });

});
