/**
 * Trains the learned reader (src/entities/tagger.ts) on the tuning half of the phrasings of real
 * documents (bench/eval/phrasings/tune), filled with the tuning rows of the real RFMO lists, and
 * writes its weights where the Worker imports them (src/entities/reference/tagger.json). The
 * held-out half is never read here.
 *
 *   npm run train:tagger                     the model the Worker uses
 *   npm run train:tagger -- --folds 5 --fold 2 --out /tmp/cv-2.json
 *                                            one fold of a cross-validation: trained without the
 *                                            phrasings of fold 2; with all five folds trained,
 *                                            bench/eval/phrasings.eval.ts reads each tuning
 *                                            document by its fold's model (EVAL_FOLDS=5
 *                                            EVAL_TAGGER='/tmp/cv-{fold}.json')
 *   npm run train:tagger -- --without ids.txt --out /tmp/without.json
 *                                            without the phrasings listed, to score a batch of
 *                                            the tuning half as if unseen (EVAL_BATCH)
 *   npm run train:tagger -- --order 11 --out /tmp/order-11.json
 *                                            the same data shown in another order: the spread
 *                                            between orders is the noise under a comparison
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { filledDocuments, foldOf, wrapLines } from "../bench/eval/fill.ts";
import { seeded } from "../bench/lists/rows.ts";

const { values: args } = parseArgs({
  options: {
    folds: { type: "string", default: "1" },
    fold: { type: "string" },
    epochs: { type: "string", default: "6" },
    copies: { type: "string", default: "16" },
    // The share of copies wrapped as a printed page wraps its lines (70-100 characters), as PDFs' text layers and scans are read.
    wrapped: { type: "string", default: "0.5" },
    // The margin a span must have to be taken (src/entities/learned.ts): chosen by cross-validation, BENCHMARKS.md.
    "min-margin": { type: "string", default: "2000" },
    // Where a label's margin differs (LABEL=margin, comma-separated): names and owners gained from a lower one (BENCHMARKS.md, "Session 13").
    "label-margins": { type: "string", default: "VESSEL_NAME=1000,OWNER_NAME=1000" },
    // A file of phrasing ids to leave out (one per line): to score the tagger on a batch as if it were unseen.
    without: { type: "string" },
    // The order the documents are shown in, each epoch: another order gives another model, which
    // measures how much of a difference between two models is the order's (BENCHMARKS.md, "Session 15").
    order: { type: "string", default: "7" },
    out: { type: "string", default: resolve(import.meta.dirname, "../src/entities/reference/tagger.json") },
  },
});

// The tagger's features and the text it reads come from the Worker's own source (extensionless imports): bundled once for Node.
const scratch = mkdtempSync(join(tmpdir(), "tagger-"));
await build({
  stdin: { contents: 'export * from "./tagger"; export { unwrapped } from "./line-wraps";', resolveDir: resolve(import.meta.dirname, "../src/entities"), loader: "ts" },
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: join(scratch, "tagger.mjs"),
  loader: { ".json": "json" },
  logLevel: "error",
});
/** What training uses of src/entities/tagger.ts (typed here: the Worker's sources are checked by their own tsconfig). */
interface Tagger {
  TAGS: readonly string[];
  tokenize(text: string): Array<{ text: string; start: number; end: number }>;
  tokenFeatures(text: string, tokens: ReadonlyArray<{ text: string; start: number; end: number }>): string[][];
  tagFeatures(features: readonly string[], previous: string, previous2: string): string[];
  allowed(tag: string, previous: string): boolean;
  /** The text the tagger reads in the Worker: lines that only wrap a sentence joined (src/entities/extract.ts). */
  unwrapped(text: string): string;
}
const tagger: Tagger = await import(join(scratch, "tagger.mjs"));
rmSync(scratch, { recursive: true });

const folds = Number(args.folds);
const heldFold = args.fold === undefined ? null : Number(args.fold);
const without = new Set(args.without ? readFileSync(args.without, "utf8").split("\n").filter(Boolean) : []);
// Other draws of the tuning rows than the evaluation's (seed 1401), so it learns the wording rather than the vessels.
const docs = filledDocuments("tune", 2401, Number(args.copies)).filter(
  (doc) => (heldFold === null || foldOf(doc.id, folds) !== heldFold) && !without.has(doc.id.replace(/-\d+$/, "")),
);

const tags = tagger.TAGS;
const tagIndex = new Map(tags.map((tag, i) => [tag, i]));
const wrap = seeded(11);
const examples = docs.map((doc) => {
  const text = tagger.unwrapped(wrap() < Number(args.wrapped) ? wrapLines(doc.text, 70 + Math.floor(wrap() * 31)) : doc.text);
  const tokens = tagger.tokenize(text);
  const gold = tokens.map((token) => {
    const span = doc.spans.find((s) => token.start < s.end && s.start < token.end);
    if (!span) return "O";
    return token.start <= span.start ? `B-${span.label}` : `I-${span.label}`;
  });
  return { features: tagger.tokenFeatures(text, tokens), gold };
});

// Averaged perceptron: each weight's running total is brought up to date lazily (at `stamp`).
const weights = new Map<string, Float64Array>();
const totals = new Map<string, Float64Array>();
const stamps = new Map<string, Float64Array>();
let clock = 0;
const row = (map: Map<string, Float64Array>, feature: string) => {
  let found = map.get(feature);
  if (!found) map.set(feature, (found = new Float64Array(tags.length)));
  return found;
};
function update(feature: string, tag: number, delta: number) {
  const w = row(weights, feature);
  const total = row(totals, feature);
  const stamp = row(stamps, feature);
  total[tag] += (clock - stamp[tag]) * w[tag];
  stamp[tag] = clock;
  w[tag] += delta;
}
const order = seeded(Number(args.order));
const shuffle = <T,>(items: T[]) => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(order() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
};

for (let epoch = 0; epoch < Number(args.epochs); epoch++) {
  let wrong = 0;
  let seen = 0;
  for (const example of shuffle([...examples])) {
    const predicted: string[] = [];
    for (let i = 0; i < example.features.length; i++) {
      clock++;
      const previous = predicted[i - 1] ?? "<s>";
      const features = [...example.features[i], ...tagger.tagFeatures(example.features[i], previous, predicted[i - 2] ?? "<s>")];
      const scores = new Float64Array(tags.length);
      for (const feature of features) {
        const w = weights.get(feature);
        if (w) for (let t = 0; t < tags.length; t++) scores[t] += w[t];
      }
      let best = 0;
      for (let t = 1; t < tags.length; t++) if (tagger.allowed(tags[t], previous) && scores[t] > scores[best]) best = t;
      const gold = tagIndex.get(example.gold[i])!;
      if (best !== gold) {
        wrong++;
        for (const feature of features) {
          update(feature, gold, 1);
          update(feature, best, -1);
        }
      }
      seen++;
      predicted.push(tags[best]);
    }
  }
  console.log(`epoch ${epoch + 1}: ${wrong} of ${seen} tokens wrong`);
}

// Averaged, then scaled to whole numbers up to ±100000 (the best tag is the same at any scale), as
// pairs of tag and weight, without the weights that round to nothing.
const averaged = new Map([...weights].map(([feature, w]) => [feature, w.map((value, t) => totals.get(feature)![t] + (clock - stamps.get(feature)![t]) * value)]));
let largest = 0;
for (const w of averaged.values()) for (const value of w) largest = Math.max(largest, Math.abs(value));
const out: Record<string, number[]> = {};
for (const [feature, w] of averaged) {
  const pairs = [...w].flatMap((value, tag) => (Math.round((value / largest) * 100_000) ? [tag, Math.round((value / largest) * 100_000)] : []));
  if (pairs.length) out[feature] = pairs;
}
const labelMargins = Object.fromEntries(args["label-margins"].split(",").filter(Boolean).map((pair) => [pair.split("=")[0], Number(pair.split("=")[1])]));
writeFileSync(args.out, JSON.stringify({ tags, minMargin: Number(args["min-margin"]), labelMargins, weights: out }));
console.log(`${docs.length} documents, ${Object.keys(out).length} features -> ${args.out}`);
