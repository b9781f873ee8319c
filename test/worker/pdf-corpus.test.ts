import { describe, expect, it } from "vitest";
import { PdfError } from "../../src/pdf/errors";
import { BLANK_INK_RATIO, type PageImage } from "../../src/pdf/page-image";
import { bytesReader, openSource, type PdfLimits } from "../../src/pdf/source";
import { corpus } from "./pdf-corpus";

const whole: PdfLimits = { maxPages: 60, maxPagePixels: 8_000_000, maxImagePixels: 200_000_000, maxContentBytes: 8 * 1024 * 1024 };
/** The same limits, but every file read by ranges (what a big upload gets). */
const ranged: PdfLimits = { ...whole, rangedMinBytes: 0 };
const rangedUse = { ranged: 0, whole: 0 };

it("has at least 40 cases", () => {
  expect(corpus.length).toBeGreaterThanOrEqual(40);
});

describe.each([
  ["read whole", whole],
  ["read by ranges", ranged],
])("a corpus of odd and hostile PDFs, %s", (_how, limits) => {
  for (const testCase of corpus) {
    it(testCase.name, async () => {
      const bytes = await testCase.build();
      const expected = (limits === ranged && testCase.expectRanged) || testCase.expect;
      const opened = await openSource(bytesReader(bytes), limits).catch((error: unknown) => error);
      if ("fails" in expected) {
        expect(opened).toBeInstanceOf(PdfError);
        expect((opened as PdfError).message).toMatch(expected.fails);
        return;
      }
      if (!(opened && typeof opened === "object" && "pageCount" in opened)) throw opened;
      const source = opened as import("../../src/pdf/source").PdfSource;
      if (limits === ranged) rangedUse[source.ranged ? "ranged" : "whole"]++;
      try {
        expect(source.pageCount).toBe(expected.pages.length);
        for (const [index, outcome] of expected.pages.entries()) {
          const image = await source.pageImage(index, 144).catch((error: unknown) => error);
          if ("fails" in outcome) {
            expect(image).toBeInstanceOf(PdfError);
            expect((image as PdfError).message).toMatch(outcome.fails);
            continue;
          }
          if (!(image && typeof image === "object" && "kind" in image)) throw image;
          const page = image as PageImage;
          expect(page.kind).toBe(outcome.kind);
          expect(page.bytes.byteLength).toBeGreaterThan(0);
          if (outcome.landscape !== undefined) expect(page.width > page.height).toBe(outcome.landscape);
          else expect(page.width).toBeLessThanOrEqual(page.height * 1.01);
          if (outcome.blank !== undefined) expect(page.inkRatio < BLANK_INK_RATIO).toBe(outcome.blank);
          if (outcome.maxPixels) expect(page.width * page.height).toBeLessThanOrEqual(outcome.maxPixels);
        }
      } finally {
        source.close();
      }
    });
  }
});

it("reads almost every readable corpus file by ranges (the rest fall back to reading it whole)", () => {
  // Encrypted files and ones with a broken xref are the ones read whole.
  expect(rangedUse.ranged).toBeGreaterThanOrEqual(30);
  expect(rangedUse.whole).toBeLessThanOrEqual(6);
});
