/**
 * Born-digital PDFs whose text layers are good, junk, or lying: for the tests of what is read
 * from the text layer and what goes to OCR instead.
 */
import jpeg from "jpeg-js";
import { PDFDocument, StandardFonts, TextRenderingMode, rgb, setTextRenderingMode } from "pdf-lib";
import { handWritten } from "./raw-pdf.ts";

export const LIST_ROWS = [
  ["Vessel Name", "Flag", "IRCS", "IMO No.", "Owner"],
  ["OCEAN PEARL", "Canada", "CFL5494", "7910187", "Atlantic Trawlers Ltd"],
  ["SEIN 11", "Fiji", "3DN6876", "8664369", "Sein Fishing Investment Pte Ltd"],
  ["KAIGATA MARU NO.88", "Japan", "JQRB", "9109275", "Kaigata Suisan KK"],
  ["HAKKO MARU NO.35", "Japan", "7JPV", "9690315", "Hakko Gyogyo KK"],
  ["NEW CANOE", "Nauru", "C2BB2", "9746281", "New Canoe Corporation"],
];

/** A born-digital vessel list: a title, a ruled header, rows, on `pages` pages (the header on the first only, unless `repeatHeader`). */
export async function listPdf(options: { pages?: number; repeatHeader?: boolean } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const columns = [40, 170, 250, 330, 410];
  const [header, ...rows] = LIST_ROWS;
  const pages = options.pages ?? 1;
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage([595, 842]);
    let y = 780;
    if (p === 0) {
      page.drawText("Record of authorised vessels", { x: 40, y: 800, size: 16, font: bold });
    }
    if (p === 0 || options.repeatHeader) {
      header.forEach((cell, c) => page.drawText(cell, { x: columns[c], y, size: 9, font: bold }));
      page.drawLine({ start: { x: 36, y: y - 4 }, end: { x: 560, y: y - 4 }, thickness: 0.8, color: rgb(0, 0, 0) });
      y -= 18;
    }
    for (const row of p % 2 ? [...rows].reverse() : rows) {
      row.forEach((cell, c) => page.drawText(cell, { x: columns[c], y, size: 9, font }));
      y -= 14;
    }
  }
  return pdf.save();
}

/** A list page whose font maps every character to `map(code)` (a broken or hostile ToUnicode CMap). */
export function remappedTextPdf(map: (code: number) => number): Uint8Array {
  const lines = ["VESSEL NAME OCEAN PEARL FLAG CANADA", "IMO 7910187 CALL SIGN CFL5494 OWNER", "ATLANTIC TRAWLERS LIMITED HALIFAX"];
  const content = `BT /F1 12 Tf 40 700 Td ${lines.map((l) => `(${l}) Tj 0 -16 Td`).join(" ")} ET`;
  const pairs = Array.from({ length: 95 }, (_, i) => `<${(i + 32).toString(16).padStart(2, "0")}> <${map(i + 32).toString(16).padStart(4, "0")}>`).join(" ");
  const cmap = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Remapped def 1 begincodespacerange <00> <FF> endcodespacerange 95 beginbfchar ${pairs} endbfchar endcmap CMapName currentdict /CMap defineresource pop end end`;
  return handWritten([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 800] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
    `<< /Length ${cmap.length} >>\nstream\n${cmap}\nendstream`,
  ]);
}


/**
 * A scanned page (one full-page JPEG) with an invisible OCR text layer on top. `matching`: the
 * scan has ink where the words are (an honest OCR layer); otherwise the ink is elsewhere (a layer
 * made for another image).
 */
export async function scanWithInvisibleText(matching: boolean): Promise<Uint8Array> {
  const [width, height] = [400, 500];
  const lines = ["NOTICE OF LISTING ON THE IUU VESSEL LIST", "Vessel name: OCEAN PEARL", "IMO number: 7910187", "Flag: Canada"];
  const pixels = new Uint8Array(width * height * 4).fill(255);
  const ink = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) pixels.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  };
  // Text baselines at 440, 420, ... from the bottom: in the image, rows 52.., 72.., from the top.
  lines.forEach((line, i) => {
    const top = height - (440 - i * 20) - 9;
    if (matching) ink(40, top, 40 + line.length * 6, top + 9);
    else ink(40, 300 + i * 30, 300, 310 + i * 30);
  });
  const scan = new Uint8Array(jpeg.encode({ data: pixels, width, height }, 85).data);
  const pdf = await PDFDocument.create();
  const image = await pdf.embedJpg(scan);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([width, height]);
  page.drawImage(image, { x: 0, y: 0, width, height });
  page.pushOperators(setTextRenderingMode(TextRenderingMode.Invisible));
  lines.forEach((line, i) => page.drawText(line, { x: 40, y: 440 - i * 20, size: 10, font }));
  return pdf.save();
}
