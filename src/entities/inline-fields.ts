/**
 * Fields written one after another inside a sentence, each a label and its value between commas:
 * "communiquer le nom BELBEK, l'État du pavillon Chypre, le lieu ...", "nombre de la nave NUEVO
 * CHAROLAIS, Call Sign (indicativo de llamada) ECIY, bandera de registro España, puerto ...".
 * A clause is taken only when it is exactly a label of ours and a value that checks out as that
 * label's: a country for a flag, a name in capitals for a name, a code that passes its check.
 */
import { labelsOf, SENTENCE_WORDS } from "./form-labels";
import { flagAt, nameAt } from "./phrases";
import type { Candidate } from "./tables";
import { failedCheckFlags, validate } from "./values";
import { notAName } from "./vessel-names";

/** The labels read this way (each value found by its own reader in `valueFor`). */
const READ = new Set(["FLAG_STATE", "VESSEL_NAME", "IRCS_CALL_SIGN", "IMO_NUMBER", "MMSI"]);
/** A clause between commas, semicolons or a lower-case "and" (or a line's start and end): "the name X and IRCS Y of the vessel". */
const CLAUSE = /(?:[^,;\n ]| (?!(?:and|y|et) ))+/g;
/** What may come before the label: an article, a possessive, "and". */
const LEAD = /^\s*(?:(?:and|et|y)\s+)?(?:(?:le|la|les|el|the|its|son|sa|ses|su|sus)\s+|l['’]\s*)?/iu;

export function inlineFields(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const clause of text.matchAll(CLAUSE)) {
    // (A tab parts a form's or a table's cells, which their own readers read.)
    if (clause[0].includes("\t")) continue;
    const lead = LEAD.exec(clause[0])![0].length;
    // (Not the value's: the sentence's full stop, the next field's "and" in "... 3DYK et", whose
    // the field is in "le numéro OMI 8114481 du navire".)
    const body = clause[0].slice(lead).trimEnd().replace(/(?<![A-Z])\.$/, "").replace(TAIL, "");
    const found = fieldIn(text, clause.index! + lead, body);
    if (found) out.push(found);
  }
  return out;
}

/** The clause's field: a label starting it or after an article in it ("communiquer le nom X"), then its value to the clause's end. */
function fieldIn(text: string, at: number, body: string): Candidate | null {
  const words = [...body.matchAll(/\S+/g)];
  for (let first = 0; first < words.length - 1; first++) {
    const elided = /^l['’]/i.exec(words[first][0])?.[0].length ?? 0;
    if (first > 0 && !elided && !ARTICLE.test(words[first - 1][0])) continue;
    const from = words[first].index! + elided;
    // ("numéro de coque (si différent de l'indicatif d'appel) FM-7095": a label inside a bracket is a remark's.)
    if (body.slice(0, from).split("(").length > body.slice(0, from).split(")").length) continue;
    // The shortest run of words that names one of our fields and leaves a value that checks out.
    for (let last = first; last < Math.min(words.length - 1, first + 7); last++) {
      const label = body.slice(from, words[last].index! + words[last][0].length);
      // (A label is in small letters but for an identifier's acronym ("RYOAN MARU No." is a name's
      // part), and no sentence: "the crew were all Thai".)
      if (/(?!(?:IMO|OMI|MMSI|IRCS)\b)\p{Lu}{2}/u.test(label) || SENTENCE_WORDS.test(label)) break;
      const labels = labelsOf(label);
      // ("the State Panama": a list's one-word header for the flag is no field inside a sentence.)
      if (labels.length !== 1 || !READ.has(labels[0]) || /^(?:state|country|pays|pa[ií]s|[ée]tat|estado)$/i.test(label)) continue;
      const found = valueFor(text, at + words[last + 1].index!, at + body.length, labels[0]);
      if (found) return found;
    }
  }
  return null;
}

/** What may follow a value to the clause's end: "and", or whose it is ("du navire", "of the vessel"). */
const TAIL = /\s+(?:and|et|y|(?:du|de\s+la|de\s+l['’]|of\s+the|del)\s+(?:navire|bateau|vessel|ship|buque|barco))$/iu;

/** An article or possessive that may stand before a label inside a clause. */
const ARTICLE = /^(?:le|la|les|el|the|its|son|sa|ses|su|sus)$/i;

/** The value from `start` to exactly `end`, checked as `label`'s. */
function valueFor(text: string, start: number, end: number, label: string): Candidate | null {
  const span = label === "FLAG_STATE" ? flagAt(text, start) : label === "VESSEL_NAME" ? nameAt(text, start) : { start, end };
  if (!span || span.start !== start || span.end !== end) return null;
  const raw = text.slice(span.start, span.end);
  if (label === "VESSEL_NAME" && (/\p{Ll}/u.test(raw) || !/\p{L}/u.test(raw) || notAName(raw))) return null;
  const checked = label === "FLAG_STATE" && span.alpha3 ? { value: span.alpha3, flags: [], confidence: 0.9 } : validate(label, raw);
  if (!checked || checked.flags.some((f) => failedCheckFlags.has(f) || f === "flag_unknown")) return null;
  return { label, start: span.start, end: span.end, source: "rule", record: null, ...checked };
}
