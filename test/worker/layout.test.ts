import { describe, expect, it } from "vitest";
import type { Word } from "../../src/layout/geometry";
import { groundedMarkdown } from "../../src/layout/grounded";
import { layoutPage, type LayoutBlock } from "../../src/layout/page";
import type { LayoutTable } from "../../src/layout/table";
import { parseGrounded } from "../../src/ocr/grounding";
import continuation from "../fixtures/layout/continuation-page-without-header.json";
import emptyCells from "../fixtures/layout/empty-cells-row-numbers.json";
import landscape from "../fixtures/layout/landscape.json";
import mergedHeader from "../fixtures/layout/merged-header.json";
import repeatedHeader from "../fixtures/layout/repeated-header-page-2.json";
import ruled from "../fixtures/layout/ruled.json";
import titleAndNotes from "../fixtures/layout/title-and-notes.json";
import twoLineHeader from "../fixtures/layout/two-line-header.json";
import twoTables from "../fixtures/layout/two-tables.json";
import wrappedMiddle from "../fixtures/layout/wrapped-middle.json";
import wrappedTop from "../fixtures/layout/wrapped-top.json";
import zebra from "../fixtures/layout/zebra.json";

interface Fixture {
  source: string;
  page: { width: number; height: number };
  words: Array<[string, number, number, number, number]>;
  rulings: Array<[number, number, number, number]>;
  tables: Array<{ header: string[]; rows: string[][] }>;
}

const wordsOf = (f: Fixture): Word[] => f.words.map(([text, x0, y0, x1, y1]) => ({ text, x0, y0, x1, y1 }));
const rulingsOf = (f: Fixture) => f.rulings.map(([x0, y0, x1, y1]) => ({ x0, y0, x1, y1 }));
const layout = (f: Fixture, words = wordsOf(f), angle = 0) => layoutPage({ words, rulings: angle ? [] : rulingsOf(f), angle });
const tablesOf = (blocks: LayoutBlock[]): LayoutTable[] => blocks.flatMap((b) => (b.kind === "table" ? [b.table] : []));
const bodyRows = (table: LayoutTable) => table.rows.slice(table.headerRows).map((row) => row.map((cell) => cell.text));
const headerText = (table: LayoutTable) => table.rows[table.headerRows - 1]?.map((cell) => cell.text) ?? [];


describe("the layout module, on word sets cut from real PDFs", () => {
  it.each([
    ["a header over two and three lines", twoLineHeader],
    ["cells wrapped over lines, centred in their rows", wrappedMiddle],
    ["cells wrapped over lines, from the top of their rows", wrappedTop],
    ["ruling lines around every cell", ruled],
    ["shaded stripes for rows", zebra],
    ["a title above and notes below", titleAndNotes],
    ["a landscape page", landscape],
  ] as unknown as Array<[string, Fixture]>)("reads %s as one table, every cell in its row and column", (_name, fixture) => {
    const [table, ...others] = tablesOf(layout(fixture));
    expect(others).toHaveLength(0);
    expect(bodyRows(table)).toEqual(fixture.tables[0].rows);
    expect(headerText(table)).toEqual(fixture.tables[0].header);
  });

  it("finds the header of a ruled table whose first rule is under the first row, though OCR misread a header word as data", () => {
    // Tesseract read "IOTC" as "107TC" in a header centred over three lines; the band above the
    // first rule holds the header and the first row.
    const fixture = wrappedMiddle as unknown as Fixture;
    const misread = wordsOf(fixture).map((w) => (w.text === "Name" && w.x0 < 100 ? { ...w, text: "107TC" } : w));
    const [table] = tablesOf(layout(fixture, misread));
    expect(headerText(table)).toEqual(fixture.tables[0].header.map((h) => (h === "Name" ? "107TC" : h)));
    expect(bodyRows(table)).toEqual(fixture.tables[0].rows);
  });

  it("keeps empty cells empty, and numbers right-aligned and row numbers in columns of their own", () => {
    const fixture = emptyCells as unknown as Fixture;
    const [table] = tablesOf(layout(fixture));
    const rows = bodyRows(table);
    expect(rows).toEqual(fixture.tables[0].rows);
    expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => String(i + 1)));
    expect(rows.some((r) => r.includes(""))).toBe(true);
  });

  it("reads a header cell over several columns as a group with its own row", () => {
    const fixture = mergedHeader as unknown as Fixture;
    const [table] = tablesOf(layout(fixture));
    expect(table.headerRows).toBe(2);
    const group = table.rows[0].find((cell) => cell.text === "Identifiers");
    expect(group?.colspan).toBe(2);
    expect(bodyRows(table)).toEqual(fixture.tables[0].rows);
  });

  it("reads two tables on one page as two tables, each with its header", () => {
    const fixture = twoTables as unknown as Fixture;
    const tables = tablesOf(layout(fixture));
    expect(tables).toHaveLength(2);
    tables.forEach((table, i) => {
      expect(bodyRows(table)).toEqual(fixture.tables[i].rows);
      expect(headerText(table)).toEqual(fixture.tables[i].header);
    });
  });

  it("reads a page whose table repeats the header as a table with that header", () => {
    const fixture = repeatedHeader as unknown as Fixture;
    const [table] = tablesOf(layout(fixture));
    expect(headerText(table)).toEqual(fixture.tables[0].header);
    expect(bodyRows(table)).toEqual(fixture.tables[0].rows);
  });

  it("reads a page that continues a table without its header as rows only", () => {
    const fixture = continuation as unknown as Fixture;
    const [table] = tablesOf(layout(fixture));
    expect(table.headerRows).toBe(0);
    expect(bodyRows(table)).toEqual(fixture.tables[0].rows);
  });

  it("reads a page turned by a small angle (a skewed scan) the same, given the angle", () => {
    const fixture = wrappedTop as unknown as Fixture;
    const angle = (1.5 * Math.PI) / 180;
    const turned = wordsOf(fixture).map((w) => {
      const [cx, cy] = [(w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2];
      const [x, y] = [cx * Math.cos(angle) - cy * Math.sin(angle), cx * Math.sin(angle) + cy * Math.cos(angle)];
      return { text: w.text, x0: x - (w.x1 - w.x0) / 2, x1: x + (w.x1 - w.x0) / 2, y0: y - (w.y1 - w.y0) / 2, y1: y + (w.y1 - w.y0) / 2 };
    });
    const [skewed] = tablesOf(layout(fixture, turned, 0));
    expect(skewed === undefined || JSON.stringify(bodyRows(skewed)) !== JSON.stringify(fixture.tables[0].rows)).toBe(true);
    const [table] = tablesOf(layout(fixture, turned, angle));
    expect(bodyRows(table)).toEqual(fixture.tables[0].rows);
  });

  it("writes DeepSeek-OCR's grounded format, which the OCR parser reads back into the same table", () => {
    const fixture = twoLineHeader as unknown as Fixture;
    const blocks = layout(fixture);
    const markdown = groundedMarkdown(blocks, { imageWidth: fixture.page.width, imageHeight: fixture.page.height });
    const parsed = parseGrounded(markdown, { width: 1000, height: 1000 });
    const table = parsed.blocks.find((b) => b.table)!;
    expect(table.label).toBe("table");
    expect(table.table!.headerRows).toBe(1);
    expect(table.table!.rows.slice(1).map((r) => r.map((c) => c.text))).toEqual(fixture.tables[0].rows);
    for (const row of table.table!.rows) for (const cell of row) expect(parsed.text.slice(cell.start, cell.end)).toBe(cell.text);
    for (const block of parsed.blocks) for (const [x1, y1, x2, y2] of block.boxes) expect(0 <= x1 && x1 <= x2 && x2 <= 1000 && 0 <= y1 && y1 <= y2 && y2 <= 1000).toBe(true);
  });
});
