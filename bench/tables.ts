/**
 * `npm run bench -- tables`: vessel lists read as tables, through the whole local system as
 * `npm start` runs it (wrangler dev, the Document objects, the text layer for born-digital pages,
 * the local tesseract engine for scans), on list documents built from the real RFMO rows in
 * ../shared/data/rfmo in many layouts (./lists). The held-out split (its own lists, rows and type
 * faces) is reported apart from the tuning split, and only as totals.
 *
 *   node bench/tables.ts [--split tune|heldout] [--path born-digital|scanned] [--layout NAME] [--misses]
 *                        [--faces "DejaVu Serif:10,DejaVu Serif Condensed:9"]
 *
 * `--faces` (tuning split only) sets the tuning lists in faces of neither split: a probe of type
 * the engine was not tuned on, reported as `tables_probe_*`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { eachConcurrently, processDocument, startBenchSystem, type BenchSystem } from "./harness/system.ts";
import { buildCorpus, type EvalDocument } from "./lists/corpus.ts";
import { addCounts, emptyCounts, figures, measureEntities, measureTables, type Counts, type FoundEntity, type Miss } from "./lists/measure.ts";

const { values: args } = parseArgs({
  options: { split: { type: "string" }, path: { type: "string" }, layout: { type: "string" }, misses: { type: "boolean", default: false }, faces: { type: "string" } },
});
const probeFaces = args.faces?.split(",").map((face) => {
  const [name, size] = face.split(":");
  if (!name || !Number(size)) throw new Error(`--faces: "${face}" is not "Face Name:size"`);
  return [name.trim(), Number(size)] as const;
});
const splits = (args.split ? [args.split] : probeFaces ? ["tune"] : ["tune", "heldout"]) as Array<"tune" | "heldout">;
const out = resolve(import.meta.dirname, "results/tables");
rmSync(resolve(out, "state"), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const system = await startBenchSystem(out, "bench-upload-key-7a41");

try {
  for (const split of splits) {
    const corpus = (await buildCorpus(split, probeFaces)).filter((d) => (!args.path || d.path === args.path) && (!args.layout || d.layout === args.layout));
    if (split === "tune") {
      // The tuning documents are kept for a look; the held-out ones are not.
      mkdirSync(resolve(out, "tune"), { recursive: true });
      for (const doc of corpus) {
        writeFileSync(resolve(out, "tune", `${doc.id}.pdf`), doc.pdf);
        writeFileSync(resolve(out, "tune", `${doc.id}.json`), JSON.stringify(doc.tables));
      }
    }
    const results = await runAll(system, corpus, 6);
    report(probeFaces ? "probe" : split, corpus, results);
  }
} finally {
  await system.close();
}

interface Result {
  tables: string[][];
  entities: FoundEntity[];
  pages: Array<{ path: string | null; pathReason: string | null; status: string }>;
  stage: string;
}

async function runAll(system: BenchSystem, docs: EvalDocument[], concurrency: number): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  await eachConcurrently(docs, concurrency, async (doc) => void results.set(doc.id, await runOne(system, doc)));
  return results;
}

async function runOne(system: BenchSystem, doc: EvalDocument): Promise<Result> {
  const { snapshot, get } = await processDocument(system, doc.id, doc.pdf);
  const tables: string[][] = [];
  for (const page of snapshot.pages) {
    const detail = await get(`/pages/${page.page}`);
    for (const block of detail.ocr?.blocks ?? []) {
      if (!block.table) continue;
      for (const row of block.table.rows.slice(block.table.headerRows ?? (block.table.hasHeader ? 1 : 0))) tables.push(row.map((cell: { text: string }) => cell.text));
    }
  }
  const entities = ((await get("/entities")) as { entities: FoundEntity[] }).entities;
  return { tables, entities, pages: snapshot.pages, stage: snapshot.stage };
}

function report(split: string, corpus: EvalDocument[], results: Map<string, Result>): void {
  const groups = new Map<string, Counts>();
  const group = (key: string) => groups.get(key) ?? (groups.set(key, emptyCounts()), groups.get(key)!);
  const misses: Record<string, Miss[]> = {};
  const entityMisses: Record<string, Record<string, { missed: string[]; extra: string[] }>> = {};
  let textLayerPages = 0;
  let bornDigitalPages = 0;
  for (const doc of corpus) {
    const result = results.get(doc.id)!;
    const tables = measureTables(doc.tables, result.tables);
    const wrong: Record<string, { missed: string[]; extra: string[] }> = {};
    const counts: Counts = { ...emptyCounts(), ...tables.counts, entities: measureEntities(doc.tables, result.entities, wrong) };
    if (Object.keys(wrong).length) entityMisses[doc.id] = wrong;
    const path = doc.path === "born-digital" ? "born_digital" : "scanned";
    for (const key of [`${path}`, `${path}_${doc.layout.replace(/-/g, "_")}`]) addCounts(group(key), counts);
    if (tables.misses.length) misses[doc.id] = tables.misses;
    if (doc.path === "born-digital") {
      bornDigitalPages += result.pages.length;
      textLayerPages += result.pages.filter((p) => p.path === "text-layer").length;
    }
  }
  const lines = [`tables_${split}_documents: ${corpus.length}`, `tables_${split}_born_digital_text_layer_share: ${(textLayerPages / Math.max(1, bornDigitalPages)).toFixed(3)}`];
  for (const [key, counts] of [...groups].sort(([a], [b]) => a.localeCompare(b))) lines.push(...figures(`tables_${split}_${key}`, counts));
  console.log(lines.join("\n"));
  // The held-out split's misses are not kept: it is not looked into.
  if (split === "heldout") return;
  writeFileSync(resolve(out, `${split}-misses.json`), JSON.stringify(misses, null, 1));
  writeFileSync(resolve(out, `${split}-entity-misses.json`), JSON.stringify(entityMisses, null, 1));
  if (args.misses) console.error(JSON.stringify(misses, null, 1).slice(0, 20000));
}
