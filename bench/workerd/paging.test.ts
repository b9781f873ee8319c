/**
 * Runs inside workerd (started by bench/paging.ts through vitest and the Cloudflare plugin): builds
 * the benchmark PDFs, times the Worker's own paging code on them, and hands PDFs and figures to
 * the Node side, which times the native reference on the same files.
 *
 * Time only advances across I/O in workerd, so each measurement is a batch bracketed by a fetch.
 */
import { env } from "cloudflare:test";
import jpeg from "jpeg-js";
import { PDFDocument, PDFName, PDFRawStream, StandardFonts } from "pdf-lib";
import { it } from "vitest";
import { fullPageJpeg } from "../../src/pdf/jpeg-passthrough";
import { pdfiumMemoryBytes } from "../../src/pdf/render";
import { bytesReader, openSource, type PdfLimits } from "../../src/pdf/source";

const collector = (env as unknown as { BENCH_COLLECTOR: string }).BENCH_COLLECTOR;
const PAGES = 12;
const limits: PdfLimits = { maxPages: 2000, maxPagePixels: 8_000_000, maxImagePixels: 200_000_000, maxContentBytes: 64 * 1024 * 1024 };

async function tick(): Promise<number> {
  await fetch(`${collector}/tick`);
  return Date.now();
}

async function send(path: string, body: BodyInit): Promise<void> {
  await fetch(`${collector}${path}`, { method: "POST", body });
}

/** A scan-like A4 page at 144 dpi: 1190 x 1684 with text-like bars. */
function scan(seed: number): Uint8Array {
  const width = 1190;
  const height = 1684;
  const pixels = new Uint8Array(width * height * 4).fill(250);
  for (let line = 0; line < 60; line++) {
    const y0 = 80 + line * 25;
    const length = 300 + ((line * 37 + seed * 11) % 700);
    for (let y = y0; y < y0 + 9; y++) for (let x = 90; x < 90 + length; x++) pixels.fill(30, (y * width + x) * 4, (y * width + x) * 4 + 3);
  }
  return new Uint8Array(jpeg.encode({ data: pixels, width, height }, 75).data);
}

async function textPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < PAGES; p++) {
    const page = pdf.addPage([595, 842]);
    for (let line = 0; line < 55; line++) {
      page.drawText(`${p + 1}.${line + 1} OCEAN PEARL  IMO 7910187  CFL5494  Canada  Atlantic Trawlers Ltd  33.5 m  374 GT`, { x: 40, y: 800 - line * 14, size: 9, font });
    }
  }
  return pdf.save();
}

async function scannedPdf(forceRender: boolean): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let p = 0; p < PAGES; p++) {
    const image = await pdf.embedJpg(scan(p));
    pdf.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
    if (forceRender) {
      // An inverted /Decode pair that changes nothing visible but rules out pass-through.
      await image.embed();
      (pdf.context.lookup(image.ref) as PDFRawStream).dict.set(PDFName.of("Decode"), pdf.context.obj([0, 1, 0, 1, 0, 1]));
    }
  }
  return pdf.save();
}

async function timePaging(name: string, bytes: Uint8Array): Promise<void> {
  await send(`/pdf/${name}`, bytes);
  await send("/figure", JSON.stringify({ name: `${name}_pdf_mb`, value: bytes.byteLength / 2 ** 20 }));
  const source = await openSource(bytesReader(bytes), limits);
  const start = await tick();
  let pixels = 0;
  for (let i = 0; i < source.pageCount; i++) pixels += (await source.pageImage(i, 144)).width;
  const end = await tick();
  source.close();
  await send("/figure", JSON.stringify({ name: `workerd_${name}_ms_per_page`, value: (end - start) / source.pageCount, pixels }));
}

async function figure(name: string, value: number): Promise<void> {
  await send("/figure", JSON.stringify({ name, value }));
}

/** The big scanned PDF, read by ranges from the Node side (standing in for R2), never whole. */
async function rangedBigPdf(): Promise<void> {
  const size = Number((await fetch(`${collector}/big.pdf`, { method: "HEAD" })).headers.get("content-length"));
  let maxRead = 0;
  let totalRead = 0;
  const reader = {
    size,
    async read(offset: number, length: number) {
      const response = await fetch(`${collector}/big.pdf`, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
      const bytes = new Uint8Array(await response.arrayBuffer());
      maxRead = Math.max(maxRead, bytes.byteLength);
      totalRead += bytes.byteLength;
      return bytes;
    },
  };
  const start = await tick();
  const source = await openSource(reader, { ...limits, rangedMinBytes: 0 });
  const opened = await tick();
  const sample = [...Array.from({ length: 30 }, (_, i) => i), source.pageCount - 1];
  for (const index of sample) await source.pageImage(index, 144);
  const end = await tick();
  await figure("big_pdf_mb", size / 2 ** 20);
  await figure("big_pdf_pages", source.pageCount);
  await figure("ranged_read_by_ranges", source.ranged ? 1 : 0);
  await figure("ranged_open_ms", opened - start);
  await figure("ranged_ms_per_page", (end - opened) / sample.length);
  await figure("ranged_largest_read_mb", maxRead / 2 ** 20);
  await figure("ranged_bytes_read_per_page_kb", totalRead / sample.length / 1024);
  await figure("ranged_pdfium_wasm_memory_mb", (await pdfiumMemoryBytes()) / 2 ** 20);
}

it("pages the benchmark PDFs", { timeout: 600_000 }, async () => {
  await rangedBigPdf();
  await timePaging("text", await textPdf());
  await timePaging("scan_render", await scannedPdf(true));
  await timePaging("scan_passthrough", await scannedPdf(false));

  // The pass-through check alone, many times over, for a figure above timer resolution.
  const passthrough = await PDFDocument.load(await scannedPdf(false));
  const start = await tick();
  const rounds = 50;
  for (let r = 0; r < rounds; r++) for (let i = 0; i < PAGES; i++) fullPageJpeg(passthrough, i);
  const end = await tick();
  await send("/figure", JSON.stringify({ name: "workerd_passthrough_check_ms_per_page", value: (end - start) / (rounds * PAGES) }));
  await send("/figure", JSON.stringify({ name: "workerd_pdfium_wasm_memory_mb", value: (await pdfiumMemoryBytes()) / 2 ** 20 }));
});
