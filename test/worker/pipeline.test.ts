import { describe, expect, it } from "vitest";
import { env, runInDurableObject } from "cloudflare:test";
import { fetchDoc, ocrStats, scannedPdf, snapshot, textPdf, uploadPdf, waitFor } from "./helpers";

describe("an upload goes all the way", () => {
  it("renders, OCRs and stores every page", async () => {
    const doc = await uploadPdf(await textPdf(3, [301, 401]), "authorised vessels.pdf");
    const done = await waitFor(doc);
    expect(done.stage).toBe("done");
    expect(done.pageCount).toBe(3);
    expect(done.pageCounts.done).toBe(3);
    expect(done.filename).toBe("authorised vessels.pdf");
    expect(done.stageMs.ocr).toBeGreaterThanOrEqual(0);

    for (const n of [1, 2, 3]) {
      const page = await (await fetchDoc(doc, `/pages/${n}`)).json<any>();
      expect(page.status).toBe("done");
      expect(page.image).toBe("png");
      expect([page.imageWidth, page.imageHeight]).toEqual([602, 802]);
      // The stand-in names the image it was sent: this page's text came from this page's image.
      expect(page.ocr.raw).toContain(`sha256:${page.imageSha256.slice(0, 16)}`);
      expect(page.ocr.raw).toContain("<|ref|>title<|/ref|><|det|>");
      expect(page.ocr.text).not.toContain("<|ref|>");
      // Page n has n text lines plus the title line and a box: n + 2 ink bands.
      expect(page.ocr.text).toContain(`Line ${n + 2} of ${n + 2}`);
    }

    const stored = await env.DOCUMENTS_BUCKET.head(`uploads/${doc.id}.pdf`);
    expect(stored?.size).toBe(done.bytes);
    const image = await fetchDoc(doc, "/pages/2/image");
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));

    // Its history stays the size of one run: page events go once the pages have settled, the
    // document's own stay (stage times are read from them).
    const events = await runInDurableObject(env.Document.getByName(doc.id), (_object, state) =>
      state.storage.sql.exec<{ pageEvents: number; documentEvents: number }>("SELECT count(page) AS pageEvents, count(*) - count(page) AS documentEvents FROM events").one(),
    );
    expect(events.pageEvents).toBe(0);
    expect(events.documentEvents).toBeGreaterThanOrEqual(5);
  });

  it("passes a full-page scan's JPEG through untouched", async () => {
    const { pdf, jpeg } = await scannedPdf(203, 263);
    const doc = await uploadPdf(pdf);
    expect((await waitFor(doc)).stage).toBe("done");
    const page = await (await fetchDoc(doc, "/pages/1")).json<any>();
    expect(page.image).toBe("jpeg");
    const sent = await (await fetchDoc(doc, "/pages/1/image")).arrayBuffer();
    expect(new Uint8Array(sent)).toEqual(jpeg);

    expect((await ocrStats()).images[page.imageSha256].requests).toBe(1);
  });

  it("sends the DeepSeek-OCR request the vLLM recipe describes", async () => {
    const doc = await uploadPdf(await textPdf(1, [311, 411]));
    await waitFor(doc);
    const page = await (await fetchDoc(doc, "/pages/1")).json<any>();
    // Other tests share the stand-in: find this page's request by its image.
    const sent = (await ocrStats()).images[page.imageSha256];
    expect(sent.requests).toBe(1);
    expect(sent.last).toMatchObject({
      model: "deepseek-ai/DeepSeek-OCR",
      prompt: "<|grounding|>Convert the document to markdown.",
      mediaType: "image/png",
      width: 622,
      height: 822,
      temperature: 0,
      maxTokens: 7192,
      skipSpecialTokens: false,
      vllmXargs: { ngram_size: 30, window_size: 90, whitelist_token_ids: [128821, 128822] },
    });
  });

  it("fails a PDF that cannot be parsed, with a readable reason", async () => {
    const broken = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer garbage");
    const doc = await uploadPdf(broken);
    const failed = await waitFor(doc);
    expect(failed.stage).toBe("failed");
    expect(failed.error).toMatch(/PDF/);
    expect(failed.pageCount).toBeNull();
    expect((await snapshot(doc)).error).toBe(failed.error);
  });
});
