/**
 * Paging speed: the Worker's paging code in workerd (bench/workerd/paging.test.ts) beside native
 * renderers on the same PDFs in the same run, as ratios: poppler's `pdftoppm` and, when installed,
 * MuPDF's `mutool draw`. Needs `pdftoppm` (Debian: apt-get install poppler-utils; mupdf-tools for
 * the second reference).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import jpeg from "jpeg-js";
import { PDFDocument } from "pdf-lib";

/** A scanned document as big as the PDF-input issue asks about: 500 A4 scans, ~70-90 MB. */
async function bigScannedPdf(pages: number): Promise<Uint8Array> {
  const scans = Array.from({ length: 10 }, (_, seed) => {
    const width = 1190;
    const height = 1684;
    const pixels = new Uint8Array(width * height * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = 200 + ((i * 7919 + seed * 104729) % 55); // paper grain
    for (let line = 0; line < 60; line++) {
      for (let y = 80 + line * 25; y < 89 + line * 25; y++) pixels.fill(30, (y * width + 90) * 4, (y * width + 90 + 300 + ((line * 37 + seed * 11) % 700)) * 4);
    }
    return new Uint8Array(jpeg.encode({ data: pixels, width, height }, 75).data);
  });
  const pdf = await PDFDocument.create();
  for (let p = 0; p < pages; p++) {
    const image = await pdf.embedJpg(scans[p % scans.length]);
    pdf.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  }
  return pdf.save();
}

const big = await bigScannedPdf(500);

if (spawnSync("pdftoppm", ["-v"]).error) {
  console.error("bench/paging.ts needs pdftoppm: apt-get install poppler-utils");
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "paging-bench-"));
const figures = new Map<string, number>();
const pdfs: string[] = [];
const server = createServer((req, res) => {
  if (req.url === "/big.pdf") {
    // Stands in for R2: the workerd side reads this file by ranges only.
    const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
    if (req.method === "HEAD" || !range) return void res.writeHead(200, { "content-length": big.byteLength }).end();
    const [start, end] = [Number(range[1]), Math.min(Number(range[2]), big.byteLength - 1)];
    return void res.writeHead(206, { "content-length": end - start + 1 }).end(big.subarray(start, end + 1));
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    if (req.url?.startsWith("/pdf/")) {
      const name = req.url.slice("/pdf/".length);
      writeFileSync(join(dir, `${name}.pdf`), body);
      pdfs.push(name);
    } else if (req.url === "/figure") {
      const { name, value } = JSON.parse(body.toString()) as { name: string; value: number };
      figures.set(name, value);
    }
    res.end("ok");
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const collector = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const root = resolve(import.meta.dirname, "..");
// Not spawnSync: the collector above must keep answering while the workerd side runs.
let output = "";
const status = await new Promise<number | null>((done) => {
  const child = spawn("vitest", ["run", "--config", "bench/workerd/vitest.config.ts"], {
    cwd: root,
    env: { ...process.env, BENCH_COLLECTOR: collector, BENCH_ONLY: "paging" },
  });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  child.on("exit", done);
});
server.close();
if (status !== 0) {
  console.error(output);
  process.exit(1);
}

const hasMutool = !spawnSync("mutool", ["-v"]).error;
const bestOf3 = (command: string, args: string[]) =>
  Math.min(
    ...[1, 2, 3].map(() => {
      const started = performance.now();
      spawnSync(command, args);
      return performance.now() - started;
    }),
  );
for (const name of pdfs) {
  const file = join(dir, `${name}.pdf`);
  const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync("pdfinfo", [file], { encoding: "utf8" }).stdout ?? "")?.[1] ?? 12);
  figures.set(`pdftoppm_${name}_ms_per_page`, bestOf3("pdftoppm", ["-r", "144", "-gray", "-png", file, join(dir, `${name}-out`)]) / pages);
  if (hasMutool) {
    figures.set(`mutool_${name}_ms_per_page`, bestOf3("mutool", ["draw", "-q", "-r", "144", "-c", "gray", "-o", join(dir, `${name}-%d.png`), file]) / pages);
  }
}

for (const name of ["text", "scan_render", "scan_passthrough"]) {
  const ours = figures.get(`workerd_${name}_ms_per_page`);
  for (const reference of ["pdftoppm", "mutool"]) {
    const native = figures.get(`${reference}_${name}_ms_per_page`);
    if (ours !== undefined && native) figures.set(`${name}_workerd_over_${reference}`, ours / native);
  }
}
for (const [name, value] of figures) console.log(`${name}: ${Number(value.toFixed(3))}`);
