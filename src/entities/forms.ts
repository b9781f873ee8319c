/**
 * Forms: a line that is a field's label and its value, as registry extracts, authorisations and
 * inspection reports write them, in their many wordings and three languages ("Name of the vessel
 * OCEAN PEARL", "7. Flag State: Panama", "Nom du navire ; OCEAN PEARL", "Pavillon * Panama",
 * "Identificador OMI del buque, si está disponible 9074729", "d / Lloyds IMO Number, if available /
 * 9074729 /"). The label is read by the same words as table headers (./headers.ts); a label naming
 * several fields ("Name of vessel, register number") takes as many values, in order; a value's
 * bracket holds the previous one when the label says so ("Current Flag (previous flag/s, if any)").
 */
import { labelForHeader } from "./headers";
import { companyAt, countryAt, LEGAL_FORM, nameAt, type Span } from "./phrases";
import { notAName } from "./vessel-names";
import type { Candidate } from "./tables";
import { failedCheckFlags, validate } from "./values";

/** An enumeration before a label: "1.", "6°", "a /", "(A)", "a)", "-", "•", "□". */
export const ENUMERATION = /^[ \t]*(?:[-−–•□☐*]+|\(?[A-Za-z]\)|\([A-Za-z0-9]{1,3}\)|[0-9]{1,3}[.°)]|[a-z][.)]|[a-z][ \t]*[/|])[ \t]*/;
/** What separates a label from its value when something does. */
const SEPARATOR = /[ \t]*(?::|;|\*|[/|](?=[ \t])|\t|[ \t]{2,}|[ \t]-[ \t])[ \t]*/g;
/** Parts of a label that qualify it without changing what it asks for. */
const QUALIFIER = /\((?:if any|if known|if available|if applicable|s|es|les|x)\)|,?[ \t]*(?:if (?:any|known|available|applicable)|si (?:está|esta) disponible|si procede|le cas échéant|si disponible)\b|\*/gi;
const PREVIOUS_IN_BRACKETS = /\((?:previous|former|ancien|anterior)[^)]*\)/i;
/** "Name and address of the owner", "Nom et adresse du propriétaire": the value starts with the owner's name. */
const NAME_AND_MORE = /^(?:the\s+|le\s+|el\s+)?(?:full\s+)?(?:names?|noms?|nombres?)\s+(?:and|et|y|&)\s+(?:l['’]\s*|las?\s+|the\s+)?(?:(?:full\s+|official\s+|registered\s+)?(?:address(?:es)?|adresses?|direcci[oó]n(?:es)?|domicilios?|age|âge|edad)\s+(?:(?:officielles?|officiels?|oficial(?:es)?)\s+)?)(?:of\s+(?:the\s+)?(?:vessel['’]s\s+)?|du\s+|de\s+la\s+|de\s+l['’]\s*|des\s+|del\s+|de\s+los\s+|de\s+)/i;
/** An answer on the line after a question-like label: "□ Yes: 4DET2", "Oui : V7HB9". */
const YES_ANSWER = /^[ \t]*(?:[□☐☒✓xX]|\[[ xX]\])?[ \t]*(?:Yes|Oui|S[ií])[ \t]*[:\-–][ \t]*/;
/** Words that lengthen a label without starting its value: "VESSEL NAME", "RADIO CALL SIGN", "IMO No.". */
const LABEL_WORDS = new Set("name names nom nombre number numbers no no. nº n° of the vessel vessel's vessels ship du de del navire buque sign call radio international state code flag registry register registration port owner owners operator operators company address id identification".split(" "));

/** Words of a sentence, which no label holds. */
const SENTENCE_WORDS = /(?:^|\s)(?:il|elle|it|was|were|is|are|has|had|been|est|était|a été|bat|es|fue|era|ha|which|who|qui|que|que|cuyo)(?=\s|$)/i;

/** Labels whose value is one token (a code or a number), not the rest of the field. */
const TOKEN_LABELS = new Set(["IMO_NUMBER", "MMSI", "IRCS_CALL_SIGN", "EU_CFR_NUMBER", "NATIONAL_REGISTRY_NUMBER", "AUTHORIZATION_NUMBER", "LICENSE_NUMBER", "BUILD_YEAR", "SPECIES_CODE"]);
/** Flags that say a value is none the reference tables know: a field found without a separator must not have one. */
const UNKNOWN_VALUE = new Set(["gear_unknown", "species_unknown"]);

/** The field's words up to a comma, semicolon or bracket, when the label's check accepts them. */
function wholeField(text: string, start: number, value: string, label: string, strict: boolean): Span | null {
  const field = /^[^,;()\n|]+/.exec(value)?.[0].replace(/[ \t./]+$/, "") ?? "";
  if (!field) return null;
  const checked = validate(label, field);
  if (!checked || checked.flags.some((f) => failedCheckFlags.has(f) || (strict && UNKNOWN_VALUE.has(f)))) return null;
  return { start, end: start + field.length };
}

/** A form's own words where a name would go ("OWNER LAST NAME | FIRST NAME"): a label, not a name. */
const FIELD_WORDS = /^(?:(?:last|first|middle|given|family|full|business|company)\s+)?(?:names?|surname|address|suffix)$/i;

/** The same words before a value: "BUSINESS NAME KOREA SHIPMANAGERS CO., LTD". */
const FIELD_WORDS_BEFORE = /^\s*(?:(?:(?:last|first|full|business|company|legal|trading)\s+)?names?\s*[:/|]?\s+(?=\S))?/i;

/** Labels whose values are names of things rather than checkable codes. */
const NAMED = new Set(["VESSEL_NAME", "OWNER_NAME", "OPERATOR_NAME", "PREVIOUS_NAME", "CHARTER_COMPANY", "BENEFICIAL_OWNER", "REGISTRATION_PORT"]);

export function formFields(text: string): Candidate[] {
  const out: Candidate[] = [];
  let lineStart = 0;
  // A label alone on its line ("RADIO CALL SIGN (Indicate whether ...)") waits for a "Yes: ..." answer.
  let waiting: Waiting | null = null;
  for (const line of text.split("\n")) {
    const fields = fieldsOf(text, lineStart, line);
    out.push(...fields);
    const answer = YES_ANSWER.exec(line);
    const alone = fields.length ? null : labelAlone(line);
    if (waiting !== null && answer !== null) out.push(...valuesFor(text, lineStart + answer[0].length, line.slice(answer[0].length), waiting.labels, waiting.label));
    // "Flag State:" on one line, "Panama" on the next.
    else if (waiting !== null && waiting.lines === 0 && !fields.length && !alone && line.trim()) {
      const lead = line.length - line.trimStart().length;
      const found = valuesFor(text, lineStart + lead, line.slice(lead), waiting.labels, waiting.label, true);
      out.push(...found);
      if (found.length) {
        waiting = null;
        lineStart += line.length + 1;
        continue;
      }
    }
    waiting = fields.length || answer ? null : (alone ?? older(waiting));
    lineStart += line.length + 1;
  }
  return out;
}

interface Waiting {
  labels: string[];
  label: string;
  /** Lines read since the label. */
  lines: number;
}

/** A waiting label, one line older; forgotten after three. */
function older(waiting: Waiting | null): Waiting | null {
  return waiting && waiting.lines < 2 ? { ...waiting, lines: waiting.lines + 1 } : null;
}

/** A line that is only a label, perhaps with its explanation in brackets. */
function labelAlone(line: string): Waiting | null {
  const label = line.slice(ENUMERATION.exec(line)?.[0].length ?? 0).replace(/\([^)]*\)?.*$/, "").replace(/[ \t]*[:：][ \t]*$/, "").trim();
  const labels = label.length <= 60 ? labelsOf(label) : [];
  return labels.length ? { labels, label, lines: 0 } : null;
}

/**
 * Where another label with its colon starts inside a value: a known one, or one in capitals marked
 * "*" or set apart by spaces (which ends the value though it names nothing we read).
 */
function nextLabel(value: string): { at: number; known: boolean } | null {
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

function fieldsOf(text: string, at: number, line: string): Candidate[] {
  const enumeration = ENUMERATION.exec(line)?.[0].length ?? 0;
  const body = line.slice(enumeration);
  const base = at + enumeration;
  // A row of a form laid out as a table: "Vessel name | Name of the vessel | OCEAN PEARL".
  const cells = [...body.matchAll(/[^|]+/g)].filter((cell) => cell[0].trim());
  if (cells.length >= 3 && /\|/.test(body)) {
    const fields = labelsOf(cells[0][0].trim());
    const last = cells.at(-1)!;
    if (fields.length === 1 && !labelsOf(last[0].trim()).length) return valuesFor(text, base + last.index!, last[0], fields, cells[0][0]);
  }
  // With a separator: the label is everything before the first one.
  SEPARATOR.lastIndex = 0;
  for (const separator of body.matchAll(SEPARATOR)) {
    const label = body.slice(0, separator.index);
    if (!label.trim() || label.length > 200) break;
    const fields = labelsOf(label);
    if (!fields.length) continue;
    const valueAt = separator.index! + separator[0].length;
    const value = body.slice(valueAt);
    // "*VESSEL NAME: OCEAN PEARL *VESSEL OFFICIAL NO: 1234": the value ends where the next label begins.
    const next = nextLabel(value);
    const found = valuesFor(text, base + valueAt, next === null ? value : value.slice(0, next.at), fields, label);
    if (next === null) return found;
    const rest = value.slice(next.at);
    const restAt = base + valueAt + next.at;
    if (next.known) return [...found, ...fieldsOf(text, restAt, rest)];
    // An unknown label: what follows its colon is its value; the line may go on with a known one.
    const colon = rest.indexOf(":") + 1;
    const after = nextLabel(rest.slice(colon));
    return after?.known ? [...found, ...fieldsOf(text, restAt + colon + after.at, rest.slice(colon + after.at))] : found;
  }
  // Without one: the shortest run of words that is a label and leaves a value that fits it,
  // lengthened by words that belong to labels ("VESSEL" -> "VESSEL NAME").
  const words = [...body.matchAll(/\S+/g)];
  for (let n = 1; n < Math.min(words.length, 14); n++) {
    const labelOf = (k: number) => body.slice(0, words[k - 1].index! + words[k - 1][0].length);
    // A label is a few words, not a clause: "Il bat pavillon togolais après avoir été immatriculé en" is prose.
    if (SENTENCE_WORDS.test(labelOf(n))) break;
    const fields = labelsOf(labelOf(n));
    if (!fields.length) continue;
    let k = n;
    while (k + 1 < words.length && LABEL_WORDS.has(words[k][0].toLowerCase()) && labelsOf(labelOf(k + 1)).join() === fields.join()) k++;
    const valueAt = words[k].index!;
    const found = valuesFor(text, base + valueAt, body.slice(valueAt), fields, labelOf(k), true);
    if (found.length) return found;
    // A label followed by what starts like a value, and that value did not fit: the label does not run on into it.
    if (/^[\p{Lu}\d]/u.test(words[k][0]) && !LABEL_WORDS.has(words[k][0].toLowerCase())) break;
  }
  return [];
}

/** Whether a line begins with a label ("Nom des autres navires ...", "Flag State ..."): a form's next field. */
export function startsWithLabel(line: string): boolean {
  const words = line.trim().split(/\s+/).slice(0, 6);
  if (!/^\p{Lu}/u.test(words[0] ?? "")) return false;
  for (let n = 1; n <= words.length; n++) if (labelsOf(words.slice(0, n).join(" ")).length) return true;
  return false;
}

/** The labels a label names, in order ("Name of vessel, register number" -> two). */
function labelsOf(label: string): string[] {
  const clean = label.replace(QUALIFIER, " ").replace(/\((?:previous|former|ancien|anterior|précédent)[^)]*\)?/gi, " ").replace(NAME_AND_MORE, "").replace(/\s+/g, " ").trim();
  if (!clean || /\d{3,}/.test(clean)) return [];
  const whole = labelForHeader(clean);
  const parts = clean.split(/,|;|\s+(?:and|et|y|or|ou|o)\s+(?=(?:the\s+)?(?:name|flag|imo|ircs|call|owner|operator|register|previous|port|nom|pavillon|nombre|bandera|master|captain|address|age)\b)/i).map((p) => p.trim()).filter(Boolean);
  if (parts.length > 1) {
    // "PREVIOUS VESSEL NAMES, VESSEL FLAGS, EFFECTIVE DATES": the first part's "previous" is every part's.
    const previous = /^(?:previous|former|ancien\w*|anterior\w*)\b/i.test(parts[0]);
    const labels = parts.map((part, i) => labelForHeader(previous && i > 0 ? `previous ${part}` : part) ?? "");
    if (labels.filter(Boolean).length >= 1 && labels.length <= 6) return labels;
  }
  return whole ? [whole] : [];
}

/**
 * Values for the labels, from `value` at `at`: one label takes the value to the end of the field;
 * several take ";"-separated values (or ","-separated ones when there are as many). `strict`: the
 * label was found without a separator, so the value must plainly be one.
 */
function valuesFor(text: string, at: number, value: string, labels: string[], label: string, strict = false): Candidate[] {
  const field = value.replace(/[ \t]*[/|][ \t]*$/, "");
  if (!field.trim()) return [];
  let parts: Array<{ start: number; text: string }> = [{ start: 0, text: field }];
  if (labels.length > 1) {
    for (const separator of [";", " / ", ","]) {
      const pieces = splitAt(field, separator);
      if (pieces.length >= labels.length) {
        parts = pieces;
        break;
      }
    }
  }
  const out: Candidate[] = [];
  labels.forEach((name, i) => {
    const part = parts[i];
    if (!name || !part) return;
    const found = valueOf(text, at + part.start, part.text, name, strict);
    if (!found) return;
    out.push(found.candidate);
    // "OCEAN PEARL (SEA STAR)" under "Current Name of Vessel (Previous name/s, if any)".
    if (PREVIOUS_IN_BRACKETS.test(label) && found.rest) {
      const bracket = /^\s*\(([^)]+)\)/.exec(found.rest.text);
      const previous = name === "VESSEL_NAME" ? "PREVIOUS_NAME" : name === "FLAG_STATE" ? "PREVIOUS_FLAG" : null;
      if (bracket && previous) {
        const start = found.rest.start + bracket[0].indexOf(bracket[1]);
        const checked = validate(previous, bracket[1]);
        if (checked) out.push({ label: previous, start, end: start + bracket[1].trim().length, source: "rule", record: null, ...checked });
      }
    }
  });
  return out;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /[\s*,;/|]/.test(text[end - 1])) end--;
  return end;
}

function splitAt(field: string, separator: string): Array<{ start: number; text: string }> {
  const out: Array<{ start: number; text: string }> = [];
  let start = 0;
  for (const piece of field.split(separator)) {
    const lead = piece.length - piece.trimStart().length;
    // "FCF CO., LTD": a comma before a legal form is the company's own.
    if (separator === "," && out.length && LEGAL_FORM.test(piece.trim().replace(/[.,]+$/, ""))) out[out.length - 1].text = field.slice(out[out.length - 1].start, start + piece.length).trim();
    else out.push({ start: start + lead, text: piece.trim() });
    start += piece.length + separator.length;
  }
  return out.filter((p) => p.text);
}

/** One field's value: the name, company, country or code at `at`, checked; with what follows it. */
function valueOf(text: string, at: number, value: string, label: string, strict: boolean): { candidate: Candidate; rest: { start: number; text: string } | null } | null {
  // "PERMIT HOLDER / BUSINESS NAME KOREA SHIPMANAGERS": the form's own words for the field come first.
  const lead = NAMED.has(label) ? (FIELD_WORDS_BEFORE.exec(value)?.[0].length ?? 0) : value.length - value.trimStart().length;
  const start = at + lead;
  let span: Span | null;
  if (label === "FLAG_STATE" || label === "PREVIOUS_FLAG") span = countryAt(text, start);
  else if (label === "OWNER_NAME" || label === "OPERATOR_NAME" || label === "CHARTER_COMPANY" || label === "BENEFICIAL_OWNER") span = companyAt(text, start);
  else if (label === "VESSEL_NAME" || label === "PREVIOUS_NAME") span = nameAt(text, start);
  else if (!TOKEN_LABELS.has(label) && (span = wholeField(text, start, value.trimStart(), label, strict))) {
    // Gear, species, a vessel's type, a date in words: the field up to its end.
  } else {
    // One token; a call sign may be written in two ("3B 2924") when its first part is short.
    // A token in quotes ("mmsi": "412345678") is read inside them.
    const quote = /^["'“]/.test(value.trimStart()) ? 1 : 0;
    const token = /^[^\s,;()/|"'”]{1,4}[ -][A-Z0-9]{1,5}(?=[\s,;()/|"'”]|$)|^[^\s,;()/|"'”]+/.exec(value.trimStart().slice(quote));
    span = token ? { start: start + quote, end: start + quote + token[0].length } : null;
  }
  if (!span) return null;
  // The value given is the field's: a name does not run on into the next label on the line.
  const fieldEnd = at + value.trimEnd().length;
  if (span.end > fieldEnd) span = { ...span, end: trimEnd(text, span.start, fieldEnd) };
  if (span.end <= span.start) return null;
  const raw = text.slice(span.start, span.end);
  const checked = validate(label, raw);
  if (!checked || (strict && checked.flags.some((f) => failedCheckFlags.has(f) || UNKNOWN_VALUE.has(f)))) return null;
  if (strict && NAMED.has(label) && (!/^[\p{Lu}\d“"«]/u.test(raw) || /^(?:OF|THE|AND|DE|DU|DEL|ET|Y)\b/.test(raw))) return null;
  if (NAMED.has(label) && FIELD_WORDS.test(raw.trim())) return null;
  if (strict && (label === "VESSEL_NAME" || label === "PREVIOUS_NAME") && notAName(raw)) return null;
  const restStart = span.end - at;
  const rest = restStart < value.length ? { start: span.end, text: value.slice(restStart) } : null;
  return { candidate: { label, start: span.start, end: span.end, source: "rule", record: null, ...checked }, rest };
}
