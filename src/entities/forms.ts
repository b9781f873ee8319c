/**
 * Forms: a line that is a field's label and its value, as registry extracts, authorisations and
 * inspection reports write them, in their many wordings and three languages ("Name of the vessel
 * OCEAN PEARL", "7. Flag State: Panama", "Nom du navire ; OCEAN PEARL", "Pavillon * Panama",
 * "Identificador OMI del buque, si está disponible 9074729", "d / Lloyds IMO Number, if available /
 * 9074729 /"). The label is read by ./form-labels.ts, in the words of table headers; a label naming
 * several fields ("Name of vessel, register number") takes as many values, in order; a value's
 * bracket holds the previous one when the label says so ("Current Flag (previous flag/s, if any)").
 */
import { ENUMERATION, fieldLines, LABEL_WORDS, labelsOf, nextLabel, PREVIOUS_IN_BRACKETS, startsWithLabel } from "./form-labels";
import { companyAt, countryAt, flagAt, LEGAL_FORM, nameAt, type Span } from "./phrases";
import { notAName } from "./vessel-names";
import type { Candidate } from "./tables";
import { failedCheckFlags, flagAlpha3, validate } from "./values";

/** What separates a label from its value when something does. */
const SEPARATOR = /[ \t]*(?::|;|\*|[/|](?=[ \t])|\t|[ \t]{2,}|[ \t]-[ \t])[ \t]*/g;
/** A separator further on the line. */
const SEPARATOR_AHEAD = /[ \t]*(?::|;|[/|](?=[ \t])|\t)[ \t]*/;
/** An answer on the line after a question-like label: "□ Yes: 4DET2", "Oui : V7HB9". */
const YES_ANSWER = /^[ \t]*(?:[□☐☒✓xX]|\[[ xX]\])?[ \t]*(?:Yes|Oui|S[ií])[ \t]*[:\-–][ \t]*/;
/** Words of a sentence, which no label holds. */
const SENTENCE_WORDS = /(?:^|\s)(?:il|elle|it|was|were|is|are|has|had|been|est|était|a été|bat|es|fue|era|ha|which|who|qui|que|que|cuyo)(?=\s|$)/i;

/** A word labels are made of, a comma after it or not ("country and port of registry, South Korea"). */
const labelWord = (word: string) => LABEL_WORDS.has(word.toLowerCase().replace(/[,;]$/, ""));

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
  // A label alone on its line ("RADIO CALL SIGN (Indicate whether ...)") waits for a "Yes: ..." answer.
  let waiting: Waiting | null = null;
  for (const { line, lineStart } of fieldLines(text)) {
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
        continue;
      }
    }
    waiting = fields.length || answer ? null : (alone ?? older(waiting));
  }
  return armadorAsOperator(text, out);
}

/**
 * "Armador" and "armateur" name the owner, unless the form asks for the owner apart ("nombre del
 * propietario ...; nombre del armador ..."): then they name the one who operates the vessel.
 */
function armadorAsOperator(text: string, found: Candidate[]): Candidate[] {
  const labelOf = (c: Candidate) => text.slice(text.lastIndexOf("\n", c.start - 1) + 1, c.start);
  const owners = found.filter((c) => c.label === "OWNER_NAME");
  const byOperatorWord = owners.filter((c) => /armador|armateur/i.test(labelOf(c)) && !OWNER_WORD.test(labelOf(c)));
  if (!byOperatorWord.length || !owners.some((c) => OWNER_WORD.test(labelOf(c)))) return found;
  return found.map((c) => (byOperatorWord.includes(c) ? { ...c, label: "OPERATOR_NAME" } : c));
}
const OWNER_WORD = /propietari|propri[ée]taire|\bowners?\b/i;

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
    if (!label.trim() || label.length > 400) break;
    const fields = labelsOf(label);
    if (!fields.length) continue;
    // "Name of vessel REJEKI SAMUDRA - 8": a dash inside a name in capitals after the label is the name's.
    if (/-/.test(separator[0]) && /\p{Ll}/u.test(label) && /\s[\p{Lu}\d]{2,}$/u.test(label)) continue;
    const valueAt = separator.index! + separator[0].length;
    const value = body.slice(valueAt);
    // "Name of vessel / Nom du navire: X", "IMO No. / Call Sign: 9074729 / 3FAB5": the label goes on
    // past a slash to another label (in another language, or a second field).
    if (/[/|]/.test(separator[0]) && SEPARATOR_AHEAD.test(value) && labelsOf(value.split(SEPARATOR_AHEAD)[0]).length) continue;
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
    // "La armadora del KHA YANG 9", "The Master and owner of ...": a sentence's subject, not a form's label.
    // (An enumerated line is a form's: "(a) the name of the vessel X", "− The flag of the vessel Panama".)
    if (!fields.length || (!enumeration && /^(?:the|la|le|el|los|las|les|l['’])\s/i.test(body))) continue;
    let k = n;
    // ("nom du bâtiment NO. 1 POHAH": a number sign before a number is the name's.)
    while (k + 1 < words.length && labelWord(words[k][0]) && !(/^n[oº°]\.?$/i.test(words[k][0]) && /^\d/.test(words[k + 1][0])) && labelsOf(labelOf(k + 1)).join() === fields.join()) k++;
    // ("country and port of registry, ...": a value does not begin with a label's word in small letters.)
    if (/^\p{Ll}/u.test(words[k][0]) && labelWord(words[k][0])) continue;
    const valueAt = words[k].index!;
    const found = valuesFor(text, base + valueAt, body.slice(valueAt), fields, labelOf(k), true);
    if (found.length) {
      // "... HAKKO MARU NO.2 MATRICULA JP-3014": the line goes on with the next field.
      const end = Math.max(...found.map((c) => c.end)) - base;
      const rest = body.slice(end);
      return startsWithLabel(rest) ? [...found, ...fieldsOf(text, base + end + (rest.length - rest.trimStart().length), rest.trimStart())] : found;
    }
    // A label followed by what starts like a value, and that value did not fit: the label does not run on into it.
    if (/^[\p{Lu}\d]/u.test(words[k][0]) && !LABEL_WORDS.has(words[k][0].toLowerCase())) break;
  }
  return [];
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
  // "Current vessel flag and name of vessel Taiwan, Province of China LUNG SOON NO.212": a country's
  // name (commas and all) is the flag, what follows it the next field.
  const country = labels.length === 2 && /FLAG/.test(labels[0]) ? countryWithComma(field, countryAt(field, field.length - field.trimStart().length)) : null;
  const after = country && /^[ \t]*[,;/]?[ \t]*(?=\S)/.exec(field.slice(country.end));
  if (country && after) parts = [{ start: country.start, text: field.slice(country.start, country.end) }, { start: country.end + after[0].length, text: field.slice(country.end + after[0].length).trim() }];
  else if (labels.length > 1) {
    for (const separator of [";", " / ", ","]) {
      const pieces = splitAt(field, separator);
      if (pieces.length >= labels.length) {
        parts = pieces;
        break;
      }
    }
  }
  // "Immatriculation ou indicatif radio du navire ; EI7573": one value for either field, the one it checks out as.
  const fields = labels.length > 1 && parts.length === 1 && /\s(?:or|ou|o)\s/i.test(label) ? [alternativeFor(text, at, field, labels, strict)] : labels;
  const out: Candidate[] = [];
  fields.forEach((name, i) => {
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
    } else if (name === "VESSEL_NAME" && found.rest) {
      // "Vessel: OCEAN STAR (Panama)": a country in brackets after the name is its flag.
      const bracket = /^[ \t]*\(/.exec(found.rest.text);
      const country = bracket && countryAt(text, found.rest.start + bracket[0].length);
      if (country && text[country.end] === ")") out.push({ label: "FLAG_STATE", start: country.start, end: country.end, source: "rule", record: null, value: country.alpha3!, flags: [], confidence: 0.9 });
    }
  });
  return out;
}

/** The end of a name before a label inside it that a value follows ("... NO.2 MATRICULA JP-3014"). */
function beforeNextLabel(text: string, span: Span): number {
  const words = [...text.slice(span.start, span.end).matchAll(/\S+/g)];
  // A value after the label: a word of the span, or the rest of the line.
  const more = /^[ \t]+\S/.test(text.slice(span.end, span.end + 3));
  for (let k = 1; k < words.length - (more ? 0 : 1); k++) {
    if (!/^\p{L}{3,}$/u.test(words[k][0])) continue;
    const pair = k + 1 < words.length && LABEL_WORDS.has(words[k][0].toLowerCase()) && labelsOf(`${words[k][0]} ${words[k + 1][0]}`).length;
    if (labelsOf(words[k][0]).length || pair) return trimEnd(text, span.start, span.start + words[k].index!);
  }
  return span.end;
}

/** Of labels that are alternatives, the one a value checks out as best: an identifier's check first. */
function alternativeFor(text: string, at: number, value: string, labels: string[], strict: boolean): string {
  const checks = ["IMO_NUMBER", "MMSI", "IRCS_CALL_SIGN"];
  const fits = (label: string) => {
    const found = valueOf(text, at, value, label, strict);
    return found !== null && !found.candidate.flags.length && (!checks.includes(label) || found.rest === null || !found.rest.text.trim());
  };
  return checks.find((label) => labels.includes(label) && fits(label)) ?? labels.find((label) => label && fits(label)) ?? labels[0];
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /[\s*,;/|]/.test(text[end - 1])) end--;
  return end;
}

/** A country's name that goes on past a comma: "Taiwan, Province of China", "Korea, Republic of". */
function countryWithComma(field: string, country: Span | null): Span | null {
  if (!country) return null;
  const words = /^,[ \t]*((?:[\p{L}'’]+[ \t]*){1,4})/u.exec(field.slice(country.end))?.[1].trim().split(/[ \t]+/) ?? [];
  for (let n = words.length; n >= 1; n--) {
    const name = `${field.slice(country.start, country.end)}, ${words.slice(0, n).join(" ")}`;
    if (flagAlpha3(name) === country.alpha3) return { ...country, end: field.indexOf(words[n - 1], country.end) + words[n - 1].length };
  }
  return country;
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
  // "PERMIT HOLDER / BUSINESS NAME KOREA SHIPMANAGERS": the form's own words for the field come
  // first; "____OCEAN STAR____", "[OCEAN STAR]": the blank's marks; "; and France": the list's "and".
  const blank = /^[\s_[]*(?:(?:and|et|y)[ \t]+(?=\p{Lu}))?/u.exec(value)![0].length;
  const lead = blank + (NAMED.has(label) ? (FIELD_WORDS_BEFORE.exec(value.slice(blank))?.[0].length ?? 0) : 0);
  const start = at + lead;
  let span: Span | null;
  if (label === "FLAG_STATE" || label === "PREVIOUS_FLAG") span = flagAt(text, start);
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
  // "NOMBRE DE LA EMBARCACION HAKKO MARU NO.2 MATRICULA JP-3014": in capitals, with no separator, a name ends where the next label begins.
  if (NAMED.has(label) && FIELD_WORDS.test(text.slice(span.start, span.end).trim())) return null;
  if (strict && NAMED.has(label)) span = { ...span, end: beforeNextLabel(text, span) };
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
