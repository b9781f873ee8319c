/**
 * `npm run bench -- phrasings`: vessel facts in notices, certificates and inspection reports
 * whose wording is not ours (bench/eval/phrasings, with their sources; filled with real RFMO rows
 * by ./eval/fill.ts), through the whole local system as `npm start` runs it: each document printed
 * to PDF by Chromium (born-digital: its text layer is read) and a scanned copy (rendered, turned,
 * blurred, noised: the local tesseract engine reads it), uploaded through the API, its entities
 * read back from `/entities`. The held-out half, never read while writing the rules, is reported
 * apart. Prints `figure_name: value` lines.
 *
 *   node bench/phrasings.ts [--split tune|heldout] [--path born-digital|scanned]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { scanPdf } from "../dev/scanner.ts";
import { failedCheckFlags } from "../src/entities/failed-checks.ts";
import { eachConcurrently, processDocument, startBenchSystem, type BenchSystem } from "./harness/system.ts";
import { comparable, filledDocuments, MEASURED, type Filled } from "./eval/fill.ts";
import { Tally } from "./harness/score.ts";
import { seeded } from "./lists/rows.ts";

const { values: args } = parseArgs({ options: { split: { type: "string" }, path: { type: "string" } } });
const splits = (args.split ? [args.split] : ["tune", "heldout"]) as Array<"tune" | "heldout">;
const paths = (args.path ? [args.path] : ["born-digital", "scanned"]) as Array<"born-digital" | "scanned">;
const out = resolve(import.meta.dirname, "results/phrasings");
rmSync(resolve(out, "state"), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** Copies of each phrasing, each with other vessels; the scanned path reads the first only (OCR time). */
const COPIES = 2;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface Doc extends Filled {
  path: "born-digital" | "scanned";
  pdf: Uint8Array;
}

const system = await startBenchSystem(out, "bench-upload-key-5c02");
try {
  for (const split of splits) {
    const docs = await documents(split);
    const found = await runAll(system, split, docs, 6);
    report(split, docs, found);
  }
} finally {
  await system.close();
}

/** The split's filled phrasings, printed to PDF, and scanned. */
async function documents(split: "tune" | "heldout"): Promise<Doc[]> {
  const random = seeded(split === "tune" ? 1421 : 1422);
  const filled = filledDocuments(split, split === "tune" ? 1411 : 1412, COPIES);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
  const docs: Doc[] = [];
  try {
    const page = await browser.newPage();
    for (const [i, doc] of filled.entries()) {
      const font = ["DejaVu Sans", "Liberation Serif", "Liberation Sans"][i % 3];
      const escaped = doc.text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
      await page.setContent(`<!doctype html><meta charset="utf-8"><style>body{font:11pt '${font}';line-height:1.4}pre{font:inherit;white-space:pre-wrap}</style><pre>${escaped}</pre>`);
      const pdf = await page.pdf({ format: "A4", margin: { top: "20mm", bottom: "20mm", left: "20mm", right: "20mm" } });
      if (paths.includes("born-digital")) docs.push({ ...doc, path: "born-digital", pdf });
      if (paths.includes("scanned") && doc.id.endsWith("-0")) {
        const options = { dpi: [200, 300][i % 2], skew: (random() * 2 - 1) * 1.2, blur: random() < 0.4 ? 1 : 0, noise: 4 + random() * 6, quality: 60 + Math.floor(random() * 25), seed: Math.floor(random() * 1e9) };
        docs.push({ ...doc, id: `${doc.id}-scan`, path: "scanned", pdf: await scanPdf(pdf, options) });
      }
    }
  } finally {
    await browser.close();
  }
  return docs;
}

type Found = Array<{ label: string; value: string; flags: string[] }>;
interface Result {
  entities: Found;
  /** The text the system read, page by page: kept for the tuning half's misses only. */
  pages: string[];
}

async function runAll(system: BenchSystem, split: "tune" | "heldout", docs: Doc[], concurrency: number): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  await eachConcurrently(docs, concurrency, async (doc) => {
    const { snapshot, get } = await processDocument(system, doc.id, doc.pdf);
    const entities = ((await get("/entities")) as { entities: Found }).entities;
    const pages: string[] = [];
    if (split === "tune") for (let n = 1; n <= (snapshot.pageCount ?? 0); n++) pages.push(((await get(`/pages/${n}`)) as { ocr: { text: string } | null }).ocr?.text ?? "");
    results.set(doc.id, { entities, pages });
  });
  return results;
}

function report(split: "tune" | "heldout", docs: Doc[], found: Map<string, Result>): void {
  const tally = new Tally();
  const misses: Record<string, { missed: string[]; wrong: string[]; pages: string[] }> = {};
  for (const doc of docs) {
    const entities = (found.get(doc.id)?.entities ?? []).filter((e) => !e.flags.some((f) => failedCheckFlags.has(f)));
    const path = doc.path === "born-digital" ? "born_digital" : "scanned";
    for (const label of MEASURED) {
      const expected = new Set(doc.truth.filter((t) => t.label === label).map((t) => comparable(t.value)));
      const got = new Set(entities.filter((e) => e.label === label).map((e) => comparable(e.value)));
      for (const key of [`${path}_${label}`, `${path}_${label}@${doc.kind}`, `${path}_${label}@${doc.layout}`]) tally.add(key, expected, got);
      const miss = (misses[doc.id] ??= { missed: [], wrong: [], pages: found.get(doc.id)?.pages ?? [] });
      miss.missed.push(...[...expected].filter((v) => !got.has(v)).map((v) => `${label}=${v}`));
      miss.wrong.push(...[...got].filter((v) => !expected.has(v)).map((v) => `${label}=${v}`));
    }
  }
  // The held-out half's misses are not kept: it is not looked into.
  if (split === "tune") {
    for (const [id, miss] of Object.entries(misses)) if (!miss.missed.length && !miss.wrong.length) delete misses[id];
    writeFileSync(resolve(out, "tune-misses.json"), JSON.stringify(misses, null, 1));
  }
  const lines = [`phrasings_system_${split}_documents: ${docs.length}`, ...tally.figures(`phrasings_system_${split}_`)];
  console.log(lines.join("\n"));
}
