/**
 * Entity extraction on text whose wording is not ours: phrasings of real published notices,
 * certificates and inspection reports (bench/eval/phrasings, sources there) filled with rows of the
 * real RFMO lists (./fill.ts), read directly by the extractor: the tuning half, and the held-out
 * half never read while writing the rules or training the tagger, reported apart. Prints
 * `figure_name: value` lines; EVAL_MISSES=1 prints what was missed and what was wrong, never for
 * the held-out half. EVAL_BATCH=<folder> measures a folder of new phrasings instead (filled with
 * tuning rows), to be measured once before anyone reads it and then added to the tuning half.
 *
 * The learned reader: EVAL_TAGGER=off reads with the rules alone; EVAL_TAGGER=<file> with another
 * model than the built-in one; with EVAL_FOLDS=k and "{fold}" in that file's name, each tuning
 * document is read by the model trained without its fold (a cross-validation, dev/train-tagger.ts).
 * EVAL_SEED and EVAL_COPIES fill the phrasings as another run does (bench/phrasings.ts: 1412 and 2
 * for the held-out half), to tell what its sample of vessels does from what the PDFs do;
 * EVAL_WRAP=<width> wraps the lines as a printed page would.
 */
import { readFileSync } from "node:fs";
import { it } from "vitest";
import { readEntities } from "../../src/entities/extract";
import type { TaggerModel } from "../../src/entities/tagger";
import { failedCheckFlags } from "../../src/entities/values";
import { parseGrounded } from "../../src/ocr/grounding";
import { Tally } from "../harness/score";
import { comparable, filledDocuments, foldOf, MEASURED, wrapLines } from "./fill";

const COPIES = 4;

const batch = process.env.EVAL_BATCH;
const taggerFile = process.env.EVAL_TAGGER;
const folds = Number(process.env.EVAL_FOLDS ?? 0);
const models = new Map<string, TaggerModel>();
/** The tagger a document is read with: undefined for the built-in one, null for none. */
function taggerFor(documentId: string, split: string): TaggerModel | null | undefined {
  if (!taggerFile) return undefined;
  if (taggerFile === "off") return null;
  const file = taggerFile.replace("{fold}", String(folds && split === "tune" ? foldOf(documentId, folds) : -1));
  if (!models.has(file)) models.set(file, JSON.parse(readFileSync(file, "utf8")));
  return models.get(file);
}

it.each(batch ? (["batch"] as const) : (["tune", "heldout"] as const))("measures entities on real phrasings (%s)", (split) => {
  const docs = split === "batch" ? filledDocuments("tune", 1403, COPIES, batch) : filledDocuments(split, Number(process.env.EVAL_SEED ?? (split === "tune" ? 1401 : 1402)), Number(process.env.EVAL_COPIES ?? COPIES));
  const tally = new Tally();
  const misses: string[] = [];
  for (const doc of docs) {
    const text = process.env.EVAL_WRAP ? wrapLines(doc.text, Number(process.env.EVAL_WRAP)) : doc.text;
    const raw = `<|ref|>text<|/ref|><|det|>[[50, 50, 950, 950]]<|/det|>\n${text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}`;
    const parsed = parseGrounded(raw, { width: 1000, height: 1000 });
    const found = readEntities(parsed.text, parsed.blocks, 1, { tagger: taggerFor(doc.id, split) }).entities.filter((e) => !e.flags.some((f) => failedCheckFlags.has(f)));
    for (const label of MEASURED) {
      const expected = new Set(doc.truth.filter((t) => t.label === label).map((t) => comparable(t.value)));
      const got = new Set(found.filter((e) => e.label === label).map((e) => comparable(e.value)));
      for (const key of [label, `${label}@${doc.kind}`, `${label}@${doc.language}`, `${label}@${doc.layout}`]) tally.add(key, expected, got);
      const missed = [...expected].filter((v) => !got.has(v));
      const wrong = [...got].filter((v) => !expected.has(v));
      if (missed.length || wrong.length) misses.push(`${doc.id} ${label} missed=${JSON.stringify(missed)} wrong=${JSON.stringify(wrong)}`);
    }
  }
  const lines = [`phrasings_${split}_documents: ${docs.length}`, ...tally.figures(`phrasings_${split}_`)];
  console.log(lines.join("\n"));
  if (process.env.EVAL_MISSES && split !== "heldout") console.log(misses.join("\n"));
});
