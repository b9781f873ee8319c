/**
 * A form field's values, once its label is read (./forms.ts): one label takes the name, company,
 * country or code at the start of the value; several take values split at ";", " / " or ",", or
 * read one after another when nothing separates them ("Sri Lanka NEGOMBO" for "flag state and
 * home port"), each value reader knowing where its kind of value ends.
 */
import { LABEL_WORDS, labelsOf, PREVIOUS_IN_BRACKETS } from "./form-labels";
import { companyAt, countryAt, endsCompany, flagAt, LEGAL_FORM, nameAt, type Span } from "./phrases";
import type { Candidate } from "./tables";
import { failedCheckFlags, flagAlpha3, validate } from "./values";
import { notACompany } from "./owner-phrases";
import { notAName } from "./vessel-names";

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
const FIELD_WORDS = /^(?:(?:last|first|middle|given|family|full|business|company)\s+)?(?:names?|surname|address|suffix|numbers?|num[ée]ros?|n[úu]meros?|pr[ée]noms?|apellidos?)$/i;

/** The same words before a value: "BUSINESS NAME KOREA SHIPMANAGERS CO., LTD". */
const FIELD_WORDS_BEFORE = /^\s*(?:(?:(?:last|first|full|business|company|legal|trading)\s+)?names?\s*[:/|]?\s+(?=\S))?/i;

/** Labels whose values are names of things rather than checkable codes. */
const NAMED = new Set(["VESSEL_NAME", "OWNER_NAME", "OPERATOR_NAME", "PREVIOUS_NAME", "CHARTER_COMPANY", "BENEFICIAL_OWNER", "REGISTRATION_PORT"]);

/**
 * Values for the labels, from `value` at `at`: one label takes the value to the end of the field;
 * several take ";"-separated values (or ","-separated ones when there are as many). `strict`: the
 * label was found without a separator, so the value must plainly be one.
 */
export function valuesFor(text: string, at: number, value: string, labels: string[], label: string, strict = false): Candidate[] {
  const field = value.replace(/[ \t]*[/|][ \t]*$/, "");
  if (!field.trim()) return [];
  let parts: Array<{ start: number; text: string }> = [{ start: 0, text: field }];
  // "Current vessel flag and name of vessel Taiwan, Province of China LUNG SOON NO.212": a country's
  // name (commas and all) is the flag, what follows it the next field.
  const country = labels.length === 2 && /FLAG/.test(labels[0]) ? countryWithComma(field, countryAt(field, field.length - field.trimStart().length)) : null;
  const after = country && /^[ \t]*[,;/]?[ \t]*(?=\S)/.exec(field.slice(country.end));
  if (country && after) parts = [{ start: country.start, text: field.slice(country.start, country.end) }, { start: country.end + after[0].length, text: field.slice(country.end + after[0].length).trim() }];
  else if (labels.length === 1 && PLURAL_FIELD.test(label)) {
    // "Names of the vessels: OCEAN STAR / LUCKY STAR 7", "Indicatifs d'appel : V7AB2, 3FXY4": one value a vessel.
    parts = [";", " / ", ...(COMPANIES.has(labels[0]) ? [] : [","])].map((separator) => splitAt(field, separator)).find((pieces) => pieces.length > 1) ?? parts;
  } else if (labels.length > 1) {
    for (const separator of [";", " / ", ","]) {
      const pieces = splitAt(field, separator);
      if (pieces.length >= labels.length) {
        parts = pieces;
        break;
      }
    }
  }
  // "Immatriculation ou indicatif radio du navire ; EI7573": one value for either field, the one it checks out as.
  const alternatives = labels.length > 1 && parts.length === 1 && /\s(?:or|ou|o)\s/i.test(label);
  if (labels.length > 1 && parts.length === 1) {
    // ("Nombre y distintivo de llamada o identidad de la estación LIBAS LFKW": "or" between two of
    // the fields still leaves a name and a code, one after the other.)
    const sequence = inSequence(text, at, field, labels, strict);
    if (sequence.length && (!alternatives || new Set(sequence.map((c) => c.label)).size >= 2)) return sequence;
  }
  const fields = alternatives ? [alternativeFor(text, at, field, labels, strict)] : labels.length === 1 ? parts.map(() => labels[0]) : labels;
  const out: Candidate[] = [];
  // More values than labels (a field the label's words did not part off): a company's label passes
  // over a registration mark or an address, a checked one over values that fail its check
  // ("TEMANIM 01, KI-1825, Kiritimati Island Fish Ltd" for "name and number, ... owner"; "NOEL,
  // not stated, South Korea" for "name and type ..., the State in which it is registered").
  let next = 0;
  fields.forEach((name, i) => {
    let p = Math.max(next, i);
    const unfit = (part: { start: number; text: string }) =>
      COMPANIES.has(name) ? NOT_A_COMPANY.test(part.text) : CHECKED.has(name) && !valueOf(text, at + part.start, part.text, name, true);
    while (p < parts.length - 1 && p - i < parts.length - fields.length && unfit(parts[p])) p++;
    next = p + 1;
    const part = parts[p];
    if (!name || !part || (COMPANIES.has(name) && NOT_A_COMPANY.test(part.text))) return;
    const found = valueOf(text, at + part.start, part.text, name, strict);
    // ("Owner pleads guilty at Worthing Magistrates Court": a court, ./owner-phrases.ts.)
    if (!found || (COMPANIES.has(name) && notACompany(found.candidate.value))) return;
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

/**
 * Values one after another with nothing between them, each read as far as its kind goes: "Sri
 * Lanka NEGOMBO", "Emerald FO-4256 Îles Féroé IOTC020648"; a flag asked for later ends the value
 * before it ("ZHOUSHAN People's Republic of China" for "port and country of registry"). Two at
 * least or a code read from the end, or none.
 */
function inSequence(text: string, at: number, field: string, labels: string[], strict: boolean): Candidate[] {
  // Codes asked for last are the field's last words when they check out: "SHEN LIAN CHENG 788 BZXC5
  // 9896581" for "name, call sign and IMO number" (a name in capitals would run on over them).
  const codes: Candidate[] = [];
  let last = labels.length;
  while (last > 1 && TOKEN_LABELS.has(labels[last - 1])) {
    const word = /(\S+)[ \t]*$/.exec(field.slice(0, codes[0] ? codes[0].start - at : field.length));
    const checked = word && validate(labels[last - 1], word[1]);
    if (!word || !checked || checked.flags.some((f) => failedCheckFlags.has(f))) break;
    codes.unshift({ label: labels[last - 1], start: at + word.index!, end: at + word.index! + word[1].length, source: "rule", record: null, ...checked });
    last--;
  }
  const front = codes.length ? field.slice(0, codes[0].start - at) : field;
  const out: Candidate[] = [];
  let offset = /^[ \t]*/.exec(front)![0].length;
  for (const [i, label] of labels.slice(0, last).entries()) {
    const rest = front.slice(offset);
    if (!label || !rest.trim()) break;
    const flagLater = !/FLAG/.test(label) && labels.slice(i + 1).some((l) => /FLAG/.test(l));
    const found = valueOf(text, at + offset, flagLater ? rest.slice(0, countryAtEnd(rest)) : rest, label, strict);
    if (!found) break;
    out.push(found.candidate);
    offset = found.candidate.end - at;
    offset += /^[ \t,;]*/.exec(front.slice(offset))![0].length;
  }
  // (A code alone only when the fields before it are none of ours: "side number, radio frequencies and call sign".)
  const codesAlone = codes.length > 0 && labels.slice(0, last).every((l) => !l);
  return out.length + codes.length >= 2 || codesAlone ? [...out, ...codes] : [];
}

/** Where a country's name that ends `value` begins (the longest one), or the value's length. */
function countryAtEnd(value: string): number {
  const end = value.trimEnd().length;
  for (const word of value.matchAll(/\S+/g)) if (word.index! > 0 && countryAt(value, word.index!)?.end === end) return word.index!;
  return value.length;
}

/** A label asking for a field of several vessels: "Names of the vessels", "Indicatifs d'appel", "Números OMI". */
const PLURAL_FIELD = /(?<![\p{L}])(?:names|noms|nombres|(?:call|radio)[ \t]+signs|indicatifs|distintivos|se[ñn]ales|numbers|num[ée]ros|n[úu]meros|flags|pavillons|banderas|pabellones|owners|propri[ée]taires|propietarios|armadores|operators|exploitants)(?![\p{L}])/iu;
const COMPANIES = new Set(["OWNER_NAME", "OPERATOR_NAME", "CHARTER_COMPANY", "BENEFICIAL_OWNER"]);
/** Labels whose values have a check of their own. */
const CHECKED = new Set(["FLAG_STATE", "IMO_NUMBER", "MMSI", "IRCS_CALL_SIGN"]);
/** A registration mark, a number or an address: no company's name. */
const NOT_A_COMPANY = /^(?:[A-Z]{1,3}-?\d{2,}|\d[\d\s.,]*|(?:P\.?\s?O\.?|B\.P\.?|Apartado|Casilla)\b.*)$/i;

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
    // "Taiwan, Province of China", "Korea, Republic of": a comma inside a country's name is the name's.
    const country = separator === "," && out.length && flagAlpha3(`${out[out.length - 1].text}, ${piece.trim()}`) !== null && flagAlpha3(piece.trim()) === null;
    if (separator === "," && out.length && (country || LEGAL_FORM.test(piece.trim().replace(/[.,]+$/, "")) || endsCompany(piece.trim().split(/\s+/)[0].replace(/[.,]+$/, "")))) out[out.length - 1].text = field.slice(out[out.length - 1].start, start + piece.length).trim();
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
  else if (COMPANIES.has(label)) span = companyAt(text, start);
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
  // ("Armador ... Constructor y año de Construcción" over "PML KUMARA 2007": the year is the next column's.)
  const year = COMPANIES.has(label) ? /\s+(?:19|20)\d\d$/.exec(text.slice(span.start, span.end)) : null;
  if (year) span = { ...span, end: span.end - year[0].length };
  // ("X, X" for "empresa armadora o propietaria": one company in both fields is one owner.)
  const twice = COMPANIES.has(label) ? /^(.+?)[ \t]*[,;/][ \t]*\1$/.exec(text.slice(span.start, span.end)) : null;
  if (twice) span = { ...span, end: span.start + twice[1].length };
  if (span.end <= span.start) return null;
  const raw = text.slice(span.start, span.end);
  const checked = validate(label, raw);
  if (!checked || (strict && checked.flags.some((f) => failedCheckFlags.has(f) || UNKNOWN_VALUE.has(f)))) return null;
  if (strict && NAMED.has(label) && (!/^[\p{Lu}\d“"«]/u.test(raw) || /^(?:OF|THE|AND|DE|DU|DEL|ET|Y)\b/.test(raw))) return null;
  if (NAMED.has(label) && FIELD_WORDS.test(raw.trim())) return null;
  if (strict && (label === "VESSEL_NAME" || label === "PREVIOUS_NAME") && notAName(raw)) return null;
  // ("Propriétaire ou copropriétaire embarqué ...\nHomme d'équipage ...": one word in small letters after its capital, unlabelled, starts a sentence, not a company.)
  if (strict && COMPANIES.has(label) && /^\p{Lu}\p{Ll}+$/u.test(raw.trim())) return null;
  // ("Nombre de la embarcación N° de Matrícula": a value that is itself a label is the next field's.)
  if (strict && NAMED.has(label) && labelsOf(raw).length) return null;
  const restStart = span.end - at;
  const rest = restStart < value.length ? { start: span.end, text: value.slice(restStart) } : null;
  return { candidate: { label, start: span.start, end: span.end, source: "rule", record: null, ...checked }, rest };
}
