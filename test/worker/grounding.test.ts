import { describe, expect, it } from "vitest";
import { parseGrounded, rawIndex, type ParsedPage } from "../../src/ocr/grounding";

const page = { width: 1998, height: 2997 };

/** Every clean character copied from the output is the character at its mapped raw index. */
function expectExactOffsets(raw: string, parsed: ParsedPage): void {
  for (const [clean, from, length, step] of parsed.offsets) {
    for (let k = 0; k < length; k++) {
      const at = rawIndex(parsed.offsets, clean + k);
      expect(at).toBe(from + step * k);
      if (step === 1) expect(raw[at]).toBe(parsed.text[clean + k]);
      else expect(["<", "&", "\n", "\r"].includes(raw[at]) || at === 0).toBe(true);
    }
  }
  const covered = parsed.offsets.reduce((n, run) => n + run[2], 0);
  expect(covered).toBe(parsed.text.length);
}

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
