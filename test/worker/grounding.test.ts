import { describe, expect, it } from "vitest";
import { parseGrounded, rawIndex } from "../../src/ocr/grounding";
import { checkInvariants, expectExactOffsets } from "./grounding-invariants";

const page = { width: 1998, height: 2997 };

const sample =
  "<|ref|>title<|/ref|><|det|>[[100, 50, 899, 90]]<|/det|>\n# IOTC Record of Authorised Vessels\n\n" +
  "<|ref|>table<|/ref|><|det|>[[50, 120, 950, 700], [50, 710, 950, 800]]<|/det|>\n" +
  "<table><tr><td>Vessel Name</td><td>IRCS</td><td>IMO</td></tr>\n" +
  "<tr><td>OCEAN &amp; PEARL</td><td>CFL5494</td><td>7910187</td></tr>\n" +
  '<tr><td colspan="2">CHANG TAI\n801</td><td>8774891</td></tr></table>\n\n' +
  "<|ref|>text<|/ref|><|det|>[[100, 820, 900, 860]]<|/det|>\nFlag: Panama &#x1F41F; ok<br>next line";

describe("the grounding parser", () => {
  it("turns blocks into labels, pixel boxes and clean text", () => {
    const parsed = parseGrounded(sample, page);
    expect(parsed.blocks.map((b) => b.label)).toEqual(["title", "table", "text"]);
    expect(parsed.blocks[0].boxes).toEqual([[200, 150, 1798, 270]]);
    expect(parsed.blocks[1].boxes).toHaveLength(2);
    expect(parsed.text).toBe(
      "# IOTC Record of Authorised Vessels\n\n" +
        "Vessel Name\tIRCS\tIMO\nOCEAN & PEARL\tCFL5494\t7910187\nCHANG TAI 801\t8774891\n\n" +
        "Flag: Panama 🐟 ok\nnext line",
    );
    for (const block of parsed.blocks) expect(parsed.text.slice(block.start, block.end)).not.toMatch(/^\s|\s$/);
    expectExactOffsets(sample, parsed);
  });

  it("parses tables into rows and cells and recognises the header row", () => {
    const table = parseGrounded(sample, page).blocks[1].table!;
    expect(table.hasHeader).toBe(true);
    expect(table.rows.map((row) => row.map((cell) => cell.text))).toEqual([
      ["Vessel Name", "IRCS", "IMO"],
      ["OCEAN & PEARL", "CFL5494", "7910187"],
      ["CHANG TAI 801", "8774891"],
    ]);
    expect(table.rows[0].every((cell) => cell.header)).toBe(true);
    expect(table.rows[2][0].colspan).toBe(2);
    const parsed = parseGrounded(sample, page);
    for (const row of table.rows) for (const cell of row) expect(parsed.text.slice(cell.start, cell.end)).toBe(cell.text);
    // A cell's span points back at the model's own characters.
    const imo = table.rows[1][2];
    expect(sample.slice(rawIndex(parsed.offsets, imo.start), rawIndex(parsed.offsets, imo.end - 1) + 1)).toBe("7910187");
  });

  it("does not call a first row of data a header", () => {
    const raw = "<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table><tr><td>9074729</td><td>ABC</td></tr><tr><td>9281310</td><td>EADN</td></tr></table>";
    expect(parseGrounded(raw, page).blocks[0].table!.hasHeader).toBe(false);
    const th = "<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table><tr><th>A</th></tr><tr><td>1</td></tr></table>";
    expect(parseGrounded(th, page).blocks[0].table!.hasHeader).toBe(true);
  });

  it("keeps output without grounding as one text block", () => {
    const parsed = parseGrounded("Just some text\nwith two lines", page);
    expect(parsed.blocks).toEqual([{ label: "text", boxes: [], start: 0, end: 29 }]);
    expect(parsed.text).toBe("Just some text\nwith two lines");
  });

  it("degrades to text on truncated, malformed and nested output, never throwing", () => {
    const cases = [
      sample.slice(0, sample.indexOf("CFL5494") + 3), // cut inside a table cell
      "<|ref|>text<|/ref|><|det|>[[1, 2, 3", // box list never closed
      "<|ref|>text", // label never closed
      "<|ref|>text<|/ref|><|det|>[[1,2,3,4]]<|/det|>\nouter <|ref|>inner<|/ref|><|det|>[[5,6,7,8]]<|/det|>\nnested",
      "<table><tr><td>unclosed <b>bold</td></tr>",
      "a < b and c > d & e &bogus; &#99999999;",
    ];
    for (const raw of cases) {
      const parsed = parseGrounded(raw, page);
      expectExactOffsets(raw, parsed);
    }
    expect(parseGrounded(cases[0], page).blocks[1].table!.rows[1].map((c) => c.text)).toEqual(["OCEAN & PEARL", "CFL"]);
    expect(parseGrounded(cases[3], page).blocks.map((b) => b.label)).toEqual(["text", "inner"]);
    expect(parseGrounded(cases[5], page).text).toBe("a < b and c > d & e &bogus; &#99999999;");
  });

  it.each([
    ["two rectangles in one det", "<|ref|>text<|/ref|><|det|>[[10, 10, 490, 990], [510, 10, 990, 400]]<|/det|>\nA paragraph that goes on in the next column."],
    ["coordinates of 1000 and above, negative, inverted, zero-width", "<|ref|>text<|/ref|><|det|>[[-20, 1000, 1400, 1200], [800, 600, 200, 100], [300, 300, 300, 320]]<|/det|>\nEdge"],
    ["LaTeX where the coordinates should be", "<|ref|>equation<|/ref|><|det|>\\frac{a}{b}<|/det|>\nx = 1"],
    ["a det never closed, then text", "<|ref|>text<|/ref|><|det|>[[1, 2, 300, 40]]\nVessel OCEAN STAR"],
    ["a label never closed", "<|ref|>text<|det|>[[1, 2, 3, 4]]<|/det|>\nFlag Panama"],
    ["an invented label", "<|ref|>vessel_row<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\nSEIN 11"],
    ["a paragraph before the first tag", "continued from the last page.\n\n<|ref|>title<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\n# IUU list"],
    ["OTSL tokens", "<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<otsl><ched>Vessel<ched>IMO<nl><fcel>OCEAN STAR<fcel>9074729<nl><fcel>SEIN<lcel><nl></otsl>"],
    ["<br> in cells, rowspan and colspan", '<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<table><tr><td rowspan="2">A<br>B</td><td colspan="2">C</td></tr><tr><td>D</td><td>E</td></tr></table>'],
    ["a caption before its table, in <center>", "<|ref|>table_caption<|/ref|><|det|>[[0, 0, 999, 80]]<|/det|>\n<center>Table 1: Vessels</center>\n\n<|ref|>table<|/ref|><|det|>[[0, 90, 999, 999]]<|/det|>\n<table><tr><td>X</td></tr></table>"],
    ["the end token's text", "<|ref|>text<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\nLast line<｜end▁of▁sentence｜>"],
    ["CR line endings", "<|ref|>title<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\r\n# Title\r\n\r\n<|ref|>text<|/ref|><|det|>[[1, 5, 3, 9]]<|/det|>\r\nBody\r\nmore"],
    ["empty output", ""],
    ["an unclosed cell tag with attributes", '<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<table><tr><td colspan="2"CHANG TAI</td><td>801</td></tr></table>'],
  ])("reads %s with every invariant", (_shape, raw) => {
    checkInvariants(raw, parseGrounded(raw, page), page);
  });

  it("reads each shape as the model meant it", () => {
    const parse = (raw: string) => parseGrounded(raw, page);
    expect(parse("<|ref|>text<|/ref|><|det|>[[10, 10, 490, 990], [510, 10, 990, 400]]<|/det|>\nA").blocks[0].boxes).toHaveLength(2);
    expect(parse("<|ref|>text<|/ref|><|det|>[[-20, 1000, 1400, 1200], [800, 600, 200, 100]]<|/det|>\nE").blocks[0].boxes).toEqual([
      [0, 2997, 1998, 2997],
      [400, 300, 1600, 1800],
    ]);
    expect(parse("<|ref|>text<|/ref|><|det|>[[1, 2, 300, 40]]\nVessel OCEAN STAR").text).toBe("Vessel OCEAN STAR");
    expect(parse("<|ref|>vessel_row<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\nSEIN 11").blocks[0].label).toBe("vessel_row");
    const otsl = parse("<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<otsl><ched>Vessel<ched>IMO<nl><fcel>OCEAN STAR<fcel>9074729<nl><fcel>SEIN<lcel><nl></otsl>").blocks[0].table!;
    expect(otsl.rows.map((row) => row.map((c) => c.text))).toEqual([["Vessel", "IMO"], ["OCEAN STAR", "9074729"], ["SEIN"]]);
    expect([otsl.hasHeader, otsl.rows[2][0].colspan]).toEqual([true, 2]);
    expect(parse('<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<table><tr><td rowspan="2">A<br>B</td><td>C</td></tr></table>').blocks[0].table!.rows[0][0]).toMatchObject({ text: "A B", rowspan: 2 });
    expect(parse("<|ref|>text<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\nLast line<｜end▁of▁sentence｜>").text).toBe("Last line");
    expect(parse("<|ref|>title<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\r\n# Title\r\n\r\n<|ref|>text<|/ref|><|det|>[[1, 5, 3, 9]]<|/det|>\r\nBody\r\nmore").text).toBe("# Title\n\nBody\nmore");
    expect(parse("")).toEqual({ text: "", blocks: [], offsets: [] });
    expect(parse('<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<table><tr><td colspan="2"CHANG TAI</td><td>801</td></tr></table>').blocks[0].table!.rows[0].map((c) => [c.text, c.colspan])).toEqual([
      ["CHANG TAI", 2],
      ["801", 1],
    ]);
  });

  it("gives an empty table block the HTML its caption holds, and keeps the caption's words the caption's", () => {
    const raw =
      "<|ref|>table<|/ref|><|det|>[[50, 300, 950, 700]]<|/det|>\n\n\n<|ref|>table_caption<|/ref|><|det|>[[50, 250, 950, 290]]<|/det|>\n" +
      "Table 2: Vessels sighted<table><tr><td>Name</td><td>Flag</td></tr><tr><td>SEIN 11</td><td>Fiji</td></tr></table>\n\n" +
      "<|ref|>image<|/ref|><|det|>[[10, 710, 990, 990]]<|/det|>\n ";
    const parsed = parseGrounded(raw, page);
    checkInvariants(raw, parsed, page);
    const [caption, table, image] = parsed.blocks;
    expect([caption.label, parsed.text.slice(caption.start, caption.end)]).toEqual(["table_caption", "Table 2: Vessels sighted"]);
    expect(table.label).toBe("table");
    expect(table.boxes).toEqual([[100, 900, 1900, 2100]]);
    expect(table.table!.rows.map((row) => row.map((c) => c.text))).toEqual([["Name", "Flag"], ["SEIN 11", "Fiji"]]);
    // An image block has no text: its span is empty, where it stands, never inverted.
    expect([image.label, image.start, image.end]).toEqual(["image", parsed.text.length, parsed.text.length]);
  });

  it("keeps both tables of a block when the first is never closed", () => {
    const raw = "<|ref|>table<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n<table><tr><td>A</td><td>1\n<table><tr><td>B</td><td>2</td></tr></table>";
    const parsed = parseGrounded(raw, page);
    checkInvariants(raw, parsed, page);
    expect(parsed.blocks.map((b) => b.table!.rows.map((row) => row.map((c) => c.text)))).toEqual([[["A", "1"]], [["B", "2"]]]);
  });

  it("keeps every line of line-level grounding (`<|grounding|>OCR this image.`), where the text is the label", () => {
    const raw = "<|ref|>AUTHORISED VESSEL LIST<|/ref|><|det|>[[100, 50, 900, 90]]<|/det|>\n<|ref|>Name: OCEAN STAR<|/ref|><|det|>[[100, 100, 500, 130]]<|/det|>\n<|ref|>IMO 9074729<|/ref|><|det|>[[100, 140, 400, 170]]<|/det|>";
    const parsed = parseGrounded(raw, page);
    checkInvariants(raw, parsed, page);
    expect(parsed.text).toBe("AUTHORISED VESSEL LIST\n\nName: OCEAN STAR\n\nIMO 9074729");
    expect(parsed.blocks.map((b) => [b.label, b.boxes.length])).toEqual([
      ["text", 1],
      ["text", 1],
      ["text", 1],
    ]);
  });

  it("survives every prefix and bit of damage to real output (seeded)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 300; n++) {
      const chars = [...sample.slice(0, Math.floor(random() * sample.length))];
      for (let k = 0; k < 3; k++) chars[Math.floor(random() * chars.length)] = "<>&|/[]\n"[Math.floor(random() * 8)];
      const raw = chars.join("");
      expectExactOffsets(raw, parseGrounded(raw, page));
    }
  });
});
