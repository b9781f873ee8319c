import { PDFiumLibrary } from "@hyzyla/pdfium";
import { encode } from "fast-png";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Tesseract from "tesseract.js";
import { barsAsLetters, likeTheFirst, startLocalOcr, wordsOf, type LocalOcr } from "../../dev/local-ocr.ts";
import { parseGrounded } from "../../src/ocr/grounding.ts";

const LINES = [
  "NOTICE OF LISTING ON THE IUU VESSEL LIST",
  "Vessel name: OCEAN PEARL",
  "IMO number: 7910187",
  "International radio call sign: CFL5494",
  "Flag state: Canada",
  "Owner: Atlantic Trawlers Limited, Halifax",
];

/** A born-digital page of known text, rendered at 144 dpi like the Worker renders it. */
async function renderedPage(): Promise<{ png: Uint8Array; width: number; height: number }> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  LINES.forEach((line, i) => page.drawText(line, { x: 60, y: 760 - i * 28, size: 13, font }));
  const library = await PDFiumLibrary.init();
  const document = await library.loadDocument(await pdf.save());
  const rendered = await document.getPage(0).render({
    scale: 2,
    colorSpace: "Gray",
    render: async ({ data, width, height }) => encode({ width, height, data, channels: 1, depth: 8 }),
  });
  document.destroy();
  library.destroy();
  return { png: rendered.data, width: rendered.width, height: rendered.height };
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

let engine: LocalOcr;
beforeAll(async () => {
  engine = await startLocalOcr();
  await engine.ready;
}, 60_000);
afterAll(() => engine.close());

describe("the local OCR engine (tesseract)", () => {
  it("reads a rendered page of known text in DeepSeek's grounded format, with a low character error rate", async () => {
    const { png, width, height } = await renderedPage();
    const response = await fetch(`${engine.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "deepseek-ai/DeepSeek-OCR",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(png).toString("base64")}` } }] }],
      }),
    });
    expect(response.status).toBe(200);
    const raw: string = (await response.json()).choices[0].message.content;
    expect(raw).toMatch(/^<\|ref\|>text<\|\/ref\|><\|det\|>\[\[\d+, \d+, \d+, \d+\]\]<\|\/det\|>\n/);
    const parsed = parseGrounded(raw, { width, height });
    expect(parsed.blocks.length).toBeGreaterThan(0);
    const truth = LINES.join("\n");
    const read = parsed.text.replace(/\n\n/g, "\n");
    const cer = editDistance(read, truth) / truth.length;
    console.log(`local_ocr_character_error_rate: ${cer.toFixed(4)}`);
    expect(cer).toBeLessThan(0.03);
    // Boxes land where the text is: the top-left of the first block near (60pt, 82pt) from the top.
    const [x1, y1] = parsed.blocks[0].boxes[0];
    expect(x1).toBeGreaterThan(100);
    expect(x1).toBeLessThan(140);
    expect(y1).toBeGreaterThan(140);
    expect(y1).toBeLessThan(200);
  });

  it("is not healthy until its model is loaded, and rejects what is not an image", async () => {
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
    const response = await fetch(`${engine.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:application/pdf;base64,JVBERi0=" } }] }] }),
    });
    expect(response.status).toBe(400);
  });
});

const word = (text: string, x0: number, x1: number, confidence = 90, y0 = 100, y1 = 124): Tesseract.Word => ({ text, confidence, bbox: { x0, y0, x1, y1 } }) as Tesseract.Word;

describe("bars and brackets tesseract reads for letters (dev/local-ocr.ts)", () => {
  it("reads a lone bar as I and a bracket in a word of capitals as J, and leaves other words alone", () => {
    expect(barsAsLetters("|")).toBe("I");
    expect(barsAsLetters("GM]")).toBe("GMJ");
    expect(barsAsLetters("SURAN]JI")).toBe("SURANJI");
    expect(barsAsLetters("MENTAR|")).toBe("MENTARI");
    expect(barsAsLetters("[1]")).toBe("[1]");
    expect(barsAsLetters("Fishi|")).toBe("Fishi|");
    expect(barsAsLetters("SEATRADER")).toBe("SEATRADER");
  });
});

describe("tesseract's words for the layout (dev/local-ocr.ts)", () => {
  it("reads a comma read twice (once ending a word, once alone just after it) once", () => {
    const line = (words: Tesseract.Word[]) => ({ words, bbox: { x0: words[0].bbox.x0, y0: 100, x1: words.at(-1)!.bbox.x1, y1: 124 }, baseline: { x0: 0, y0: 124, x1: 1000, y1: 124 } });
    const blocks = [
      { paragraphs: [{ lines: [line([word("Korea,", 442, 498)]), line([word(",", 499, 502, 88, 118, 124), word("Republic", 511, 595)])] }] },
      { paragraphs: [{ lines: [line([word("Co.", 700, 740), word(",", 760, 764, 90, 118, 124)])] }] },
    ] as unknown as Tesseract.Block[];
    expect(wordsOf(blocks).words.map((w) => w.text)).toEqual(["Korea,", "Republic", "Co.", ","]);
  });
});

describe("a word read again alone (dev/local-ocr.ts)", () => {
  it("takes a second reading of the same word, a glyph or a doubled glyph changed", () => {
    expect(likeTheFirst("6KCDS", "6KCD5")).toBe(true);
    expect(likeTheFirst("BBZNG6", "BBZN6")).toBe(true);
    expect(likeTheFirst("21:27", "21.27")).toBe(true);
  });

  it("refuses one that is another word, puts small letters in capitals or adds a mark", () => {
    expect(likeTheFirst("gt", "JEKI")).toBe(false);
    expect(likeTheFirst("ZAI", "ZAl")).toBe(false);
    expect(likeTheFirst("SHOEI", "SHOE!")).toBe(false);
    expect(likeTheFirst("ds", "|")).toBe(false);
    expect(likeTheFirst("7JAB", "7JAB")).toBe(false);
  });
});
