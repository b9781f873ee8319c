import { describe, expect, it } from "vitest";
import { ServiceError } from "../../src/lib/errors";
import { ocrClientOptions, recognisePage } from "../../src/ocr/deepseek";
import { settings } from "../../src/config";
import { env } from "cloudflare:test";
import { ocrStats, pageDetail, scriptOcr, textPdf, uploadPdf, waitFor } from "./helpers";

// Each test uses its own page size, so its script in the shared stand-in applies to its pages only.
describe("when the OCR server misbehaves", () => {
  it("retries 5xx answers with backoff and then succeeds", async () => {
    await scriptOcr(702, 902, [{ status: 503 }, { status: 500 }]);
    const doc = await uploadPdf(await textPdf(1, [351, 451]));
    const done = await waitFor(doc);
    expect(done.stage).toBe("done");
    const page = await pageDetail(doc, 1);
    expect(page.attempts).toBe(3);
    expect((await ocrStats()).images[page.imageSha256].requests).toBe(3);
  });

  it("retries a dropped connection", async () => {
    await scriptOcr(704, 904, [{ drop: true }]);
    const doc = await uploadPdf(await textPdf(1, [352, 452]));
    expect((await waitFor(doc)).stage).toBe("done");
    expect((await pageDetail(doc, 1)).attempts).toBe(2);
  });

  it("gives up after the bounded attempts and ends the document partial", async () => {
    await scriptOcr(706, 906, [], { status: 503 });
    const doc = await uploadPdf(await textPdf(2, [[300, 400], [353, 453]]));
    const end = await waitFor(doc);
    expect(end.stage).toBe("partial");
    expect(end.error).toBe("1 of 2 pages failed");
    expect(end.pageCounts).toMatchObject({ done: 1, failed: 1 });
    const failed = await pageDetail(doc, 2);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^page 2: gave up after 3 attempts: OCR server answered 503/);
    expect(failed.ocr).toBeNull();
    expect((await ocrStats()).images[failed.imageSha256].requests).toBe(3);
  });

  it("times out a request that never answers, retries, then fails the page", async () => {
    await scriptOcr(708, 908, [], { hang: true });
    const doc = await uploadPdf(await textPdf(1, [354, 454]));
    const end = await waitFor(doc);
    expect(end.stage).toBe("failed");
    expect(end.error).toBe("1 of 1 pages failed");
    const page = await pageDetail(doc, 1);
    expect(page.error).toMatch(/did not answer within 1000 ms/);
    expect(page.attempts).toBe(3);
  });

  it("does not retry a 4xx answer", async () => {
    await scriptOcr(710, 910, [], { status: 400 });
    const doc = await uploadPdf(await textPdf(1, [355, 455]));
    expect((await waitFor(doc)).stage).toBe("failed");
    const page = await pageDetail(doc, 1);
    expect(page.error).toMatch(/^page 1: OCR server answered 400/);
    expect(page.attempts).toBe(1);
    expect((await ocrStats()).images[page.imageSha256].requests).toBe(1);
  });

  it("reports a refused connection as retryable", async () => {
    const options = { ...ocrClientOptions(settings(env)), baseUrl: "http://127.0.0.1:9" };
    const error = await recognisePage({ mediaType: "image/png", bytes: new Uint8Array(8) }, options).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/unreachable/);
  });
});
