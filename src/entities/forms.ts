/**
 * Forms: a line that is a field's label and its value, as registry extracts, authorisations and
 * inspection reports write them, in their many wordings and three languages ("Name of the vessel
 * OCEAN PEARL", "7. Flag State: Panama", "Nom du navire ; OCEAN PEARL", "Pavillon * Panama",
 * "Identificador OMI del buque, si está disponible 9074729", "d / Lloyds IMO Number, if available /
 * 9074729 /"). The label is read by ./form-labels.ts, in the words of table headers; a label naming
 * several fields ("Name of vessel, register number") takes as many values, in order; a value's
 * bracket holds the previous one when the label says so ("Current Flag (previous flag/s, if any)").
 */
import { ENUMERATION, fieldLines, LABEL_WORDS, labelsOf, nextLabel, SENTENCE_WORDS, startsWithLabel } from "./form-labels";
import { valuesFor } from "./form-values";
import type { Candidate } from "./tables";

/** What separates a label from its value when something does. */
const SEPARATOR = /[ \t]*(?::|;|\*(?=[ \t])|[/|](?=[ \t])|\t|[ \t]{2,}|[ \t]-[ \t])[ \t]*/g;
/** The same, or a full stop: "1. Nom et indicatif d'appel du navire. X ; Y", "(i) The name of the offloading vessel. X". */
// (A stop after a word in small letters or a bracket: "P.O. Box" is no label's end.)
const SEPARATOR_OR_STOP = new RegExp(`${SEPARATOR.source}|(?<=[\\p{Ll})])\\.[ \\t]+(?=\\S)`, "gu");
/** A separator further on the line. */
const SEPARATOR_AHEAD = /[ \t]*(?::|;|[/|](?=[ \t])|\t)[ \t]*/;
/** An answer on the line after a question-like label: "□ Yes: 4DET2", "Oui : V7HB9". */
const YES_ANSWER = /^[ \t]*(?:[□☐☒✓xX]|\[[ xX]\])?[ \t]*(?:Yes|Oui|S[ií])[ \t]*[:\-–][ \t]*/;

/** Whether two words are written alike: both in capitals, or neither ("PORT D'IMMATRICULATION" / "Port" are not). */
const sameCase = (a: string, b: string) => !/\p{Ll}/u.test(a) === !/\p{Ll}/u.test(b);

/** A word labels are made of, a comma after it or not ("country and port of registry, South Korea"). */
const labelWord = (word: string) => LABEL_WORDS.has(word.toLowerCase().replace(/[,;]$/, ""));

export function formFields(text: string): Candidate[] {
  const out: Candidate[] = [];
  // A label alone on its line ("RADIO CALL SIGN (Indicate whether ...)") waits for a "Yes: ..." answer.
  let waiting: Waiting | null = null;
  // Lines since one gave the vessel's name, port, call sign or IMO number: a bare "Nationality" close after is the vessel's.
  let sinceVessel = Infinity;
  for (const { line, lineStart } of fieldLines(text)) {
    const fields = fieldsOf(text, lineStart, line);
    const nationality = fields.length || sinceVessel > 3 ? null : VESSEL_NATIONALITY.exec(line);
    if (nationality) fields.push(...valuesFor(text, lineStart + nationality[0].length, line.slice(nationality[0].length), ["FLAG_STATE"], nationality[0], true));
    sinceVessel = fields.some((c) => VESSEL_FIELDS.has(c.label)) ? 0 : PERSON.test(line) ? Infinity : sinceVessel + 1;
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

/** "Nationalité<tab>France" among a vessel's particulars ("Nom", "Port d'immatriculation"): its flag. */
const VESSEL_NATIONALITY = /^[ \t]*(?:nationality|nationalit[ée]|nacionalidad)[ \t]*(?::[ \t]*|\t[ \t]*)(?=\S)/i;
const VESSEL_FIELDS: ReadonlySet<string> = new Set(["VESSEL_NAME", "REGISTRATION_PORT", "IRCS_CALL_SIGN", "IMO_NUMBER", "NATIONAL_REGISTRY_NUMBER", "TONNAGE", "LENGTH"]);
/** A line about a person, after which a nationality is theirs: "Master", "Capitaine", "Propietario". */
const PERSON = /\b(?:master|captain|skipper|owner|operator|crew|person|applicant|capitaine|patron|propri[ée]taire|armateur|[ée]quipage|personne|demandeur|capit[aá]n|patr[oó]n|propietari[oa]|armador|tripulaci[oó]n|persona|solicitante)\b/i;

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
  const body = line.slice(ENUMERATION.exec(line)?.[0].length ?? 0);
  // "L'identification (nom, indicatif radio, numéro OMI et MMSI) du navire ;": the fields its bracket lists.
  const listing = /^[^(:;]{0,40}\([^)]*,[^)]*\)[^(:;]{0,40}[:;：][ \t]*$/.test(body) ? labelsOf(body.replace(/[ \t]*[:;：][ \t]*$/, "")) : [];
  if (listing.length >= 2) return { labels: listing, label: body.trim(), lines: 0 };
  const label = body.replace(/\([^)]*\)?.*$/, "").replace(/[ \t]*[:：][ \t]*$/, "").trim();
  const colon = /[:：][ \t]*$/.test(line);
  const asked = label.length <= 60 || (label.length <= 400 && colon) ? labelsOf(label) : [];
  // A long label only when a colon ends it and it reads as no sentence ("Nom du navire, son numéro
  // d'immatriculation, son pavillon ... :"), or lists three fields or more whatever its words ("le
  // nom de chacun des bâtiments qu'elle prévoit utiliser ..., leur État d'immatriculation, ... :").
  const labels = label.length <= 60 || (label.length <= 250 && colon && !SENTENCE_WORDS.test(label)) || asked.filter(Boolean).length >= 3 ? asked : [];
  return labels.length ? { labels, label, lines: 0 } : null;
}

function fieldsOf(text: string, at: number, line: string): Candidate[] {
  const enumeration = ENUMERATION.exec(line)?.[0].length ?? 0;
  const body = line.slice(enumeration);
  const base = at + enumeration;
  // A row of a form laid out as a table: "Vessel name | Name of the vessel | OCEAN PEARL".
  const cells = [...body.matchAll(/[^|]+/g)].filter((cell) => cell[0].trim());
  // Fields side by side: "Nom du navire VESTKAPP | Numéros ou lettres distinctifs LFLF | Port d'immatriculation X".
  if (cells.length >= 2 && cells.every((cell) => startsWithLabel(cell[0]))) return cells.flatMap((cell) => fieldsOf(text, base + cell.index!, cell[0]));
  if (cells.length >= 3 && cells.length <= 4 && /\|/.test(body)) {
    const fields = labelsOf(cells[0][0].trim());
    const last = cells.at(-1)!;
    if (fields.length === 1 && !labelsOf(last[0].trim()).length) return valuesFor(text, base + last.index!, last[0], fields, cells[0][0]);
  }
  // With a separator: the label is everything before the first one.
  for (const separator of body.matchAll(SEPARATOR_OR_STOP)) {
    const label = body.slice(0, separator.index);
    if (!label.trim() || label.length > 400) break;
    // (A full stop ends a label after an enumeration, or after a sentence that lists three fields or more:
    // "Le capitaine indique ... le nom de son navire, le numéro d'immatriculation, ..., le numéro OMI. X, Y, Z";
    // never inside a bracket: "Ship's identity (name, call sign, IMO No. and MMSI No.); X".)
    const stop = /^[ \t]*\.[ \t]+$/.test(separator[0]);
    if (stop && (label.match(/\(/g)?.length ?? 0) > (label.match(/\)/g)?.length ?? 0)) continue;
    const fields = labelsOf(label);
    if (!fields.length || (stop && !enumeration && fields.filter(Boolean).length < 3)) continue;
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
  // "información: nombre de la nave X": past a colon whose label is none of ours, the fields that follow it.
  const unknown = /^[^:\n]{1,40}:[ \t]+(?=\S)/.exec(body);
  if (unknown && !labelsOf(unknown[0].replace(/:[ \t]*$/, "")).length) return fieldsOf(text, base + unknown[0].length, body.slice(unknown[0].length));
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
    // ("nombre de la agencia no indicado, nombre de la nave X": a part that names none of our fields is a value, not a label.)
    if (!fields.length || !fields[0] || (!enumeration && /^(?:the|la|le|el|los|las|les|l['’])\s/i.test(body))) continue;
    // ("Call sign formed in accordance with section III of Article 19": the number is the section's.)
    if (TEXT_PART.test(labelOf(n))) continue;
    let k = n;
    // ("nom du bâtiment NO. 1 POHAH": a number sign before a number is the name's.)
    // ("PORT D'IMMATRICULATION Port Louis", "Port of registry Port Louis": a label's word written
    // otherwise than the label, or said again, begins its value.)
    while (k + 1 < words.length && labelWord(words[k][0]) && sameCase(words[k - 1][0], words[k][0]) && !words.slice(0, k).some((w) => w[0].toLowerCase() === words[k][0].toLowerCase()) && !(/^n[oº°]\.?$/i.test(words[k][0]) && /^\d/.test(words[k + 1][0])) && labelsOf(labelOf(k + 1)).join() === fields.join()) k++;
    // ("country and port of registry, ...": a value does not begin with a label's word in small letters.)
    if (/^\p{Ll}/u.test(words[k][0]) && labelWord(words[k][0])) continue;
    const valueAt = words[k].index!;
    const found = valuesFor(text, base + valueAt, body.slice(valueAt), fields, labelOf(k), true);
    if (found.length) {
      // "... HAKKO MARU NO.2 MATRICULA JP-3014": the line goes on with the next field.
      const end = Math.max(...found.map((c) => c.end)) - base;
      const rest = body.slice(end);
      // ("Owners of the vessel OCEAN STAR will have to pay a fine": a sentence goes on after the value, so its start was no label.)
      if (/^[ \t]+\p{Ll}/u.test(rest) && SENTENCE_WORDS.test(rest.split(/[.;]/)[0])) return [];
      return startsWithLabel(rest) ? [...found, ...fieldsOf(text, base + end + (rest.length - rest.trimStart().length), rest.trimStart())] : found;
    }
    // A label followed by what starts like a value, and that value did not fit: the label does not run on into it.
    if (/^[\p{Lu}\d]/u.test(words[k][0]) && !LABEL_WORDS.has(words[k][0].toLowerCase())) break;
  }
  return [];
}

/** Words naming a part of a text, whose number follows them: no label ends with one. */
const TEXT_PART = /(?:^|\s)(?:sections?|secci[oó]n|articles?|art[ií]culos?|annex(?:es)?|annexes?|anexos?|chapters?|chapitres?|cap[ií]tulos?|parts?|parties?|partes?|paragraphs?|paragraphes?|p[aá]rrafos?|appendix|appendices?|ap[eé]ndices?|schedules?|rules?|r[eè]gles?|regulations?|r[eè]glements?|reglamentos?|resolutions?|r[ée]solutions?|resoluci[oó]n|titles?|titres?|t[ií]tulos?)$/i;
