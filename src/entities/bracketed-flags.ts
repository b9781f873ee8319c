/**
 * Vessels listed in a sentence with their flags in brackets, as IUU notices and circulars list
 * them: "added the following vessels to the IUU list: OCEAN PEARL (Panama), SEA STAR (Belize) and
 * KOO'S 102 (Togo)", "los buques HAI LUNG (Belice) y ...". Only in a sentence that speaks of
 * vessels, a run in capitals right before a bracket that holds a country and nothing else.
 */
import { countryAt, nameAt, type Span } from "./phrases";
import type { Candidate } from "./tables";
import { validate } from "./values";
import { NOUN, notAName } from "./vessel-names";

/** A bracket of a few words: "(Panama)", "( Belize )", "(Taiwan, Province of China)". */
const BRACKET = /\(\s*([^()\n]{2,45}?)\s*\)/g;
/** A vessel's noun, singular or plural, in the sentence before: "the following vessels", "los buques". */
const VESSEL_WORD = new RegExp(`(?<![\\p{L}])(?:${NOUN})(?:s|es|x)?(?![\\p{L}])|\\b(?:F\\/V|M\\/V)\\b`, "iu");

/** Words before a place's name: "in", "at", "en", "à", "port of". */
const PLACE_BEFORE = /(?:^|[^\p{L}])(?:in|at|to|from|near|off|en|à|au|aux|vers|hacia|desde|port|puerto|harbou?r)\s+$/iu;

export function bracketedFlags(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(BRACKET)) {
    const inside = m.index! + m[0].indexOf(m[1]);
    const flag = countryAt(text, inside);
    if (!flag || flag.end !== inside + m[1].length) continue;
    // A list goes on after the bracket ("(Panama), SEA STAR"); "(PNG) LIMITED" is inside a company's name.
    if (!/^\s*(?:[,.;:)]|$|\p{Ll})/u.test(text.slice(m.index! + m[0].length, m.index! + m[0].length + 3))) continue;
    const name = nameEndingAt(text, m.index!);
    // "seized in PORT LOUIS (Mauritius)", "puerto de asiento en SHIDAO (China)": a place, not a vessel.
    if (!name || PLACE_BEFORE.test(text.slice(Math.max(0, name.start - 12), name.start))) continue;
    const sentenceStart = Math.max(text.lastIndexOf(". ", name.start), text.lastIndexOf("\n\n", name.start), 0);
    const checked = validate("VESSEL_NAME", text.slice(name.start, name.end));
    if (!checked || !VESSEL_WORD.test(text.slice(sentenceStart, name.start))) continue;
    out.push({ label: "VESSEL_NAME", start: name.start, end: name.end, source: "rule", record: null, ...checked });
    out.push({ label: "FLAG_STATE", start: flag.start, end: flag.end, source: "rule", record: null, value: flag.alpha3!, flags: [], confidence: 0.9 });
  }
  return out;
}

/** The name in capitals that ends at `at` (spaces before the bracket aside), after a list's separator. */
function nameEndingAt(text: string, at: number): Span | null {
  let end = at;
  while (end > 0 && text[end - 1] === " ") end--;
  const from = Math.max(text.lastIndexOf("\n", end - 1) + 1, end - 60);
  // After the last of ":", ",", ";", "and", "et", "y" (or from the line's start).
  const separators = [...text.slice(from, end).matchAll(/[:,;]|\s(?:and|et|y|e|&)(?=\s)/giu)];
  const last = separators.at(-1);
  const after = last ? from + last.index! + last[0].length : from;
  // The first word from there on that starts a name running up to the bracket: "el buque SEA WIND".
  let name: Span | null = null;
  for (const word of text.slice(after, end).matchAll(/\S+/g)) {
    name = nameAt(text, after + word.index!);
    if (name?.end === end) break;
    name = null;
  }
  if (!name) return null;
  const value = text.slice(name.start, name.end);
  return /\p{Ll}/u.test(value) || notAName(value) ? null : name;
}
