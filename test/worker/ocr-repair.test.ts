import { describe, expect, it } from "vitest";
import { readEntities } from "../../src/entities/extract";
import { unmisreadName } from "../../src/entities/name-repair";
import { capitalReadings, fitToFlag, lastGlyph, likeItsPeers, unmisread } from "../../src/entities/ocr-repair";
import { parseGrounded } from "../../src/ocr/grounding";

// Misreads seen from the local engine on scanned RFMO lists, with the call signs the lists print.
describe("call signs misread by OCR", () => {
  it.each([
    ["7)AB", "7JAB"],
    ["EAH)", "EAHJ"],
    ["4D)B-5", "4DJB-5"],
    ["CUDAS8", "CUDA8"],
    ["YEAS5056", "YEA5056"],
    ["4S5F3449", "4SF3449"],
    ["S70M", "S7OM"],
    ["D7J0", "D7JO"],
    ["8Q02140", "8QO2140"],
  ])("undoes the glyph misread in %s", (read, printed) => {
    expect(unmisread(read)).toBe(printed);
  });

  it.each(["(7)AB", "S5AB", "D8SP", "BZXD94", "4SF3061"])("leaves %s as read", (read) => {
    expect(unmisread(read)).toBe(read.trim());
  });

  it.each([
    ["45F5302", "LKA", "4SF5302"],
    ["ESU3321", "COK", "E5U3321"],
    ["TKKY", "JPN", "7KKY"],
    ["30UL", "FJI", "3DUL"],
    ["9IMTX8", "MYS", "9MTX8"],
    ["4ASF2713", "LKA", "4SF2713"],
    ["ADET2", "PHL", "4DET2"],
  ])("reads %s on a vessel of %s as its flag's series allows: %s", (read, flag, printed) => {
    expect(fitToFlag(read, flag)).toBe(printed);
  });

  it("keeps a call sign that fits its flag, and one no look-alike brings to the flag's series", () => {
    expect(fitToFlag("4SF5302", "LKA")).toBeNull();
    expect(fitToFlag("YJWL4", "VUT")).toBeNull();
    expect(fitToFlag("BZ4UP", "JPN")).toBeNull();
  });

  it("refuses to choose when two readings fit equally", () => {
    // 3D07 is 3DO7 or 3DQ7 on a Fijian vessel: both in Fiji's series.
    expect(fitToFlag("3D07", "FJI")).toBeNull();
  });
});

// Small letters and doubled glyphs from the local engine on scanned FFA lists.
describe("call signs read partly in small letters", () => {
  it.each([
    ["DUlY", ["DUIY"]],
    ["3DoP", ["3DOP"]],
    ["DSNK?2", ["DSNK2"]],
    ["BZVvZ8", ["BZVVZ8", "BZVZ8"]],
    ["BzzZ7", ["BZZZ7", "BZZ7"]],
    ["D8SP", ["D8SP"]],
  ])("reads %s in capitals as %j", (read, readings) => {
    expect(capitalReadings(read)).toEqual(readings);
  });

  it.each(["BZV4aN", "Jice", "cuiBs"])("gives up on %s, whose small letters have shapes of their own", (read) => {
    expect(capitalReadings(read)).toBeNull();
  });

  const chinese = ["BZU8E", "BZV1N", "BZW9M", "BZXD94", "BBKV8"];
  it("takes the reading as long as the column's call signs of its series", () => {
    expect(likeItsPeers(["BZVVZ8", "BZVZ8"], chinese)).toBe("BZVZ8");
    expect(likeItsPeers(["BZZZ7", "BZZ7"], chinese)).toBe("BZZZ7");
  });

  it("does not choose when the column has no call sign of the series", () => {
    expect(likeItsPeers(["BZVVZ8", "BZVZ8"], ["7JAB", "DTBE8"])).toBeNull();
  });
});

describe("a long call sign's last glyph", () => {
  it("reads a final O or I as the digit", () => {
    expect(lastGlyph("BZXD9O")).toEqual({ value: "BZXD90", doubtful: false });
    expect(lastGlyph("4SF223I")).toEqual({ value: "4SF2231", doubtful: false });
  });

  it("calls a final S doubtful: it is a 5 or an 8", () => {
    expect(lastGlyph("DTBQS")).toEqual({ value: "DTBQS", doubtful: true });
  });

  it("leaves short call signs and other endings as read", () => {
    expect(lastGlyph("7JSS")).toEqual({ value: "7JSS", doubtful: false });
    expect(lastGlyph("BZU5B")).toEqual({ value: "BZU5B", doubtful: false });
  });
});

describe("a scanned list's call-sign column", () => {
  const raw =
    "<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table>" +
    "<tr><td>Vessel Name</td><td>Flag</td><td>IRCS</td></tr>" +
    "<tr><td>HAKKO MARU NO.2</td><td>Japan</td><td>7)AB</td></tr>" +
    "<tr><td>NIMAL 3</td><td>Sri Lanka</td><td>45F5302</td></tr>" +
    "<tr><td>REFLAGGED</td><td>Panama</td><td>7JAB</td></tr>" +
    "</table>";
  const parsed = parseGrounded(raw, { width: 1000, height: 1000 });
  const callSigns = (ocr: boolean) =>
    readEntities(parsed.text, parsed.blocks, 1, { ocr })
      .entities.filter((e) => e.label === "IRCS_CALL_SIGN")
      .map((e) => [e.text, e.value, e.flags]);

  it("is mended on an OCR'd page, each mended value flagged, a true mismatch kept as one", () => {
    expect(callSigns(true)).toEqual([
      ["7)AB", "7JAB", ["ircs_ocr_repaired"]],
      ["45F5302", "4SF5302", ["ircs_ocr_repaired"]],
      ["7JAB", "7JAB", ["ircs_flag_mismatch"]],
    ]);
  });

  it("is read as written from a text layer", () => {
    expect(callSigns(false)).toEqual([
      ["45F5302", "45F5302", ["ircs_series_unknown"]],
      ["7JAB", "7JAB", ["ircs_flag_mismatch"]],
    ]);
  });

  it("is read by its other call signs: small letters, a doubled glyph, a doubtful last glyph", () => {
    const rows = [["BZU8E"], ["BZV1N"], ["BZW9M"], ["BZVvZ8"], ["BzzZ7"], ["DTBQS"], ["DUlY"], ["BZV4aN"]];
    const column =
      "<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table><tr><td>IRCS</td></tr>" + rows.map(([c]) => `<tr><td>${c}</td></tr>`).join("") + "</table>";
    const page = parseGrounded(column, { width: 1000, height: 1000 });
    const read = readEntities(page.text, page.blocks, 1, { ocr: true }).entities.filter((e) => e.flags.length).map((e) => [e.text, e.value, e.flags]);
    expect(read).toEqual([
      ["BZVvZ8", "BZVZ8", ["ircs_ocr_repaired"]],
      ["BzzZ7", "BZZZ7", ["ircs_ocr_repaired"]],
      ["DTBQS", "DTBQS", ["ircs_ocr_doubtful"]],
      ["DUlY", "DUIY", ["ircs_ocr_repaired"]],
      ["BZV4aN", "BZV4AN", ["ircs_not_upper_case"]],
    ]);
  });
});

describe("vessel names misread by OCR", () => {
  it.each([
    ["IMULAO207TLE", "IMULA0207TLE"],
    ["IMULAOO40MTR", "IMULA0040MTR"],
    ["HAI XING 7O7", "HAI XING 707"],
  ])("puts back the zero read as O in %s", (read, printed) => {
    expect(unmisreadName(read)).toBe(printed);
  });

  it.each(["KOO'S 101", "NO.618 DONG WON", "ORO 2", "JINXIANG808"])("leaves %s as read", (read) => {
    expect(unmisreadName(read)).toBeNull();
  });

  it("mends names on an OCR'd page only, flagged", () => {
    const parsed = parseGrounded("<|ref|>text<|/ref|><|det|>[[0,0,999,999]]<|/det|>\nThe fishing vessel IMULAO207TLE was detained.", { width: 1000, height: 1000 });
    const names = (ocr: boolean) => readEntities(parsed.text, parsed.blocks, 1, { ocr }).entities.filter((e) => e.label === "VESSEL_NAME").map((e) => [e.text, e.value, e.flags]);
    expect(names(true)).toEqual([["IMULAO207TLE", "IMULA0207TLE", ["name_ocr_repaired"]]]);
    expect(names(false)).toEqual([["IMULAO207TLE", "IMULAO207TLE", []]]);
  });
});

describe("call signs in an OCR'd form", () => {
  const callSigns = (line: string, ocr: boolean) => {
    const parsed = parseGrounded(`<|ref|>text<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n${line}`, { width: 1000, height: 1000 });
    return readEntities(parsed.text, parsed.blocks, 1, { ocr }).entities.filter((e) => e.label === "IRCS_CALL_SIGN").map((e) => [e.text, e.value, e.flags]);
  };

  it("are mended as a list's cells are, and a final S where a digit belongs is doubtful", () => {
    expect(callSigns("Radio call sign: 2HGDS8", true)).toEqual([["2HGDS8", "2HGD8", ["ircs_ocr_repaired"]]]);
    expect(callSigns("Radio call sign: 6KCAS", true)).toEqual([["6KCAS", "6KCAS", ["ircs_ocr_doubtful"]]]);
  });

  it("lose a form's rule read as a capital I beside them", () => {
    expect(callSigns("f I Call Sign (previous call sign, if any) I JJCT", true)).toEqual([["JJCT", "JJCT", []]]);
    expect(callSigns("I Distinctive number or letters 4SF3194 I", true)).toEqual([["4SF3194", "4SF3194", []]]);
  });

  it("are read as written from a text layer", () => {
    expect(callSigns("Radio call sign: 2HGDS8", false)).toEqual([["2HGDS8", "2HGDS8", []]]);
  });
});
