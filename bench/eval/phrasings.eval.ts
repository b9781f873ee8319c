/**
 * Entity extraction on text whose wording is not ours: phrasings of real published notices,
 * certificates and inspection reports (bench/eval/phrasings, sources there) filled with rows of the
 * real RFMO lists (./fill.ts), read directly by the extractor: the tuning half, and the held-out
 * half never read while writing the rules, reported apart. Prints `figure_name: value` lines;
 * EVAL_MISSES=1 prints what was missed and what was wrong, never for the held-out half.
 * EVAL_BATCH=<folder> measures a folder of new phrasings instead (filled with tuning rows), to be
 * measured once before anyone reads it and then added to the tuning half.
 */
import { it } from "vitest";
import { extractEntities } from "../../src/entities/extract";
import { failedCheckFlags } from "../../src/entities/values";
import { parseGrounded } from "../../src/ocr/grounding";
import { Tally } from "../harness/score";
import { comparable, filledDocuments, MEASURED } from "./fill";


const COPIES = 4;

const batch = process.env.EVAL_BATCH;

it.each(batch ? (["batch"] as const) : (["tune", "heldout"] as const))("measures entities on real phrasings (%s)", (split) => {
  const docs = split === "batch" ? filledDocuments("tune", 1403, COPIES, batch) : filledDocuments(split, split === "tune" ? 1401 : 1402, COPIES);
  const tally = new Tally();
  const misses: string[] = [];
  for (const doc of docs) {
    const raw = `<|ref|>text<|/ref|><|det|>[[50, 50, 950, 950]]<|/det|>\n${doc.text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}`;
    const parsed = parseGrounded(raw, { width: 1000, height: 1000 });
    const found = extractEntities(parsed.text, parsed.blocks, 1).filter((e) => !e.flags.some((f) => failedCheckFlags.has(f)));
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
