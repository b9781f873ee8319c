/**
 * Vessel lists through the whole system as `npm start` runs it (wrangler dev, the local tesseract
 * engine, the local warehouse and Argilla): a born-digital list is read from its text layer, a
 * scanned copy of it by the local engine, and both come back as table blocks whose rows are
 * vessels.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalSystem, type LocalSystem } from "../../dev/local-system.ts";
import { scanPdf } from "../../dev/scanner.ts";
import { LIST_ROWS, listPdf } from "../worker/text-layer-pdfs.ts";

let system: LocalSystem;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "lists-e2e-"));
  system = await startLocalSystem({ port: 0, stateDir, ocrEngine: "tesseract", stdio: "ignore" });
}, 180_000);

afterAll(async () => {
  await system?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function run(pdf: Uint8Array): Promise<{ snapshot: any; page: any; entities: any[] }> {
  const upload = await fetch(`${system.base}/api/documents?filename=list.pdf`, { method: "POST", body: Buffer.from(pdf), headers: { "content-type": "application/pdf" } });
  expect(upload.status).toBe(202);
  const { id, token } = (await upload.json()) as { id: string; token: string };
  const get = async (path: string) => (await fetch(`${system.base}/api/documents/${id}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  let snapshot = await get("");
  for (const started = Date.now(); !["done", "partial", "failed"].includes(snapshot.stage); snapshot = await get("")) {
    if (Date.now() - started > 90_000) throw new Error(`not finished: ${JSON.stringify(snapshot)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { snapshot, page: await get("/pages/1"), entities: (await get("/entities")).entities };
}

const imoNumbers = LIST_ROWS.slice(1).map((row) => row[3]);

describe("a vessel list through the whole system", () => {
  it("born-digital: a table from the text layer, each row one vessel", async () => {
    const { snapshot, page, entities } = await run(await listPdf());
    expect(snapshot.stage).toBe("done");
    expect(snapshot.pages[0]).toMatchObject({ path: "text-layer", pathReason: null });
    const table = page.ocr.blocks.find((b: any) => b.label === "table").table;
    expect(table.rows.map((row: any[]) => row.map((cell) => cell.text))).toEqual(LIST_ROWS);
    const imo = entities.filter((e) => e.label === "IMO_NUMBER");
    expect(imo.map((e) => e.value)).toEqual(imoNumbers);
    expect(new Set(imo.map((e) => e.record)).size).toBe(imoNumbers.length);
  }, 120_000);

  it("scanned: the local engine reads the table, its rows become vessels, misreads are not facts", async () => {
    const scan = await scanPdf(await listPdf(), { dpi: 300, skew: 0.6, blur: 0, noise: 4, quality: 88, seed: 13 });
    const { snapshot, page, entities } = await run(scan);
    expect(snapshot.stage).toBe("done");
    expect(snapshot.pages[0]).toMatchObject({ path: "ocr", pathReason: "no text layer", image: "jpeg" });
    const table = page.ocr.blocks.find((b: any) => b.label === "table")?.table;
    expect(table.headerRows).toBe(1);
    expect(table.rows).toHaveLength(LIST_ROWS.length);
    const facts = entities.filter((e) => e.label === "IMO_NUMBER" && !e.flags.includes("imo_check_digit_failed"));
    // Every IMO number passed on is one of the list's, and nearly all of them are found.
    for (const e of facts) expect(imoNumbers).toContain(e.value);
    expect(facts.length).toBeGreaterThanOrEqual(4);
    const names = entities.filter((e) => e.label === "VESSEL_NAME").map((e) => e.value);
    expect(names.filter((name) => LIST_ROWS.some((row) => row[0] === name)).length).toBeGreaterThanOrEqual(3);
    const row = entities.filter((e) => e.record === facts[0].record).map((e) => e.label);
    expect(row).toEqual(expect.arrayContaining(["VESSEL_NAME", "FLAG_STATE", "IMO_NUMBER"]));
  }, 120_000);
});
