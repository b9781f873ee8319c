import { describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { isRunaway } from "../../src/ocr/deepseek";
import { ocrStats, pageDetail, scriptOcr, textPdf, uploadPdf, waitFor } from "./helpers";

describe("what the OCR result looks like", () => {
  it("stores each page's blocks with pixel boxes, tables with rows and cells, and clean text", async () => {
    const doc = await uploadPdf(await textPdf(2, [401, 501]));
    await waitFor(doc);
    const page = await pageDetail(doc, 2);
    expect([page.imageWidth, page.imageHeight]).toEqual([802, 1002]);
    expect(page.ocr.blocks.map((b: any) => b.label)).toEqual(["title", "text", "text", "text", "text", "table"]);
    for (const block of page.ocr.blocks) {
      for (const [x1, y1, x2, y2] of block.boxes) {
        expect(0 <= x1 && x1 <= x2 && x2 <= 802 && 0 <= y1 && y1 <= y2 && y2 <= 1002).toBe(true);
      }
    }
    const table = page.ocr.blocks.at(-1).table;
    expect(table.hasHeader).toBe(true);
    expect(table.rows[0].map((c: any) => c.text)).toEqual(["line", "top", "bottom", "ink px"]);
    expect(table.rows).toHaveLength(5);
    for (const row of table.rows) for (const cell of row) expect(page.ocr.text.slice(cell.start, cell.end)).toBe(cell.text);
    expect(page.ocr.text).not.toMatch(/<\|/);
    expect(page.ocr.offsets.length).toBeGreaterThan(0);
  });
});

describe("pages the model cannot read well", () => {
  it("does not send a blank page to the GPU", async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([402, 502]);
    const doc = await uploadPdf(await pdf.save());
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.pageCounts.blank).toBe(1);
    const page = await pageDetail(doc, 1);
    expect(page.status).toBe("blank");
    expect(page.ocr).toMatchObject({ text: "", blocks: [] });
    expect((await ocrStats()).images[page.imageSha256]).toBeUndefined();
  });

  it("retries a looping answer once with safer settings and keeps the good one", async () => {
    const loop = "<|ref|>text<|/ref|><|det|>[[1, 1, 998, 998]]<|/det|>\n" + "VESSEL ".repeat(600);
    await scriptOcr(806, 1006, [{ content: loop, finishReason: "length" }]);
    const doc = await uploadPdf(await textPdf(1, [403, 503]));
    expect((await waitFor(doc)).stage).toBe("done");
    const page = await pageDetail(doc, 1);
    expect(page.status).toBe("done");
    expect(page.attempts).toBe(2);
    const sent = (await ocrStats()).images[page.imageSha256];
    expect(sent.requests).toBe(2);
    expect(sent.last.vllmXargs).toMatchObject({ ngram_size: 12, window_size: 256 });
  });

  it("keeps a page that runs away twice, flagged degraded", async () => {
    const loop = "<table>" + "<tr><td>NAME</td></tr>".repeat(400);
    await scriptOcr(808, 1008, [], { content: loop, finishReason: "length" });
    const doc = await uploadPdf(await textPdf(1, [404, 504]));
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.pageCounts.degraded).toBe(1);
    const page = await pageDetail(doc, 1);
    expect(page.status).toBe("degraded");
    expect(page.error).toMatch(/ran away twice \(cut off\)/);
    expect(page.ocr.raw).toBe(loop);
    expect(page.ocr.blocks[0].table.rows.length).toBe(400);
  });

  it("tells a repetition loop from a long honest table, whatever the finish reason", () => {
    const stopped = (text: string) => isRunaway({ text, finishReason: "stop", promptTokens: null, completionTokens: null });
    expect(stopped("abc ".repeat(200))).toBe(true);
    expect(stopped("x".repeat(500))).toBe(true);
    const rows = Array.from({ length: 300 }, (_, i) => `<tr><td>VESSEL ${i}</td><td>${9000000 + i}</td></tr>`).join("");
    expect(stopped(`<table>${rows}</table>`)).toBe(false);
    const empties = Array.from({ length: 300 }, () => "<tr><td>-</td><td>0</td><td></td></tr>").join("");
    expect(stopped(`<table>${empties}</table>`)).toBe(false);
    expect(stopped("short")).toBe(false);
    expect(isRunaway({ text: "short", finishReason: "length", promptTokens: null, completionTokens: null })).toBe(true);
  });
});
