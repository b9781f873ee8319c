import { describe, expect, it } from "vitest";
import { PdfError } from "../../src/pdf/document";
import { BLANK_INK_RATIO, type PageImage } from "../../src/pdf/page-image";
import { openSource, type PdfLimits } from "../../src/pdf/source";
import { corpus } from "./pdf-corpus";

const limits: PdfLimits = { maxPages: 60, maxPagePixels: 8_000_000, maxImagePixels: 200_000_000, maxContentBytes: 8 * 1024 * 1024 };

describe("a corpus of odd and hostile PDFs", () => {
  it("has at least 40 cases", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  for (const testCase of corpus) {
    it(testCase.name, async () => {
      const bytes = await testCase.build();
      const opened = await openSource(bytes, limits).catch((error: unknown) => error);
      if ("fails" in testCase.expect) {
        expect(opened).toBeInstanceOf(PdfError);
        expect((opened as PdfError).message).toMatch(testCase.expect.fails);
        return;
      }
      if (!(opened && typeof opened === "object" && "pageCount" in opened)) throw opened;
      const source = opened as import("../../src/pdf/source").PdfSource;
      try {
        expect(source.pageCount).toBe(testCase.expect.pages.length);
        for (const [index, outcome] of testCase.expect.pages.entries()) {
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
