/**
 * Review while Argilla fails: these tests take the shared Argilla stand-in down or delete its
 * dataset, so they run on their own, after the tests that run side by side (vitest.config.ts).
 */
import { describe, expect, it } from "vitest";
import { entityLabels } from "../../../src/entities/labels";
import { externalId, provision } from "../../../src/review/argilla";
import { api, argilla, CERTIFICATE, datasetRecords, reviewedDocument } from "../documents";
import { scriptOcr, textPdf, uploadPdf, waitFor } from "../helpers";

describe("into Argilla, when it fails", () => {
  it("provisions again when the dataset was deleted in Argilla", async () => {
    const before = await provision(argilla, entityLabels);
    // Make sure the document object holds the old ids, then delete the dataset behind its back.
    await reviewedDocument([331, 439], CERTIFICATE);
    await api(`/api/v1/datasets/${before.datasetId}`, { method: "DELETE" });
    const doc = await reviewedDocument([333, 439], CERTIFICATE);
    const after = await provision(argilla, entityLabels);
    expect(after.datasetId).not.toBe(before.datasetId);
    expect((await datasetRecords()).map((r) => r.external_id)).toEqual([externalId(doc.id, 1, 1)]);
  });

  it("waits in review_retry while Argilla is down, then sends", async () => {
    const size: [number, number] = [343, 449];
    await scriptOcr(size[0] * 2, size[1] * 2, [], { content: CERTIFICATE, finishReason: "stop" }, 300);
    const doc = await uploadPdf(await textPdf(1, size));
    await api("/_sim/outage", { method: "POST", body: JSON.stringify({ ms: 1500 }) });
    const waiting = await waitFor(doc, (s) => s.stage === "review_retry");
    expect(waiting.error).toMatch(/^sending pages to Argilla failed \(attempt 1\): .*503.*; retrying$/);
    const done = await waitFor(doc);
    expect(done.stage).toBe("done");
    expect(done.pages[0].reviewRecordId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
