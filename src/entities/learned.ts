/**
 * The learned reader's facts (./tagger.ts, with the weights built into the Worker) where the rules
 * found none: on a page where tables and rules found no vessel name, the tagger's names are taken;
 * the same for owners, flags, IMO numbers, MMSIs and call signs; a name the tagger is much surer of
 * is taken beside the rules' names too, since pages name several vessels. A span must be one the
 * tagger is sure of (the model's `minMargin`, or its label's) and validate (a flag must be a country, an IMO number
 * must pass its check digit and be no quantity, a call sign must be in the ITU series of the page's
 * one flag); one the rules already read is theirs. Operators and previous names or flags are left
 * to the rules: on text neither had seen, the tagger's were wrong more often than the rules'
 * (BENCHMARKS.md, "Session 11").
 */
import model from "./reference/tagger.json";
import { callSignFitsFlag } from "./call-signs";
import { failedCheckFlags } from "./failed-checks";
import type { Candidate } from "./tables";
import { taggedSpans, type TaggerModel } from "./tagger";
import { notACompany } from "./owner-phrases";
import { validate } from "./values";
import { notAName } from "./vessel-names";

/** The labels the tagger's spans may add to a page. */
const LEARNED_LABELS: ReadonlySet<string> = new Set(["VESSEL_NAME", "OWNER_NAME", "FLAG_STATE", "IMO_NUMBER", "MMSI", "IRCS_CALL_SIGN"]);

/** A number followed by a unit is a quantity ("8584911 kg"), whatever its check digit says. */
const QUANTITY = /^\s*(?:kg|kgs|kilos?|kilogrammes?|kilogramos?|t|tonnes?|tons?|toneladas?|mt|lbs?|pounds?|gt|grt|m|metres?|meters?|kw|hp|usd|eur|us\$|\$|€|%)(?![\p{L}\d])/iu;
const NUMBERED = new Set(["IMO_NUMBER", "MMSI"]);

/**
 * The margin (in the model's units: training scales the largest weight to 100000) at which a
 * tagger's span is taken even where the rules read others of its label. Only names: for owners
 * and flags it cost precision and gained nothing (cross-validation, BENCHMARKS.md "Session 12").
 */
const BESIDE_RULES: Readonly<Record<string, number>> = { VESSEL_NAME: 5000 };

/** Whether a span read as a name or an owner is plainly neither: a heading, an organisation, a country, a nationality. */
function notNamed(label: string, value: string): boolean {
  if (label === "VESSEL_NAME") return notAName(value);
  return label === "OWNER_NAME" && notACompany(value);
}

/** "in Fiji waters", "dans les eaux de la Guinée": a sea, not a flag; "The Fiji Times": a proper noun's first word. */
const WATERS_AFTER = /^\s*(?:waters|EEZ|exclusive\s+economic\s+zone)\b/i;
const PROPER_NOUN_AFTER = /^[ \t]+\p{Lu}\p{Ll}/u;
const WATERS_BEFORE = /\b(?:eaux|aguas|zone|zona|waters)\s+(?:(?:territoriales|jurisdiccionales|of|de|du|des|del)\s+)*(?:la\s+|l['’]|the\s+)?$/i;

/** A learned fact is less sure than a rule's: at most this confident. */
const CONFIDENCE = 0.6;

/**
 * The tagger's candidates for the labels the page's tables and rules (`found`) have none of, in
 * the text outside the spans `skip` says to leave (tables, read by their headers).
 */
export function learnedCandidates(
  text: string,
  found: readonly Candidate[],
  skip: (span: { start: number; end: number }) => boolean,
  tagger: TaggerModel = model,
): Candidate[] {
  const missing = new Set([...LEARNED_LABELS].filter((label) => !found.some((c) => c.label === label)));
  // The margin a span of its label needs: none is enough for a label the tagger may not add.
  const enough = (label: string) => (missing.has(label) ? (tagger.labelMargins?.[label] ?? tagger.minMargin) : (BESIDE_RULES[label] ?? Infinity));
  const out: Candidate[] = [];
  // A call sign is taken only in the ITU series of the page's one flag: the shape alone lets hull numbers through.
  const flags = new Set(found.filter((c) => c.label === "FLAG_STATE" && !c.flags.length).map((c) => c.value));
  for (const span of taggedSpans(tagger, text)) {
    if (span.margin < enough(span.label) || skip(span) || found.some((c) => c.start < span.end && span.start < c.end)) continue;
    if (NUMBERED.has(span.label) && QUANTITY.test(text.slice(span.end, span.end + 12))) continue;
    if (span.label === "FLAG_STATE" && (WATERS_AFTER.test(text.slice(span.end, span.end + 30)) || (/\bthe\s+$/i.test(text.slice(Math.max(0, span.start - 5), span.start)) && PROPER_NOUN_AFTER.test(text.slice(span.end, span.end + 4))) || WATERS_BEFORE.test(text.slice(Math.max(0, span.start - 40), span.start)))) continue;
    const checked = validate(span.label, text.slice(span.start, span.end));
    if (!checked || checked.flags.some((flag) => failedCheckFlags.has(flag)) || notNamed(span.label, checked.value)) continue;
    if (span.label === "IRCS_CALL_SIGN" && !(flags.size === 1 && callSignFitsFlag(checked.value, [...flags][0]))) continue;
    out.push({ label: span.label, start: span.start, end: span.end, source: "tagger", record: null, ...checked, confidence: Math.min(checked.confidence, CONFIDENCE) });
  }
  return out;
}
