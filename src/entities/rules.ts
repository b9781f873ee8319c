/**
 * Free-text rules: labelled values ("IMO No.: 9074729", "Flag: Panama", "F/V OCEAN STAR") and
 * values by their shape, each checked and normalised by ./values.ts.
 */
import { formFields } from "./forms";
import { inlineFields } from "./inline-fields";
import { proseRules } from "./prose";
import { speciesInText } from "./species";
import type { Candidate } from "./tables";
import { flagAlpha3, validate } from "./values";
import { ACRONYMS, NOUN } from "./vessel-names";

/** Gear named in words (FAO ISSCFG's main categories as lists write them). */
const GEAR_PATTERN = [
  "drift(?:ing)?[- ]long[- ]?lines?",
  "(?:set|bottom|demersal)[- ]long[- ]?lines?",
  "drift(?:ing)?[- ]gill[- ]?nets?",
  "purse[- ]seiners?",
  "purse[- ]seines?",
  "longliners?",
  "long[- ]?lines?",
  "pole[- ]and[- ]line",
  "hand[- ]?lines?",
  "trolling lines?",
  "gill[- ]?nets?",
  "drift[- ]?nets?",
  "bottom trawls?",
  "midwater trawls?",
  "trawlers?",
  "trawls?",
  "pots? and traps?",
  "traps?",
  "dredges?",
  "palangres?",
  "palangriers?",
  "palangreros?",
  "sennes? coulissantes?",
  "filets? maillants?(?: dérivants?)?",
  "redes? de enmalle(?: de deriva)?",
  "redes? de cerco",
  "chaluts?(?: de fond| pélagiques?)?",
  "redes? de arrastre",
  "cañas?",
  "lignes? à main",
  "líneas? de mano",
  "poteras?",
].join("|");

/**
 * Free-text rules: form fields (./forms.ts), prose (./prose.ts), and values by their shape after
 * their labels (IMO and MMSI numbers, call signs, measures, dates, ports, RFMO ids, gear, positions).
 */
/** A vessel's noun just before its name: "the fishing vessel", "del buque pesquero". */
const VESSEL_BEFORE = new RegExp(`(?:${NOUN})[ \\t]+(?:(?:pesquer[oa]|de[ \\t]+pêche|de[ \\t]+pesca)[ \\t]+)?$`, "iu");

export function textRules(text: string): Candidate[] {
  const fields = formFields(text);
  const found: Candidate[] = [...fields, ...withoutConflicts([...proseRules(text), ...inlineFields(text)], fields)];
  const add = (label: string, match: RegExpMatchArray, group: number) => {
    const value = match[group];
    if (value === undefined || match.index === undefined || !match.indices) return;
    const [start, end] = match.indices[group];
    const checked = validate(label, value);
    if (checked) found.push({ label, start, end, source: "rule", record: null, ...checked });
  };
  for (const m of text.matchAll(/\b(?:IMO|OMI|Lloyd['’]?s)(?:[ \t]*(?:\/[ \t]*(?:LR|IMO)|No\.?|Nº|N°|Nr\.?|Number|number|#|ship\s+(?:ID|identification\s+number)|n[úu]mero|num[ée]ro))*[ \t]*[-:.]?[ \t]*(\d{7})\b/dgi)) add("IMO_NUMBER", m, 1);
  for (const m of text.matchAll(/\b(\d{7})\s*\((?:IMO|OMI)\)/dgi)) add("IMO_NUMBER", m, 1);
  // "OCEAN STAR (9074729)": seven digits in brackets after a name in capitals, when the check digit holds.
  for (const m of text.matchAll(/\p{Lu}[\p{Lu}\d.'’ -]*[\p{Lu}\d]\.?[ \t]*\([ \t]*(\d{7})[ \t]*\)/dgu)) {
    const checked = validate("IMO_NUMBER", m[1]);
    if (checked && !checked.flags.length && m.indices) found.push({ label: "IMO_NUMBER", start: m.indices[1][0], end: m.indices[1][1], source: "rule", record: null, ...checked, confidence: 0.7 });
  }
  // "OCEAN STAR (EIA2035)", "del buque pesquero LUCKY STAR (LCMP)": a call sign of the ITU series in brackets after a name in
  // capitals; of letters alone only after a vessel's noun ("the Commission for the Conservation of AMLR (CCAMLR)" is no vessel).
  for (const m of text.matchAll(/\p{Lu}[\p{Lu}\d.'’ -]*[\p{Lu}\d]\.?[ \t]*\([ \t]*([A-Z][A-Z0-9]{3,6})[ \t]*\)/dgu)) {
    const named = /\d/.test(m[1]) || VESSEL_BEFORE.test(text.slice(Math.max(0, m.index! - 40), m.index!));
    const checked = !named || ACRONYMS.has(m[1]) || flagAlpha3(m[1]) ? null : validate("IRCS_CALL_SIGN", m[1]);
    if (checked && !checked.flags.length && m.indices) found.push({ label: "IRCS_CALL_SIGN", start: m.indices[1][0], end: m.indices[1][1], source: "rule", record: null, ...checked, confidence: 0.7 });
  }
  // A number with IMO's check digit after a word for a number ("ID number 8584911"): one in ten
  // seven-digit numbers passes by chance, so only where a label says it is an identifier.
  for (const m of text.matchAll(/\b(?:number|no\.?|id|identifier|identificador|identifiant|num[ée]ro|n[úu]mero|nº|n°)\b[^\n\d]{0,20}?\b(\d{7})\b(?![.,]\d)/dgi)) {
    const checked = validate("IMO_NUMBER", m[1]);
    if (checked && !checked.flags.length && m.indices) found.push({ label: "IMO_NUMBER", start: m.indices[1][0], end: m.indices[1][1], source: "rule", record: null, ...checked, confidence: 0.6 });
  }
  for (const m of text.matchAll(/\bMMSI(?:[ \t]*(?:No\.?|Number|number|Nº|n[úu]mero|num[ée]ro))?[ \t]*[:.]?[ \t]*(\d{9})\b/dgi)) add("MMSI", m, 1);
  // A label and its value share a line: an empty "Call sign:" must not take the next line's word.
  for (const m of text.matchAll(/\b(?:IRCS|(?:[Ii]nternational\s+)?(?:[Rr]adio\s+)?[Cc]all\s*[Ss]ign|[Ii]ndicatif(?:\s+d['’]appel)?(?:\s+radio)?|[Ii]ndicat(?:if|eur)\s+international\s+d['’]appel(?:\s+radio)?|[Cc]ode\s+letters|[Ss]ignal\s+distinctif|[Ii]ndicativo(?:\s+de\s+llamada)?|[Dd]istintivo\s+de\s+llamada|[Ss]eñal\s+(?:distintiva|de\s+llamada)|C[óo]digo\s+Internacional\s+de\s+Señales)(?:\s+internacional)?(?:\s+de\s+radio)?(?:\s+(?:du\s+navire|of\s+the\s+vessel|del\s+buque|de\s+la\s+nave))?[ \t]*[:.(]?[ \t]*([A-Z0-9]{1,5}(?:[- ]?[A-Z0-9]{1,5})?)\b(?!\.\d)/dg)) add("IRCS_CALL_SIGN", m, 1);
  for (const m of text.matchAll(/\b(?:CFR|EU\s+CFR)(?:\s*(?:No\.?|Number))?[ \t]*[:.]?[ \t]*([A-Z]{3}\d{9})\b/dg)) add("EU_CFR_NUMBER", m, 1);
  for (const m of text.matchAll(/\b(?:Gross\s+tonnage|GT|Tonnage)[ \t]*[:.]?[ \t]*(\d+(?:[.,]\d+)?(?:[ \t]*(?:GT|GRT|t))?)\b/dgi)) add("TONNAGE", m, 1);
  for (const m of text.matchAll(/\b(?:Length(?:\s+overall)?|LOA)[ \t]*[:.]?[ \t]*(\d+(?:[.,]\d+)?[ \t]*(?:m|metres|meters|ft)?)(?![\w])/dgi)) add("LENGTH", m, 1);
  for (const m of text.matchAll(/\b(?:Engine\s+power|Power)[ \t]*[:.]?[ \t]*(\d+(?:[.,]\d+)?[ \t]*(?:kW|HP|bhp))\b/dgi)) add("ENGINE_POWER", m, 1);
  for (const m of text.matchAll(/\b(?:built|constructed)\s+in\s+((?:1[89]|20)\d\d)\b/dgi)) add("BUILD_YEAR", m, 1);
  for (const m of text.matchAll(/\b(?:Valid(?:ity)?\s+(?:from|until|to)|Expiry(?:\s+date)?)[ \t]*[:.]?[ \t]*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[- ][A-Za-z]{3,9}[- ,]*\d{2,4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})/dgi)) add("VALIDITY_PERIOD", m, 1);
  for (const m of text.matchAll(/\b(?:on|dated?|since)\s+(\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4})\b/dgi)) add("DATE", m, 1);
  for (const m of text.matchAll(/\b(?:Port\s+of\s+registry|Registration\s+port|Home\s+port)\s*:\s*([A-Z][^\n,;]{1,40}?)\s*(?=[\n,;]|$)/dgi)) add("REGISTRATION_PORT", m, 1);
  for (const m of text.matchAll(/\b(?:detained|held)\s+(?:in|at)\s+(?:the\s+port\s+of\s+)?([A-Z][A-Za-z .'-]{1,30}?)(?=\s*(?:[\n,;(]|\.\s|\.$|\s+on\b|$))/dg)) add("DETENTION_PORT", m, 1);
  // RFMO vessel ids by their shapes: IOTC012345, CCSBT's CV00123, WCPFC's VID after its label.
  for (const m of text.matchAll(/\b(IOTC\d{6}|CV\d{5,6})\b/dg)) add("AUTHORIZATION_NUMBER", m, 1);
  for (const m of text.matchAll(/\b(?:WCPFC\s+(?:VID|ID|WIN)|FFA\s+(?:VID|ID)|IATTC\s+(?:No\.?|Number|ID))[ \t]*[:.]?[ \t]*(\d{2,6})\b/dgi)) add("AUTHORIZATION_NUMBER", m, 1);
  for (const m of text.matchAll(new RegExp(`(?<![\\p{L}])(${GEAR_PATTERN})(?![\\p{L}])`, "dgiu"))) add("FISHING_GEAR_TYPE", m, 1);
  for (const species of speciesInText(text)) {
    const checked = validate("SPECIES_NAME", text.slice(species.start, species.end));
    if (checked) found.push({ label: "SPECIES_NAME", start: species.start, end: species.end, source: "rule", record: null, ...checked });
  }
  for (const m of text.matchAll(/(\d{1,2}°\s*\d{1,2}(?:[.,]\d+)?['′]?\s*[NS][,\s]+\d{1,3}°\s*\d{1,2}(?:[.,]\d+)?['′]?\s*[EW])/dg)) add("COORDINATES", m, 1);
  return found;
}

/**
 * Prose read over a form's line gives way to the form: "1. Name of vessel OCEAN STAR" is the
 * form's; and where the same span is read as a vessel's name and as one it had before, the
 * former reading wins ("…qu'il s'appelait le « ANDREA L »").
 */
function withoutConflicts(prose: Candidate[], fields: readonly Candidate[]): Candidate[] {
  const overlaps = (a: Candidate, b: Candidate) => a.start < b.end && b.start < a.end;
  const previousOf: Record<string, string> = { VESSEL_NAME: "PREVIOUS_NAME", FLAG_STATE: "PREVIOUS_FLAG" };
  return prose.filter(
    (c) => !fields.some((f) => overlaps(c, f) && f.label !== c.label) && !(previousOf[c.label] && prose.some((p) => p.label === previousOf[c.label] && overlaps(p, c))),
  );
}
