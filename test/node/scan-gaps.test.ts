import type Tesseract from "tesseract.js";
import { describe, expect, it } from "vitest";
import type { GrayImage } from "../../dev/image.ts";
import { cropPgm, inkMask, missedText, withReread } from "../../dev/scan-gaps.ts";
import type { Rect } from "../../src/layout/geometry.ts";

const CAP = 24;

/** White paper with a "word" of `letters` glyph-sized dark bars at (x, y), y the top of its capitals. */
function page(words: Array<{ x: number; y: number; letters: number }>, specks: Array<[number, number]> = []): GrayImage {
  const width = 1200;
  const height = 400;
  const pixels = new Uint8Array(width * height).fill(245);
  const dark = (x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y++) pixels.fill(20, y * width + x0, y * width + x0 + w);
  };
  for (const { x, y, letters } of words) for (let i = 0; i < letters; i++) dark(x + i * 20, y, 14, CAP);
  for (const [x, y] of specks) dark(x, y, 3, 3);
  return { width, height, pixels };
}

const word = (text: string, x0: number, x1: number, confidence = 90, y0 = 100, y1 = 100 + CAP): Tesseract.Word =>
  ({ text, confidence, bbox: { x0, y0, x1, y1 } }) as Tesseract.Word;

const blocksOf = (...words: Tesseract.Word[]): Tesseract.Block[] =>
  [{ paragraphs: [{ lines: [{ words, bbox: { x0: 0, y0: 100, x1: 1, y1: 100 + CAP }, baseline: { x0: 0, y0: 100 + CAP, x1: 1, y1: 100 + CAP } }] }] }] as unknown as Tesseract.Block[];

const contains = (outer: Rect, inner: Rect) => outer.x0 <= inner.x0 && outer.y0 <= inner.y0 && outer.x1 >= inner.x1 && outer.y1 >= inner.y1;

describe("ink the page pass left unread (dev/scan-gaps.ts)", () => {
  it("finds a word no read word covers, whole and padded, and nothing where the read words are", () => {
    const image = page([
      { x: 100, y: 100, letters: 6 },
      { x: 500, y: 100, letters: 5 },
    ]);
    const places = missedText(inkMask(image), [{ x0: 100, y0: 100, x1: 214, y1: 124 }], CAP);
    expect(places).toHaveLength(1);
    expect(contains(places[0], { x0: 500, y0: 100, x1: 594, y1: 124 })).toBe(true);
    expect(places[0].x0).toBeGreaterThan(214);
    // The crop is a PGM of that place, ink and all.
    const pgm = cropPgm(image, places[0]);
    const [magic, w, h] = new TextDecoder().decode(pgm.subarray(0, 20)).split(/\s+/);
    expect([magic, Number(w), Number(h)]).toEqual(["P5", Math.ceil(places[0].x1) - Math.floor(places[0].x0), Math.ceil(places[0].y1) - Math.floor(places[0].y0)]);
    expect(pgm.subarray(pgm.length - Number(w) * Number(h)).some((v) => v < 128)).toBe(true);
  });

  it("keeps the whole of a word whose first letters were read: the place reaches back over them", () => {
    const image = page([{ x: 100, y: 100, letters: 8 }]);
    // The page pass read the first two letters ("Lo") and the last four ("line"), not the middle.
    const places = missedText(inkMask(image), [{ x0: 100, y0: 100, x1: 134, y1: 124 }, { x0: 180, y0: 100, x1: 254, y1: 124 }], CAP);
    expect(places).toHaveLength(1);
    expect(contains(places[0], { x0: 100, y0: 100, x1: 254, y1: 124 })).toBe(true);
  });

  it("leaves specks and page-wide pictures alone", () => {
    const image = page([], [[300, 50], [700, 300], [701, 304]]);
    for (let y = 200; y < 390; y++) image.pixels.fill(30, y * image.width + 50, y * image.width + 1100);
    expect(missedText(inkMask(image), [], CAP)).toEqual([]);
  });
});

describe("words read again, merged into the page's (dev/scan-gaps.ts)", () => {
  it("a longer read replaces the pieces the page pass read of the same word", () => {
    const merged = withReread(blocksOf(word("Lo", 100, 134), word("line", 180, 254), word("473.00", 400, 480)), [
      { at: { x0: 88, y0: 88, x1: 266, y1: 136 }, blocks: blocksOf(word("Longline", 12, 166, 91, 12, 12 + CAP)) },
    ]);
    const words = merged.flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
    expect(words.map((w) => w.text).sort()).toEqual(["473.00", "Longline"]);
    // Moved from the crop onto the page.
    expect(words.find((w) => w.text === "Longline")!.bbox).toEqual({ x0: 100, y0: 100, x1: 254, y1: 124 });
  });

  it("a read no longer than what the page pass read, or one it is not sure of, changes nothing", () => {
    const merged = withReread(blocksOf(word("T3FW", 100, 190)), [
      { at: { x0: 80, y0: 80, x1: 220, y1: 140 }, blocks: blocksOf(word("T3IFW", 20, 112, 90, 20, 20 + CAP)) },
      { at: { x0: 600, y0: 80, x1: 700, y1: 140 }, blocks: blocksOf(word("~~", 10, 60, 12, 20, 20 + CAP)) },
      { at: { x0: 800, y0: 80, x1: 1000, y1: 140 }, blocks: blocksOf(word("529034000", 10, 150, 95, 20, 20 + CAP)) },
    ]);
    const words = merged.flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
    expect(words.map((w) => w.text)).toEqual(["T3FW", "529034000"]);
  });
});
