import { PDFiumLibrary } from "@hyzyla/pdfium";
import { encode } from "fast-png";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalOcr, type LocalOcr } from "../../dev/local-ocr.ts";
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
