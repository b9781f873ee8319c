import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Document } from "../../src/objects/document";
import { ocrStats, pageDetail, scannedPdf, textPdf, upload, uploadPdf, waitFor, worker } from "./helpers";

async function uploadWithPages(pages: string, pdf: Uint8Array) {
  const response = await upload(pdf, { "content-type": "application/pdf" }, `?pages=${encodeURIComponent(pages)}`);
  return { response, body: await response.json<any>() };
}

describe("page ranges at upload", () => {
  it("processes only the pages asked for", async () => {
    const { response, body } = await uploadWithPages("1, 3", await textPdf(4, [411, 511]));
    expect(response.status).toBe(202);
    const doc = { id: body.id, token: body.token };
    const end = await waitFor(doc);
    expect(end).toMatchObject({ stage: "done", pageCount: 4, pageSelection: "1,3" });
    expect(end.pages.map((p) => p.page)).toEqual([1, 3]);
    expect((await worker.fetch(`http://vessel.test/api/documents/${doc.id}/pages/2`, { headers: { authorization: `Bearer ${doc.token}` } })).status).toBe(404);
  });

  it("reads an open range to the end", async () => {
    const { body } = await uploadWithPages("3-", await textPdf(4, [412, 512]));
    const end = await waitFor({ id: body.id, token: body.token });
    expect(end.pages.map((p) => p.page)).toEqual([3, 4]);
  });

  it("fails the document, naming them, when asked pages are not there", async () => {
    const { body } = await uploadWithPages("2,5-6", await textPdf(4, [413, 513]));
    const end = await waitFor({ id: body.id, token: body.token });
    expect(end.stage).toBe("failed");
    expect(end.error).toBe("pages 5-6 are not in this 4-page document");
  });

  it.each(["abc", "3-1", "0", "1;2", "1-2-3"])("answers 400 for pages=%s, before storing anything", async (pages) => {
    const { response, body } = await uploadWithPages(pages, await textPdf(1));
    expect(response.status).toBe(400);
    expect(body.error.message).toMatch(/^invalid pages: /);
  });
});

describe("a page whose rendering keeps dying", () => {
  it("is failed with the reason after two tries, not retried forever", async () => {
    const doc = await uploadPdf(await textPdf(2, [414, 514]));
    await waitFor(doc);
    // Make page 2 look like its rendering was cut off twice (the isolate died mid-render).
    const stub = env.Document.getByName(doc.id);
    await runInDurableObject(stub, async (_instance: Document, state) => {
      state.storage.sql.exec("UPDATE document SET stage = 'ocr'");
      state.storage.sql.exec("UPDATE pages SET status = 'rendering', render_tries = 2 WHERE page = 2");
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const end = await waitFor(doc);
    expect(end.stage).toBe("partial");
    expect((await pageDetail(doc, 2)).error).toBe("page 2: rendering did not finish in 2 tries (too large or malformed?)");
  });
});

describe("born-digital pages", () => {
  it("are read from their own text layer, with positions, without GPU time", async () => {
    const response = await upload(await textPdf(2, [421, 521]), { "content-type": "application/pdf" }, "?text_layer=auto");
    const body = await response.json<any>();
    const doc = { id: body.id, token: body.token };
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.textLayer).toBe("auto");
    expect(end.pages.map((p) => p.path)).toEqual(["text-layer", "text-layer"]);
    const page = await pageDetail(doc, 2);
    // Lines 20 pt apart in 10 pt type are double-spaced: paragraphs of their own.
    expect(page.ocr.text).toBe("Vessel list page 2\n\nIMO 907470 NAME OF VESSEL 2-0\n\nIMO 907471 NAME OF VESSEL 2-1");
    // The 14 pt heading over 10 pt lines is a title, as DeepSeek-OCR would call it.
    expect(page.ocr.blocks.map((b: any) => b.label)).toEqual(["title", "text", "text"]);
    // The title sits 40 pt below the top of a 521 pt page: about 8% down the image.
    const [x1, y1, x2, y2] = page.ocr.blocks[0].boxes[0];
    expect(x1 / page.imageWidth).toBeCloseTo(20 / 421, 1);
    expect(y1 / page.imageHeight).toBeGreaterThan(0.05);
    expect(y2 / page.imageHeight).toBeLessThan(0.1);
    expect(x2).toBeGreaterThan(x1);
    expect((await ocrStats()).images[page.imageSha256]).toBeUndefined();
  });

  it("groups single-spaced lines into one paragraph", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([422, 522]);
    ["Notice of listing: the vessel OCEAN PEARL", "(IMO 7910187) is placed on the IUU list", "with effect from 1 March 2025."].forEach((line, i) =>
      page.drawText(line, { x: 30, y: 480 - i * 12, size: 10, font }),
    );
    const response = await upload(await pdf.save(), { "content-type": "application/pdf" }, "?text_layer=auto");
    const body = await response.json<any>();
    const doc = { id: body.id, token: body.token };
    await waitFor(doc);
    const detail = await pageDetail(doc, 1);
    expect(detail.ocr.blocks).toHaveLength(1);
    expect(detail.ocr.text).toBe("Notice of listing: the vessel OCEAN PEARL\n(IMO 7910187) is placed on the IUU list\nwith effect from 1 March 2025.");
  });

  it("scans have no text layer and go to OCR", async () => {
    const { pdf } = await scannedPdf(211, 271);
    const response = await upload(pdf, { "content-type": "application/pdf" }, "?text_layer=auto");
    const body = await response.json<any>();
    const end = await waitFor({ id: body.id, token: body.token });
    expect(end.pages.map((p) => p.path)).toEqual(["ocr"]);
  });

  it("answers 400 for an unknown text_layer choice", async () => {
    const response = await upload(await textPdf(1), { "content-type": "application/pdf" }, "?text_layer=maybe");
    expect(response.status).toBe(400);
  });
});

describe("born-digital tables", () => {
  it("are read as tables from their own text layer, not sent to OCR", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([842, 595]);
    const rows = [["Vessel Name", "Flag", "IRCS", "IMO"], ...Array.from({ length: 8 }, (_, i) => [`OCEAN STAR ${i + 1}`, "Canada", `CFL${5490 + i}`, String(7910187 + i)])];
    rows.forEach((row, r) => row.forEach((cell, c) => page.drawText(cell, { x: 40 + c * 190, y: 540 - r * 22, size: 10, font })));
    const response = await upload(await pdf.save(), { "content-type": "application/pdf" }, "?text_layer=auto");
    const body = await response.json<any>();
    const doc = { id: body.id, token: body.token };
    const end = await waitFor(doc);
    expect(end.pages.map((p) => p.path)).toEqual(["text-layer"]);
    const table = (await pageDetail(doc, 1)).ocr.blocks.find((b: any) => b.table).table;
    expect(table.rows.map((row: any[]) => row.map((cell) => cell.text))).toEqual(rows);
  });
});
