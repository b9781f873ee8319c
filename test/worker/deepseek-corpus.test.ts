/// <reference types="vite/client" />
/**
 * The parser and the loop detector on real DeepSeek-OCR output (test/fixtures/deepseek-ocr, each
 * with its source in SOURCES.json): invariants that must hold for whatever the model writes.
 */
import { describe, expect, it } from "vitest";
import { parseGrounded } from "../../src/ocr/grounding";
import { findLoop } from "../../src/ocr/loops";
import sources from "../fixtures/deepseek-ocr/SOURCES.json";
import { checkInvariants } from "./grounding-invariants";

const files = import.meta.glob("../fixtures/deepseek-ocr/*.txt", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const corpus = Object.entries(files).map(([path, raw]) => {
  const file = path.split("/").pop()!;
  const source = (sources as Array<{ file: string; loop: boolean }>).find((s) => s.file === file);
  return { file, raw, loop: source?.loop ?? false, listed: source !== undefined };
});
const image = { width: 1654, height: 2339 };

describe("real DeepSeek-OCR output", () => {
  it("is a corpus of at least 30 outputs, each with its source", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(corpus.filter((c) => !c.listed).map((c) => c.file)).toEqual([]);
  });

  it.each(corpus.map((c) => [c.file, c] as const))("%s keeps every invariant", (_file, { raw }) => {
    checkInvariants(raw, parseGrounded(raw, image), image);
  });

  it.each(corpus.map((c) => [c.file, c] as const))("%s keeps every invariant when cut off anywhere", (_file, { raw }) => {
    for (const fraction of [0.13, 0.37, 0.5, 0.71, 0.93]) {
      const cut = raw.slice(0, Math.floor(raw.length * fraction));
      checkInvariants(cut, parseGrounded(cut, image), image);
    }
  });

  it("raises no loop alarm on the clean pages, and catches every real loop", () => {
    const verdicts = corpus.map((c) => ({ file: c.file, loop: c.loop, found: findLoop(parseGrounded(c.raw, image)) }));
    expect(verdicts.filter((v) => !v.loop && v.found).map((v) => `${v.file}: ${JSON.stringify(v.found)}`)).toEqual([]);
    expect(verdicts.filter((v) => v.loop && !v.found).map((v) => v.file)).toEqual([]);
  });

  it("names what repeats in each real loop", () => {
    const shapeOf = (file: string) => findLoop(parseGrounded(corpus.find((c) => c.file === file)!.raw, image))?.shape;
    expect(shapeOf("loop-marching-line-zh-textbook.txt")).toBe("blocks");
    expect(shapeOf("loop-marching-then-stuck-box-truncated-mid-det.txt")).toBe("blocks");
    expect(shapeOf("loop-table-repeated-cell-truncated.txt")).toBe("cells");
    expect(shapeOf("loop-pmatrix-counter-equation-truncated.txt")).toBe("counting");
  });

  it("catches a LaTeX closer written over and over inside one block, which ends with the end token", () => {
    const raw = `<|ref|>equation<|/ref|><|det|>[[100, 200, 900, 400]]<|/det|>\n\\[\\begin{aligned} x &= 1 ${"\\end{aligned}".repeat(150)}\\]<｜end▁of▁sentence｜>`;
    expect(findLoop(parseGrounded(raw, image))).toMatchObject({ shape: "run", repeats: 150 });
    // Written three times, it is a formula.
    expect(findLoop(parseGrounded(raw.replace("\\end{aligned}".repeat(150), "\\end{aligned}".repeat(3)), image))).toBeNull();
  });
});
