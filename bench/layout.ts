/**
 * Table layout speed: a dense list page (60 real IOTC rows, 9 columns, 7 pt) read through the
 * Worker's text layer and laid out as a table, in workerd (bench/workerd/layout.test.ts), beside
 * poppler's `pdftotext -layout` (which parses the PDF and lays its text out in columns, without
 * cells) on the same page in the same run. Needs `pdftotext` (Debian: poppler-utils).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { measureInWorkerd } from "./harness/workerd.ts";
import { cellText, lists, sampleRows, seeded } from "./lists/rows.ts";

if (spawnSync("pdftotext", ["-v"]).error) {
  console.error("bench/layout.ts needs pdftotext: apt-get install poppler-utils");
  process.exit(1);
}

/** 60 rows of the IOTC list, every column it has, in 7 pt Helvetica on one A4 landscape page. */
async function densePage(): Promise<Uint8Array> {
  const list = lists.find((l) => l.list === "IOTC")!;
  const rows = sampleRows(list, "tune", 60, seeded(60));
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([842, 595]);
  const widths = list.columns.map((c) => Math.max(font.widthOfTextAtSize(c.header, 7), ...rows.map((r) => font.widthOfTextAtSize(cellText(r, c), 7))) + 6);
  let x = 24;
  list.columns.forEach((column, c) => {
    page.drawText(column.header, { x, y: 570, size: 7, font: bold });
    rows.forEach((row, r) => page.drawText(cellText(row, column), { x, y: 560 - r * 8.8, size: 7, font }));
    x += widths[c];
  });
  return pdf.save();
}

const dense = await densePage();
const dir = mkdtempSync(join(tmpdir(), "layout-bench-"));
writeFileSync(join(dir, "dense.pdf"), dense);
const measured = await measureInWorkerd<{ readMs: number; layoutMs: number; words: number; rows: number }>("layout", { "/dense.pdf": dense });

// The reference, best of 5: the whole of pdftotext's work on the page.
let poppler = Infinity;
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  spawnSync("pdftotext", ["-layout", join(dir, "dense.pdf"), join(dir, "dense.txt")]);
  poppler = Math.min(poppler, performance.now() - started);
}
console.log(
  [
    `table_layout_ms_per_page: ${measured.layoutMs.toFixed(2)}`,
    `table_text_layer_ms_per_page: ${measured.readMs.toFixed(2)}`,
    `table_text_layer_and_layout_ms_per_page: ${(measured.readMs + measured.layoutMs).toFixed(2)}`,
    `table_pdftotext_layout_ms_per_page: ${poppler.toFixed(2)}`,
    `table_ours_over_pdftotext: ${((measured.readMs + measured.layoutMs) / poppler).toFixed(2)}`,
    `table_layout_words: ${measured.words}`,
    `table_layout_rows: ${measured.rows}`,
  ].join("\n"),
);
