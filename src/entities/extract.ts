/**
 * Vessel entities out of a page's clean text and tables (issue 6, first slice): deterministic
 * recognisers for what has a checkable shape, and table columns mapped to labels by their headers,
 * so a cell under "Vessel Name" is a VESSEL_NAME and the cells of one row are one vessel. Every
 * entity's span is verified against the text it came from (`text === clean.slice(start, end)`) and
 * given in UTF-16 units and in code points (Argilla counts code points).
 */
import countries from "i18n-iso-countries";
import english from "i18n-iso-countries/langs/en.json";
import midTable from "@michaeljfazio/mids/mids.json";
import type { Block, TableCell } from "../ocr/grounding";
import type { Entity } from "../protocol";
import { checkableLabels } from "./labels";
import type { LocatedSpan } from "./llm";

countries.registerLocale(english);

/** An entity as the API and the live events carry it (label, span in units and code points, ...). */
export type { Entity } from "../protocol";
type EntitySource = Entity["source"];

/** Column headers seen in RFMO lists, to the label their cells carry. Matched case-insensitively. */
const headerLabels: Array<[RegExp, string]> = [
  [/^(vessel[ _]?name|name of (the )?(fishing )?vessel|name|ship name|vessel)$/, "VESSEL_NAME"],
  [/^(previous[ _]name|former name)s?$/, "PREVIOUS_NAME"],
  [/^(imo|imo[ _]?(no\.?|number|#)|lloyds?\/imo)$/, "IMO_NUMBER"],
  [/^(ircs|international radio call sign( \(ircs\))?|call[ _]?sign|radio call sign)$/, "IRCS_CALL_SIGN"],
  [/^mmsi$/, "MMSI"],
  [/^(flag|flag[ _]state( (code|name))?|flag state|country|countryid|flag code)$/, "FLAG_STATE"],
  [/^(previous[ _]flag)$/, "PREVIOUS_FLAG"],
  [/^(owner|owner[ _]name|vessel owner|registered owner)$/, "OWNER_NAME"],
  [/^(owner[ _]address)$/, "OWNER_ADDRESS"],
  [/^(operator|operator[ _]name|operating company|charterer|registrant)$/, "OPERATOR_NAME"],
  [/^(port|port[ _]name|port of registry|port[ _]of[ _]registry|home port|registration port)$/, "REGISTRATION_PORT"],
  [/^(regno|registration[ _](no\.?|number)|national registry number|registration)$/, "NATIONAL_REGISTRY_NUMBER"],
  [/^(vessel[ _]type|type( name)?|vessel kind name)$/, "VESSEL_TYPE"],
  [/^(gear|gears( name)?|fishing gear|type[ _]of[ _]fishing[ _]method)$/, "FISHING_GEAR_TYPE"],
  [/^(gt|grt|gross tonnage|gross weight|tonnage)$/, "TONNAGE"],
  [/^(loa( \(m\))?|length( overall)?|length)$/, "LENGTH"],
  [/^(built in year|year built|build year|built)$/, "BUILD_YEAR"],
  [/^(iotc number|wcpfc id|ffa id|npfc vessel_id|vds reg no\.?)$/, "AUTHORIZATION_NUMBER"],
  [/^(valid from|valid to|starts|ends|registration start|authori[sz]ation (start|end)|start date|end date|expiry( date)?)$/, "VALIDITY_PERIOD"],
  [/^(power|engine power|main engine power|kw)$/, "ENGINE_POWER"],
  [/^(cfr|eu cfr|cfr number)$/, "EU_CFR_NUMBER"],
];

export function labelForHeader(header: string): string | null {
  const normalised = header.toLowerCase().replace(/\s+/g, " ").replace(/[:.]$/, "").trim();
  return headerLabels.find(([pattern]) => pattern.test(normalised))?.[1] ?? null;
}

/** The 7th digit of an IMO number is the sum of the first six weighted 7..2, mod 10. */
export function imoCheckDigitValid(digits: string): boolean {
  if (!/^\d{7}$/.test(digits)) return false;
  const sum = [...digits.slice(0, 6)].reduce((total, digit, i) => total + Number(digit) * (7 - i), 0);
  return sum % 10 === Number(digits[6]);
}

/** ITU Maritime Identification Digits (RR Appendix 43) to ISO alpha-3: `"201": ["AL", "ALB", "", "Albania"]`. */
const midCountries = new Map(Object.entries(midTable as Record<string, string[]>).map(([mid, [, alpha3]]) => [mid, alpha3]));

/** The country a ship station's MMSI was issued by (its first three digits), or null for an unallocated MID. */
export function mmsiCountry(mmsi: string): string | null {
  return midCountries.get(mmsi.slice(0, 3)) ?? null;
}

/** A flag as ISO 3166 alpha-3, from a name or an alpha-2 / alpha-3 code; null when unknown. */
export function flagAlpha3(text: string): string | null {
  const trimmed = text.trim();
  if (/^[A-Za-z]{3}$/.test(trimmed) && countries.alpha3ToAlpha2(trimmed.toUpperCase())) return trimmed.toUpperCase();
  if (/^[A-Za-z]{2}$/.test(trimmed)) return countries.alpha2ToAlpha3(trimmed.toUpperCase()) ?? null;
  const alpha2 = countries.getAlpha2Code(trimmed, "en") ?? countries.getSimpleAlpha2Code(trimmed, "en");
  return alpha2 ? (countries.alpha2ToAlpha3(alpha2) ?? null) : null;
}

interface Candidate {
  label: string;
  start: number;
  end: number;
  value: string;
  confidence: number;
  source: EntitySource;
  flags: string[];
  record: string | null;
}

/** Checks and normalises one value of a label; null when the text is not that kind of value. */
function validate(label: string, text: string): { value: string; flags: string[]; confidence: number } | null {
  switch (label) {
    case "IMO_NUMBER": {
      const digits = text.replace(/^IMO\W*/i, "");
      if (!/^\d{7}$/.test(digits)) return null;
      return imoCheckDigitValid(digits) ? { value: digits, flags: [], confidence: 0.99 } : { value: digits, flags: ["imo_check_digit_failed"], confidence: 0.6 };
    }
    case "MMSI":
      if (!/^\d{9}$/.test(text)) return null;
      return mmsiCountry(text) ? { value: text, flags: [], confidence: 0.95 } : { value: text, flags: ["mmsi_mid_unknown"], confidence: 0.7 };
    case "IRCS_CALL_SIGN": {
      // Lists write call signs with a hyphen or a space ("DUK-2237", "3B 2924"): the value is without.
      const compact = text.replace(/[\s-]/g, "");
      return /^[A-Z0-9]{3,8}$/.test(compact) && /[A-Z]/.test(compact) ? { value: compact, flags: [], confidence: 0.9 } : null;
    }
    case "FLAG_STATE":
    case "PREVIOUS_FLAG": {
      const alpha3 = flagAlpha3(text);
      return alpha3 ? { value: alpha3, flags: [], confidence: 0.95 } : { value: text, flags: ["flag_unknown"], confidence: 0.5 };
    }
    case "BUILD_YEAR":
      return /^(1[89]\d\d|20\d\d)$/.test(text) ? { value: text, flags: [], confidence: 0.9 } : null;
    case "DATE":
    case "VALIDITY_PERIOD":
    case "INSPECTION_DATE": {
      const date = isoDate(text);
      return date ? { value: date.value, flags: date.ambiguous ? ["date_day_month_ambiguous"] : [], confidence: date.ambiguous ? 0.6 : 0.9 } : null;
    }
    case "TONNAGE":
    case "LENGTH":
    case "ENGINE_POWER": {
      const measure = measurement(label, text);
      return measure ? { value: measure, flags: [], confidence: 0.85 } : null;
    }
    case "EU_CFR_NUMBER": {
      const match = /^([A-Z]{3})(\d{9})$/.exec(text.replace(/\s/g, ""));
      return match && countries.alpha3ToAlpha2(match[1]) ? { value: match[0], flags: [], confidence: 0.95 } : null;
    }
    default:
      return text.trim() ? { value: text.trim(), flags: [], confidence: 0.85 } : null;
  }
}

/** Gear named in words (FAO ISSCFG's main categories as lists write them). */
const GEAR_PATTERN = [
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
].join("|");

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * A date as ISO 8601 from the forms vessel lists use: 2025-01-01, 12-Aug-2025, 27-MAY-25,
 * 12 March 2025, 26/08/2025. Numeric day/month order is guessed day-first unless a number over 12
 * says otherwise; a guess is flagged.
 */
export function isoDate(text: string): { value: string; ambiguous: boolean } | null {
  const t = text.trim();
  const pad = (n: number) => String(n).padStart(2, "0");
  const year = (y: string) => (y.length === 2 ? 2000 + Number(y) - (Number(y) > 50 ? 100 : 0) : Number(y));
  const valid = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m && valid(+m[1], +m[2], +m[3])) return { value: `${m[1]}-${pad(+m[2])}-${pad(+m[3])}`, ambiguous: false };
  m = /^(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ,]*(\d{2}|\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[2].slice(0, 3).toLowerCase()) + 1;
    const y = year(m[3]);
    if (month && valid(y, month, +m[1])) return { value: `${y}-${pad(month)}-${pad(+m[1])}`, ambiguous: false };
  }
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$/.exec(t);
  if (m) {
    const [a, b, y] = [+m[1], +m[2], year(m[3])];
    if (a > 12 && valid(y, b, a)) return { value: `${y}-${pad(b)}-${pad(a)}`, ambiguous: false };
    if (b > 12 && valid(y, a, b)) return { value: `${y}-${pad(a)}-${pad(b)}`, ambiguous: false };
    if (valid(y, b, a)) return { value: `${y}-${pad(b)}-${pad(a)}`, ambiguous: a !== b };
  }
  return null;
}

/** Tonnage (GT), length (m) or engine power (kW) as a number with its unit, from lists' forms. */
function measurement(label: string, text: string): string | null {
  const m = /^(?:(LC|GT|GRT|OA|LOA|KW|HP)\s*)?(\d+(?:[.,]\d+)?)\s*(GT|GRT|t|tonnes?|m|metres?|meters?|ft|feet|kw|hp|bhp)?\.?$/i.exec(text.trim());
  if (!m) return null;
  const number = Number(m[2].replace(",", "."));
  const unit = (m[3] ?? m[1] ?? "").toLowerCase();
  if (label === "LENGTH") return unit === "ft" || unit === "feet" ? `${(number * 0.3048).toFixed(2)} m` : `${number} m`;
  if (label === "ENGINE_POWER") return unit === "hp" || unit === "bhp" ? `${Math.round(number * 0.7457)} kW` : `${number} kW`;
  return `${number} ${unit === "grt" ? "GRT" : "GT"}`;
}

const NOT_AVAILABLE = /^(n\/?a|na|ne|none|nil|not available|unknown|-+|\.+)$/i;

/**
 * Entities of one page, from its clean text and the blocks the grounding parser found, and the
 * spans a language model found (already located in the text), if any.
 */
export function extractEntities(text: string, blocks: readonly Block[], page: number, llmSpans: readonly LocatedSpan[] = []): Entity[] {
  const candidates: Candidate[] = [];
  blocks.forEach((block, blockIndex) => {
    const table = block.table;
    if (!table?.hasHeader) return;
    const [header, ...rows] = table.rows;
    const labels = columnLabels(header);
    rows.forEach((row, rowIndex) => {
      const record = `p${page}-b${blockIndex}-r${rowIndex + 1}`;
      columnsOf(row).forEach(([column, cell]) => {
        const label = labels.get(column);
        if (!label || !cell.text || NOT_AVAILABLE.test(cell.text)) return;
        const checked = validate(label, cell.text);
        if (checked) candidates.push({ label, start: cell.start, end: cell.end, source: "table", record, ...checked });
      });
    });
  });
  // Inside a table, its headers say what a cell is; free-text rules would read "IRCS<tab>IMO" as a call sign.
  const tables = blocks.filter((block) => block.table);
  const inTable = (c: Candidate) => tables.some((block) => c.start >= block.start && c.end <= block.end);
  candidates.push(...textRules(text).filter((c) => !inTable(c)));
  candidates.push(...fromModel(text, llmSpans, candidates));
  flagMidMismatches(candidates);
  return finish(text, candidates);
}

/**
 * An MMSI whose MID names another country than the vessel's flag is flagged (reflagged vessels
 * often keep their old MMSI, and typos happen), not dropped. Compared within a table row, or on a
 * page that names exactly one MMSI and one flag outside tables.
 */
function flagMidMismatches(candidates: Candidate[]): void {
  const vessels = Map.groupBy(candidates, (c) => c.record);
  for (const [record, entities] of vessels) {
    const mmsis = entities.filter((c) => c.label === "MMSI");
    const flags = entities.filter((c) => c.label === "FLAG_STATE" && !c.flags.includes("flag_unknown"));
    if (record === null && (mmsis.length !== 1 || new Set(flags.map((c) => c.value)).size !== 1)) continue;
    const flag = flags[0]?.value;
    for (const mmsi of mmsis) {
      const issuer = mmsiCountry(mmsi.value);
      if (flag && issuer && issuer !== flag) mmsi.flags = [...mmsi.flags, "mmsi_flag_mismatch"];
    }
  }
}

/**
 * The model's spans, merged: on checkable labels (IMO, MMSI, call sign, flag, ...) the recognisers
 * win and a model span must validate; a span overlapping what rules or tables found is theirs.
 */
function fromModel(text: string, spans: readonly LocatedSpan[], found: readonly Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const span of spans) {
    if (found.some((c) => c.start < span.end && span.start < c.end)) continue;
    const checked = validate(span.label, text.slice(span.start, span.end));
    if (!checked || (checkableLabels.has(span.label) && checked.flags.length)) continue;
    out.push({ label: span.label, start: span.start, end: span.end, source: "llm", record: null, ...checked, confidence: Math.min(checked.confidence, 0.7) });
  }
  return out;
}

/** Labels a vessel row may carry twice (a validity period has two ends; a vessel several ids). */
const repeatableLabels = new Set(["VALIDITY_PERIOD", "AUTHORIZATION_NUMBER", "DATE"]);

/**
 * Column index -> label, by header text; spans (colspan) advance the column. Of two columns with
 * one label ("Flag State Code", "Flag State Name") the first counts.
 */
function columnLabels(header: readonly TableCell[]): Map<number, string> {
  const labels = new Map<number, string>();
  for (const [column, cell] of columnsOf(header)) {
    const label = labelForHeader(cell.text);
    if (label && (repeatableLabels.has(label) || ![...labels.values()].includes(label))) labels.set(column, label);
  }
  return labels;
}

function columnsOf(row: readonly TableCell[]): Array<[number, TableCell]> {
  const out: Array<[number, TableCell]> = [];
  let column = 0;
  for (const cell of row) {
    out.push([column, cell]);
    column += cell.colspan;
  }
  return out;
}

/** Free-text patterns: labelled values ("IMO No.: 9074729", "Flag: Panama", "F/V OCEAN STAR"). */
function textRules(text: string): Candidate[] {
  const found: Candidate[] = [];
  const add = (label: string, match: RegExpMatchArray, group: number) => {
    const value = match[group];
    if (value === undefined || match.index === undefined || !match.indices) return;
    const [start, end] = match.indices[group];
    const checked = validate(label, value);
    if (checked) found.push({ label, start, end, source: "rule", record: null, ...checked });
  };
  for (const m of text.matchAll(/\bIMO(?:[ \t]*(?:No\.?|Number|#))?[ \t]*[:.]?[ \t]*(\d{7})\b/dgi)) add("IMO_NUMBER", m, 1);
  for (const m of text.matchAll(/\b(\d{7})\s*\(IMO\)/dgi)) add("IMO_NUMBER", m, 1);
  for (const m of text.matchAll(/\bMMSI(?:[ \t]*(?:No\.?|Number))?[ \t]*[:.]?[ \t]*(\d{9})\b/dgi)) add("MMSI", m, 1);
  // A label and its value share a line: an empty "Call sign:" must not take the next line's word.
  for (const m of text.matchAll(/\b(?:IRCS|(?:[Ii]nternational\s+)?(?:[Rr]adio\s+)?[Cc]all\s*[Ss]ign)[ \t]*[:.]?[ \t]*([A-Z0-9]{1,5}(?:[- ]?[A-Z0-9]{1,5})?)\b/dg)) add("IRCS_CALL_SIGN", m, 1);
  for (const m of text.matchAll(/\bFlag(?:\s+State)?\s*[:]\s*([A-Z][A-Za-z .'-]{1,40}?)(?=\s*(?:[\n,;(]|$))/dg)) add("FLAG_STATE", m, 1);
  for (const m of text.matchAll(/\b(?:flying|flies|under)\s+the\s+flag\s+of\s+(?:the\s+)?([A-Z][A-Za-z .'-]{1,40}?)(?=\s*(?:[\n,;(]|\.\s|\.$|$))/dg)) add("FLAG_STATE", m, 1);
  for (const m of text.matchAll(/\b(?:the\s+)?(?:fishing\s+)?vessel\s+([A-Z][A-Z0-9 .'-]{1,40}?[A-Z0-9])\s*\(/dg)) add("VESSEL_NAME", m, 1);
  // Company names carry commas and dots ("Co., Ltd."): run to the end of the line, or to "and operated".
  for (const m of text.matchAll(/\bowned\s+by\s+([^\n;]{2,80}?)(?=\.?\s*(?:\n|$)|,?\s+and\s+operated|;)/dgi)) add("OWNER_NAME", m, 1);
  for (const m of text.matchAll(/\boperated\s+by\s+([^\n,;]{2,80}?)(?=\s*(?:[\n,;]|\.\s|\.$|$))/dgi)) add("OPERATOR_NAME", m, 1);
  for (const m of text.matchAll(/\b(?:Vessel\s+Name|Name\s+of\s+(?:the\s+)?vessel)\s*:\s*([^\n,;]{2,60}?)\s*(?=[\n,;]|$)/dgi)) add("VESSEL_NAME", m, 1);
  for (const m of text.matchAll(/\b(?:F\/V|M\/V|FV|MV)\s+([A-Z0-9][A-Z0-9 .'-]{1,40}?[A-Z0-9])(?=\s*(?:[\n,;(]|\s\(|$))/dg)) add("VESSEL_NAME", m, 1);
  for (const m of text.matchAll(/\bOwner(?:\s+name)?\s*:\s*([^\n;]{2,80}?)\s*(?=[\n;]|$)/dgi)) add("OWNER_NAME", m, 1);
  for (const m of text.matchAll(/\bOperator(?:\s+name)?\s*:\s*([^\n;]{2,80}?)\s*(?=[\n;]|$)/dgi)) add("OPERATOR_NAME", m, 1);
  for (const m of text.matchAll(/\b(?:Previous|Former)\s+names?\s*:\s*([^\n;]{2,60}?)\s*(?=[\n;]|$)/dgi)) add("PREVIOUS_NAME", m, 1);
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
  for (const m of text.matchAll(new RegExp(`\\b(${GEAR_PATTERN})\\b`, "dgi"))) add("FISHING_GEAR_TYPE", m, 1);
  for (const m of text.matchAll(/(\d{1,2}°\s*\d{1,2}(?:[.,]\d+)?['′]?\s*[NS][,\s]+\d{1,3}°\s*\d{1,2}(?:[.,]\d+)?['′]?\s*[EW])/dg)) add("COORDINATES", m, 1);
  return found;
}

/** One entity per span and label (tables win over free text), spans verified, code points added. */
function finish(text: string, candidates: Candidate[]): Entity[] {
  const bySpan = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const key = `${candidate.start}:${candidate.end}:${candidate.label}`;
    const existing = bySpan.get(key);
    const rank = { table: 2, rule: 1, llm: 0 } as const;
    if (!existing || rank[candidate.source] > rank[existing.source]) bySpan.set(key, candidate);
  }
  return [...bySpan.values()]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((c) => {
      const span = text.slice(c.start, c.end);
      return {
        label: c.label,
        text: span,
        value: c.value,
        start: c.start,
        end: c.end,
        startCodePoint: codePoints(text, c.start),
        endCodePoint: codePoints(text, c.end),
        confidence: c.confidence,
        source: c.source,
        flags: c.flags,
        record: c.record,
      };
    });
}

/** How many code points the first `units` UTF-16 units of `text` hold. */
function codePoints(text: string, units: number): number {
  let count = 0;
  for (let i = 0; i < units; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < units) i++;
    count++;
  }
  return count;
}
