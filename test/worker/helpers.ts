import { exports } from "cloudflare:workers";
import { env } from "cloudflare:test";
import jpeg from "jpeg-js";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { expect } from "vitest";
import type { DocumentSnapshot } from "../../src/protocol";
import type { Action, Stats } from "../../dev/ocr-standin";

export const worker = exports.default;

/** A born-digital PDF: `pages` pages of `size` points (rendered at 144 dpi: 2 px per point). */
export async function textPdf(pages: number, size: [number, number] = [300, 400], label = "Vessel list"): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage(size);
    page.drawText(`${label} page ${n}`, { x: 20, y: size[1] - 40, size: 14, font });
    for (let line = 0; line < n; line++) {
      page.drawText(`IMO 90747${line} NAME OF VESSEL ${n}-${line}`, { x: 20, y: size[1] - 80 - line * 20, size: 10, font });
    }
    page.drawRectangle({ x: 20, y: 20, width: 10 * n, height: 10, color: rgb(0, 0, 0) });
  }
  return pdf.save();
}

/** A scanned-style page: one baseline JPEG covering the whole page. */
export async function scannedPdf(width = 200, height = 260): Promise<{ pdf: Uint8Array; jpeg: Uint8Array }> {
  const pixels = new Uint8Array(width * height * 4).fill(255);
  for (let y = 40; y < 60; y++) for (let x = 20; x < width - 20; x++) pixels.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  const encoded = new Uint8Array(jpeg.encode({ data: pixels, width, height }, 80).data);
  const pdf = await PDFDocument.create();
  const image = await pdf.embedJpg(encoded);
  const page = pdf.addPage([width, height]);
  page.drawImage(image, { x: 0, y: 0, width, height });
  return { pdf: await pdf.save(), jpeg: encoded };
}

export async function upload(body: BodyInit, headers: Record<string, string> = { "content-type": "application/pdf" }, query = "") {
  return worker.fetch(new Request(`http://vessel.test/api/documents${query}`, { method: "POST", body, headers }));
}

export async function uploadPdf(bytes: Uint8Array, filename = "list.pdf"): Promise<{ id: string; websocket: string }> {
  const response = await upload(bytes, { "content-type": "application/pdf" }, `?filename=${filename}`);
  expect(response.status).toBe(202);
  const body = await response.json<{ id: string; links: { websocket: string } }>();
  return { id: body.id, websocket: body.links.websocket };
}

export async function snapshot(id: string): Promise<DocumentSnapshot> {
  const response = await worker.fetch(`http://vessel.test/api/documents/${id}`);
  expect(response.status).toBe(200);
  return response.json();
}

const finalStages = new Set(["done", "partial", "failed", "cancelled"]);

/** Polls the REST snapshot until `until` holds (by default: the document has finished). */
export async function waitFor(
  id: string,
  until: (s: DocumentSnapshot) => boolean = (s) => finalStages.has(s.stage),
  timeoutMs = 20_000,
): Promise<DocumentSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await snapshot(id);
    if (until(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last snapshot: ${JSON.stringify(current)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Scripts the OCR stand-in for pages rendered at exactly `width` x `height` pixels. */
export async function scriptOcr(width: number, height: number, script: Action[], then?: Action): Promise<void> {
  const response = await fetch(`${env.SPARK_OCR_URL}/_sim/rules`, { method: "POST", body: JSON.stringify({ width, height, script, then }) });
  expect(response.status).toBe(201);
}

export async function ocrStats(): Promise<Stats> {
  return (await fetch(`${env.SPARK_OCR_URL}/_sim/stats`)).json();
}
