/**
 * The table evaluation's documents: every layout for every list of a split, born-digital (printed
 * by Chromium; a landscape list also stored as a rotated page, and one printed sideways), and a
 * scanned copy of some of them (rendered, turned, blurred, noised, JPEG). The tuning split and
 * the held-out split differ in lists, rows, type faces and seeds.
 */
import { chromium } from "playwright-core";
import { degrees, PDFDocument } from "pdf-lib";
import { listDocuments, type ListDocument } from "./layouts.ts";
import { lists, seeded } from "./rows.ts";
import { scanPdf } from "../../dev/scanner.ts";

export interface EvalDocument extends ListDocument {
  path: "born-digital" | "scanned";
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Type faces per split: the held-out half is set in faces the tuning half never saw. */
const faces = {
  tune: [
    ["DejaVu Sans", 10],
    ["Liberation Sans", 9],
  ],
  heldout: [
    ["Liberation Serif", 11],
    ["DejaVu Sans Condensed", 9],
    ["Liberation Sans Narrow", 10],
  ],
} as const;

/** Lists whose documents are also scanned (scanning costs OCR time). */
const scannedLists = { tune: ["IOTC", "FFA"], heldout: ["NPFC", "FFA"] } as const;

/**
 * `probeFaces`: set the tuning lists in other faces than their own (neither split's), to see how
 * the engine reads type it was not tuned on without looking at the held-out split.
 */
export async function buildCorpus(split: "tune" | "heldout", probeFaces?: ReadonlyArray<readonly [string, number]>): Promise<EvalDocument[]> {
  if (probeFaces && split !== "tune") throw new Error("probe faces set the tuning lists only");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const random = seeded(split === "tune" ? 1301 : 1302);
  const docs: EvalDocument[] = [];
  try {
    const chosen = lists.filter((list) => list.split === split || list.split === "both");
    for (const [index, list] of chosen.entries()) {
      const splitFaces = probeFaces ?? faces[split];
      const [font, fontSize] = splitFaces[index % splitFaces.length];
      for (const doc of await listDocuments(browser, list, { split, font, fontSize, seed: index }, random)) {
        docs.push({ ...doc, path: "born-digital" });
        if (doc.layout === "landscape") {
          docs.push({ ...doc, id: `${doc.id}-rotated`, layout: "rotated-page", pdf: await rotated(doc.pdf, true), path: "born-digital" });
          docs.push({ ...doc, id: `${doc.id}-sideways`, layout: "sideways", pdf: await rotated(doc.pdf, false), path: "born-digital" });
        }
      }
    }
  } finally {
    await browser.close();
  }
  const scanned: EvalDocument[] = [];
  for (const doc of docs.filter((d) => (scannedLists[split] as readonly string[]).includes(d.list) && d.layout !== "rotated-page")) {
    const options = {
      dpi: [200, 250, 300][Math.floor(random() * 3)],
      skew: (random() * 2 - 1) * 1.5,
      blur: random() < 0.5 ? 1 : 0,
      noise: 4 + random() * 8,
      quality: 55 + Math.floor(random() * 30),
      seed: Math.floor(random() * 1e9),
    };
    scanned.push({ ...doc, id: `${doc.id}-scan`, path: "scanned", pdf: await scanPdf(doc.pdf, options) });
  }
  return [...docs, ...scanned];
}

/**
 * A landscape list stored on portrait pages turned for display (`display`: /Rotate 90, shown
 * upright, as scanners and some producers write them), or printed sideways (shown turned).
 */
async function rotated(pdf: Uint8Array, display: boolean): Promise<Uint8Array> {
  const source = await PDFDocument.load(pdf);
  const out = await PDFDocument.create();
  const pages = await out.embedPdf(source, source.getPageIndices());
  for (const page of pages) {
    const portrait = out.addPage([page.height, page.width]);
    // Turned a quarter counter-clockwise onto the portrait page; /Rotate 90 turns it back for display.
    portrait.drawPage(page, { x: page.height, y: 0, rotate: degrees(90) });
    if (display) portrait.setRotation(degrees(90));
  }
  return out.save();
}
