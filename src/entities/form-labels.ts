/**
 * A form's labels: what a label asks for ("Name of vessel, register number" -> two fields; "Nom
 * du navire / Name of vessel" -> one, in two languages), where a line's labels begin (an
 * enumeration "1.", "a)", ".1"; several fields to a line), and where the next label starts.
 */
import { labelForHeader, normaliseHeader } from "./headers";

/** An enumeration before a label: "1.", "6°", "a /", "(A)", "a)", "B-", "-", "•", "□"; or two: "- (a)", "1. a)". */
export const ENUMERATION = /^(?:[ \t]*(?:[-−–•□☐*]+|\.[0-9]{1,2}(?=[ \t])|\(?[A-Za-z]\)|\([A-Za-z0-9]{1,3}\)|[0-9]{1,3}[.°)]|[a-z][.)]|[A-Za-z]-(?=[ \t])|[a-z][ \t]*[/|])[ \t]*){1,2}/;

/** Parts of a label that qualify it without changing what it asks for. */
export const QUALIFIER = /\((?:si|if|when|where|lorsque|cuando|en\s+caso)\s[^)]*\)|\((?:if any|if known|if available|if applicable|s|es|les|x|si se conocen?|en su caso)\)|,?[ \t]*(?:if (?:any|known|available|applicable)|si (?:está|esta) disponible|si procede|le cas échéant|si disponible|si se conocen?|en su caso|s['’]il est connu)\b|,[ \t]*if[ \t]+(?:the[ \t]+)?vessel[ \t]+is[^,;]*|\*/gi;
/** A reference to the text that defines a field ("conformément à l'article 221-XI-1/03", "in accordance with regulation XI-1/3"): what it asks stays the same. */
const LEGAL_REFERENCE = /[,(]?[ \t]*(?<![\p{L}])(?:conformément\s+à|conforme\s+(?:à|a)|in\s+accordance\s+with|according\s+to|pursuant\s+to|as\s+(?:defined|required|referred\s+to)\s+(?:in|by)|de\s+conformidad\s+con|con\s+arreglo\s+a|en\s+virtud\s+de|tel(?:le)?s?\s+que\s+défini\w*\s+(?:à|par)|según\s+(?:el|la|lo))(?![\p{L}]).*$/iu;
export const PREVIOUS_IN_BRACKETS = /\((?:previous|former|ancien|anterior)[^)]*\)|\b(?:and|et|y)\s+(?:previous|former|anciens?|anteriores?)\b/i;
/**
 * "Name and address of the owner", "Nom et adresse du propriétaire", anywhere in a label ("the name
 * and number, together with the name and address of the owner"): the value starts with the owner's name.
 */
const NAME_AND_MORE = /(?<![A-Za-z])(?:the\s+|le\s+|el\s+)?(?:full\s+)?(?:names?|noms?|nombres?)\s+(?:and|et|y|&)\s+(?:l['’]\s*|las?\s+|the\s+)?(?:(?:full\s+|official\s+|registered\s+|business\s+|postal\s+|mailing\s+)?(?:address(?:es)?|adresses?|direcci[oó]n(?:es)?|domicilios?|age|âge|edad)\s+(?:(?:officielles?|officiels?|oficial(?:es)?|compl[èe]tes?|complet[oa]s?)\s+)?)(?:of\s+(?:the\s+)?(?:vessel['’]s\s+)?|du\s+|de\s+la\s+|de\s+l['’]\s*|des\s+|del\s+|de\s+los\s+|de\s+)/gi;

/** Words of a sentence, which no label holds. */
export const SENTENCE_WORDS = /(?:^|\s)(?:il|elle|it|was|were|is|are|has|had|been|be|will|would|shall|must|est|était|a été|bat|es|fue|era|ha|which|who|qui|que|que|cuyo)(?=\s|$)/i;

/** Words that lengthen a label without starting its value: "VESSEL NAME", "RADIO CALL SIGN", "IMO No.". */
export const LABEL_WORDS = new Set("name names nom nombre number numbers no no. nº n° of the vessel vessel's vessels ship du de del navire buque sign call radio international state code flag registry register registration port owner owners operator operators company address id identification immatriculation d'immatriculation d’immatriculation d'attache d’attache matrícula matricula".split(" "));

/** A possessive before one part of a label naming several: "son", "its", "the vessel's". */
const POSSESSIVE = /^(?:(?:its|son|sa|ses|su|sus)\s+|(?:the\s+)?(?:vessel|ship)['’]s\s+)/i;

/** Enumerators inside a line: "a) name of the fishing vessel; X b) WCPFC Identification Number; Y". */
const INLINE_ENUMERATION = /(?<=\S[ \t]+)\(?(?:[a-z]|[ivx]{1,4})\)[ \t]+/g;

/** The text's lines, and the fields of a line that enumerates several ("a) ...; X b) ...; Y"), each with its offset. */
export function fieldLines(text: string): Array<{ line: string; lineStart: number }> {
  const out: Array<{ line: string; lineStart: number }> = [];
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const inline = [...line.matchAll(INLINE_ENUMERATION)].map((m) => m.index!);
    // A line that starts an enumeration, or holds two: "2. ... the following information a) name; X b) ...".
    const cuts = inline.length >= 2 || (inline.length && /^[ \t]*\(?(?:[a-z]|[ivx]{1,4})\)/.test(line)) ? inline : [];
    let from = 0;
    for (const cut of [...cuts, line.length]) {
      out.push({ line: line.slice(from, cut), lineStart: lineStart + from });
      from = cut;
    }
    lineStart += line.length + 1;
  }
  return out;
}

/**
 * Where another label with its colon starts inside a value: a known one, or one in capitals marked
 * "*" or set apart by spaces (which ends the value though it names nothing we read).
 */
export function nextLabel(value: string): { at: number; known: boolean } | null {
  for (const m of value.matchAll(/(?<=\S)([ \t]*\*[ \t]*|[ \t]{2,}|\t|[ \t])((?:[\p{L}'’./#]+[ \t]){0,5}[\p{L}'’./#]+)[ \t]*:(?=[ \t])/gu)) {
    const marked = m[1].trim() === "*" || m[1].length >= 2 || m[1] === "\t";
    if (marked) {
      if (labelsOf(m[2]).length || !/\p{Ll}/u.test(m[2])) return { at: m.index! + (m[1].includes("*") ? m[1].indexOf("*") : m[1].length), known: labelsOf(m[2]).length > 0 };
      continue;
    }
    // "Name: OCEAN STAR Flag: Panama": the label is the words before the colon that labels are made of.
    const words = m[2].split(/[ \t]+/);
    let first = words.length - 1;
    while (first > 0 && LABEL_WORDS.has(words[first - 1].toLowerCase())) first--;
    const label = words.slice(first).join(" ");
    if (labelsOf(label).length) return { at: m.index! + m[0].lastIndexOf(label, m[0].indexOf(":")), known: true };
  }
  return null;
}

/** Whether a line begins with a label ("Nom des autres navires ...", "Flag State ..."): a form's next field. */
export function startsWithLabel(line: string): boolean {
  const words = line.trim().split(/\s+/).slice(0, 6);
  if (!/^\p{Lu}/u.test(words[0] ?? "")) return false;
  for (let n = 1; n <= words.length; n++) if (labelsOf(words.slice(0, n).join(" ")).length) return true;
  return false;
}

/** The labels a label names, in order ("Name of vessel, register number" -> two). */
export function labelsOf(label: string): string[] {
  const clean = label.replace(QUALIFIER, " ").replace(LEGAL_REFERENCE, "").replace(/\((?:previous|former|ancien|anterior|précédent)[^)]*\)?/gi, " ").replace(NAME_AND_MORE, "").replace(/\s+/g, " ").trim();
  if (!clean || /\d{3,}/.test(clean)) return [];
  // "exploitant (propriétaire ou son représentant)": a remark in brackets does not change what the label asks.
  // "L'identification (nom, indicatif radio, numéro OMI et MMSI) du navire": the fields are the bracket's.
  const listed = /\(([^)]*,[^)]*)\)/.exec(clean);
  if (listed && labelsOf(listed[1]).filter(Boolean).length >= 2) return labelsOf(listed[1]);
  const plain = clean.replace(/\s*\([^)]*\)\s*/g, " ").trim();
  if (plain !== clean && plain && labelForHeader(plain)) return labelsOf(plain);
  const whole = labelForHeader(clean);
  const parts = clean.split(/,|;|\s+\/\s+|\s+(?:and|et|y|or|ou|o)\s+(?=(?:(?:the|its|son|sa|ses|su|sus|le|la|el|du|de\s+la|del|de\s+l['’])\s*)?(?:name|flag|imo|ircs|mmsi|call|radio|international|owner|operator|regist\w*|previous|port|home|country|nom|pavillon|pays|indicatif|nombre|bandera|pabell[oó]n|pa[ií]s|puerto|distintiv[oa]|master|captain|capitaine|capit[aá]n|patr[oó]n|address|age)\b|(?:its|their|son|sa|ses|leur|leurs|su|sus|le|la|les|el|los|las)\s+\p{L})/iu).map((p) => p.trim()).filter(Boolean);
  if (parts.length > 1) {
    // "PREVIOUS VESSEL NAMES, VESSEL FLAGS, EFFECTIVE DATES": the first part's "previous" is every part's.
    const previous = /^(?:previous|former|ancien\w*|anterior\w*)\b/i.test(parts[0]);
    // ("son port", "the vessel's port": a part read without its possessive.)
    const labels = parts.map((part, i) => partLabel(previous && i > 0 ? `previous ${part}` : part.replace(POSSESSIVE, ""), parts[i - 1], clean));
    // "Name of vessel / Nom du navire": one label in two languages.
    if (labels.every((l) => l && l === labels[0])) return [labels[0]];
    if (labels.filter(Boolean).length >= 1 && labels.length <= 10) return labels;
  }
  return whole ? [whole] : [];
}

/**
 * One part of a label naming several fields. A bare "nationality" in a list of the ship's fields
 * is its flag ("the name, nationality, call sign ... of the ship"); a bare "country" after a
 * port is that port's ("Last Port / Country").
 */
function partLabel(part: string, before: string | undefined, whole: string): string {
  const bare = normaliseHeader(part);
  if (/^(?:la |le |the |su |sa )?(?:nationality|nationalite|nacionalidad)$/.test(bare) && OF_THE_SHIP.test(normaliseHeader(whole))) return "FLAG_STATE";
  if (/^(?:country|pays|pais)$/.test(bare) && before && /\b(?:port|puerto)\b/i.test(before)) return "";
  return labelForHeader(part) ?? "";
}

/** A label that ends on whose fields they are: "... of the ship", "... du navire", "... del buque". */
const OF_THE_SHIP = /\b(?:of the|du|de la|del|de l)\s+(?:ship|vessel|navire|bateau|batiment|buque|barco|embarcacion)$/;
