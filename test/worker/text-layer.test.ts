import { describe, expect, it } from "vitest";
import { fetchDoc, ocrStats, pageDetail, scannedPdf, subscribe, upload, waitFor, type Doc } from "./helpers";
import { LIST_ROWS, listPdf, remappedTextPdf, scanWithInvisibleText } from "./text-layer-pdfs";

async function uploadAuto(pdf: Uint8Array): Promise<Doc> {
  const response = await upload(pdf, { "content-type": "application/pdf" }, "?text_layer=auto");
  expect(response.status).toBe(202);
  const body = await response.json<{ id: string; token: string }>();
  return { id: body.id, token: body.token };
}

async function entitiesOf(doc: Doc, query = ""): Promise<any[]> {
  const response = await fetchDoc(doc, `/entities${query}`);
  expect(response.status).toBe(200);
  return (await response.json<{ entities: any[] }>()).entities;
}

describe("a born-digital vessel list", () => {
  it("is read as a table from its text layer, without GPU time, each row one vessel", async () => {
    const doc = await uploadAuto(await listPdf());
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.pages).toMatchObject([{ path: "text-layer", pathReason: null }]);
    const page = await pageDetail(doc, 1);
    expect((await ocrStats()).images[page.imageSha256]).toBeUndefined();
    const tables = page.ocr.blocks.filter((b: any) => b.label === "table");
    expect(tables).toHaveLength(1);
    const table = tables[0].table;
    expect(table.headerRows).toBe(1);
    expect(table.rows.map((row: any[]) => row.map((cell) => cell.text))).toEqual(LIST_ROWS);
    // The title is a block of its own, above the table.
    expect(page.ocr.blocks[0]).toMatchObject({ label: "title" });
    expect(page.ocr.text.slice(page.ocr.blocks[0].start, page.ocr.blocks[0].end)).toBe("Record of authorised vessels");

    const entities = await entitiesOf(doc);
    const imo = entities.filter((e) => e.label === "IMO_NUMBER");
    expect(imo.map((e) => e.value)).toEqual(LIST_ROWS.slice(1).map((row) => row[3]));
    // The entities of one row share its record: one vessel.
    const record = entities.filter((e) => e.record === imo[0].record).map((e) => [e.label, e.value]);
    expect(record).toEqual([
      ["VESSEL_NAME", "OCEAN PEARL"],
      ["FLAG_STATE", "CAN"],
      ["IRCS_CALL_SIGN", "CFL5494"],
      ["IMO_NUMBER", "7910187"],
      ["OWNER_NAME", "Atlantic Trawlers Ltd"],
    ]);
    for (const e of entities) expect(page.ocr.text.slice(e.start, e.end)).toBe(e.text);
  });

  it("reads the pages after the first by the first page's header, and says so live", async () => {
    const doc = await uploadAuto(await listPdf({ pages: 3 }));
    const live = await subscribe(doc);
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    const detail = await pageDetail(doc, 2);
    expect(detail.ocr.blocks.find((b: any) => b.table).table.headerRows).toBe(0);
    for (const page of [1, 2, 3]) {
      const names = (await entitiesOf(doc, `?page=${page}&label=VESSEL_NAME`)).map((e) => e.value);
      expect(names.sort()).toEqual(LIST_ROWS.slice(1).map((row) => row[0]).sort());
      expect(await entitiesOf(doc, `?page=${page}&label=IRCS_CALL_SIGN`)).toHaveLength(5);
    }
    // Every page's last word on its entities reached the subscriber, in order: live, or (for a
    // page whose last word came before the socket opened) in the snapshot it opened with.
    await live.next("document", (m) => m.stage === "done");
    const [opened] = live.of("snapshot");
    const lastOfPage = (n: number) => live.of("page").filter((m) => m.page.page === n && m.entities).pop();
    for (const page of [2, 3]) {
      const stored = await entitiesOf(doc, `?page=${page}`);
      const last = lastOfPage(page);
      if (last) expect(last.entities!.filter((e) => e.label === "VESSEL_NAME")).toHaveLength(5);
      expect(last?.entities?.length ?? opened.document.pages.find((p) => p.page === page)?.entities).toBe(stored.length);
    }
    const seqs = live.messages.flatMap((m) => ("seq" in m ? [m.seq] : []));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe("a text layer that cannot be trusted goes to OCR, and the page says why", () => {
  it.each([
    ["characters mapped into the private use area", () => remappedTextPdf((code) => 0xe000 + code), /have no Unicode mapping/],
    ["a font whose map turns letters into other letters", () => remappedTextPdf((code) => (code === 32 ? 32 : "BCDFGHJKLMNPQRSTVWXZ".charCodeAt(code % 20))), /does not read as text/],
    ["invisible OCR text that is not where the scan has ink", () => scanWithInvisibleText(false), /invisible text does not match the scanned image/],
  ] as Array<[string, () => Uint8Array | Promise<Uint8Array>, RegExp]>)("%s", async (_name, build, reason) => {
    const doc = await uploadAuto(await build());
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.pages[0].path).toBe("ocr");
    expect(end.pages[0].pathReason).toMatch(reason);
    expect((await pageDetail(doc, 1)).pathReason).toMatch(reason);
  });

  it("a scan says it has no text layer", async () => {
    const { pdf } = await scannedPdf(213, 273);
    const end = await waitFor(await uploadAuto(pdf));
    expect(end.pages).toMatchObject([{ path: "ocr", pathReason: "no text layer" }]);
  });

  it("invisible OCR text that sits on the scan's ink is read, as a born-digital page is", async () => {
    const doc = await uploadAuto(await scanWithInvisibleText(true));
    const end = await waitFor(doc);
    expect(end.pages).toMatchObject([{ path: "text-layer", pathReason: null }]);
    const entities = await entitiesOf(doc);
    expect(entities.find((e) => e.label === "IMO_NUMBER")?.value).toBe("7910187");
  });

  it("with text_layer=off every page goes to OCR and no reason is given", async () => {
    const response = await upload(await listPdf(), { "content-type": "application/pdf" }, "?text_layer=off");
    const body = await response.json<{ id: string; token: string }>();
    const end = await waitFor({ id: body.id, token: body.token });
    expect(end.pages).toMatchObject([{ path: "ocr", pathReason: null }]);
  });
});
