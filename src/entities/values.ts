/**
 * Checks and normalisation of one value of a label: IMO numbers by their check digit, MMSIs by
 * their MID, call signs by their ITU series, flags to ISO 3166 alpha-3, dates to ISO 8601,
 * tonnage, length and power with their units. A value that fails a check is kept with a flag.
 */
import countries from "i18n-iso-countries";
import english from "i18n-iso-countries/langs/en.json";
import french from "i18n-iso-countries/langs/fr.json";
import spanish from "i18n-iso-countries/langs/es.json";
import midTable from "@michaeljfazio/mids/mids.json";
import { callSignAllocated } from "./call-signs";
import { isscfgCodes } from "./gears";
import { speciesCodeKnown, speciesCodes } from "./species";
import { nationalityAlpha3 } from "./nationalities";

countries.registerLocale(english);
countries.registerLocale(french);
countries.registerLocale(spanish);

export interface Checked {
  value: string;
  flags: string[];
  confidence: number;
}

export { failedCheckFlags } from "./failed-checks";

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

/** Names lists write that the country tables do not hold. */
const flagAliases: Record<string, string> = {
  "korea, republic of": "KOR",
  "republic of korea": "KOR",
  "south korea": "KOR",
  korea: "KOR",
  taiwan: "TWN",
  "chinese taipei": "TWN",
  "taiwan, province of china": "TWN",
  "micronesia, federated states of": "FSM",
  "federated states of micronesia": "FSM",
  micronesia: "FSM",
  "faroe islands": "FRO",
  "faroes": "FRO",
  "european union": "EU",
};

/** A flag as ISO 3166 alpha-3, from a name (English, French or Spanish) or an alpha-2 / alpha-3 code; null when unknown. */
export function flagAlpha3(text: string): string | null {
  const trimmed = text.trim().replace(/\s+/g, " ");
  if (/^[A-Za-z]{3}$/.test(trimmed) && countries.alpha3ToAlpha2(trimmed.toUpperCase())) return trimmed.toUpperCase();
  if (/^[A-Za-z]{2}$/.test(trimmed)) return countries.alpha2ToAlpha3(trimmed.toUpperCase()) ?? null;
  const alias = flagAliases[trimmed.toLowerCase()];
  if (alias) return alias === "EU" ? null : alias;
  for (const language of ["en", "fr", "es"]) {
    const alpha2 = countries.getAlpha2Code(trimmed, language) ?? countries.getSimpleAlpha2Code(trimmed, language);
    if (alpha2) return countries.alpha2ToAlpha3(alpha2) ?? null;
  }
  return null;
}

/** An IMO number's seven digits, from "9074729", "IMO 9074729" or "IMO-9074729". */
export function imoDigits(text: string): string | null {
  const digits = text.trim().replace(/^IMO[\s.:#-]*/i, "");
  return /^\d{7}$/.test(digits) ? digits : null;
}

/** A call sign without separators ("DUK-2237" -> "DUK2237"), or null when it is not shaped like one. */
export function callSignShape(text: string): string | null {
  const compact = text.trim().replace(/[\s-]/g, "").toUpperCase();
  if (CALL_SIGN_PLACEHOLDERS.has(compact)) return null;
  // (A ship station's call sign of letters alone has four, as the Radio Regulations form them: "SCORPION" is a name.)
  return /^[A-Z0-9]{3,8}$/.test(compact) && /[A-Z]/.test(compact) && (/\d/.test(compact) || compact.length <= 5) && text.trim().length <= 10 ? compact : null;
}

/** What lists write where a vessel has no call sign ("PENDING" would otherwise read as a Dutch one (PEA-PIZ), "NONE" as American), and labels' words. */
const CALL_SIGN_PLACEHOLDERS = new Set(["IRCS", "CALLSIGN", "SIGN", "FLAG", "NAME", "MMSI", "OMI", "IMO", "NONE", "PENDING", "NIL", "NULL", "UNKNOWN", "APPLIED", "TBA", "TBC", "TBD", "NOTAVAILABLE", "NOTAPPLICABLE", "NOTSTATED", "AWAITING", "VOID", "NOCALLSIGN", "NOIRCS", "NAN", "LOA", "GRT"]);

/** Checks and normalises one value of a label; null when the text is not that kind of value. */
export function validate(label: string, text: string): Checked | null {
  switch (label) {
    case "IMO_NUMBER": {
      const digits = imoDigits(text);
      if (!digits) return null;
      return imoCheckDigitValid(digits) ? { value: digits, flags: [], confidence: 0.99 } : { value: digits, flags: ["imo_check_digit_failed"], confidence: 0.6 };
    }
    case "MMSI":
      if (!/^\d{9}$/.test(text.trim())) return null;
      return mmsiCountry(text.trim()) ? { value: text.trim(), flags: [], confidence: 0.95 } : { value: text.trim(), flags: ["mmsi_mid_unknown"], confidence: 0.7 };
    case "IRCS_CALL_SIGN": {
      const compact = callSignShape(text);
      if (!compact) return null;
      if (!callSignAllocated(compact)) return { value: compact, flags: ["ircs_series_unknown"], confidence: 0.6 };
      // Call signs are written in capitals: a small letter in one is a misread ("BZVvZ8" for "BZVZ8").
      if (/[a-z]/.test(text)) return { value: compact, flags: ["ircs_not_upper_case"], confidence: 0.4 };
      return { value: compact, flags: [], confidence: 0.9 };
    }
    case "FLAG_STATE":
    case "PREVIOUS_FLAG": {
      // "Panama", "PAN", "PA", or the adjective a form writes: "Flag: Panamanian".
      const alpha3 = flagAlpha3(text) ?? nationalityAlpha3(text.trim());
      return alpha3 ? { value: alpha3, flags: [], confidence: 0.95 } : { value: text.trim(), flags: ["flag_unknown"], confidence: 0.5 };
    }
    case "BUILD_YEAR":
      return /^(1[89]\d\d|20\d\d)$/.test(text.trim()) ? { value: text.trim(), flags: [], confidence: 0.9 } : null;
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
    case "SPECIES_CODE": {
      const code = text.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(code)) return null;
      return speciesCodeKnown(code) ? { value: code, flags: [], confidence: 0.95 } : { value: code, flags: ["species_code_unknown"], confidence: 0.4 };
    }
    case "SPECIES_NAME":
    case "AUTHORIZED_SPECIES": {
      // Named in words, or by its code in a species column: normalised to the ASFIS code.
      const name = text.trim().replace(/\s+/g, " ");
      if (!name) return null;
      const codes = /^[A-Z]{3}$/.test(name) && speciesCodeKnown(name) ? [name] : speciesCodes(name);
      if (!codes.length) return { value: name, flags: ["species_unknown"], confidence: 0.6 };
      return { value: codes[0], flags: codes.length > 1 ? ["species_name_ambiguous"] : [], confidence: codes.length > 1 ? 0.6 : 0.9 };
    }
    case "FISHING_GEAR_TYPE": {
      const gear = text.trim().replace(/\s+/g, " ");
      if (!gear) return null;
      const codes = isscfgCodes(gear);
      return codes ? { value: codes, flags: [], confidence: 0.9 } : { value: gear, flags: ["gear_unknown"], confidence: 0.6 };
    }
    case "EU_CFR_NUMBER": {
      const match = /^([A-Z]{3})(\d{9})$/.exec(text.replace(/\s/g, ""));
      return match && countries.alpha3ToAlpha2(match[1]) ? { value: match[0], flags: [], confidence: 0.95 } : null;
    }
    case "NATIONAL_REGISTRY_NUMBER":
    case "AUTHORIZATION_NUMBER":
    case "LICENSE_NUMBER":
      // A number holds a digit: "de matrícula panameña" names a flag, "N/A" no number.
      return /\d/.test(text) ? { value: text.trim().replace(/\s+/g, " "), flags: [], confidence: 0.85 } : null;
    default:
      return text.trim() ? { value: text.trim().replace(/\s+/g, " "), flags: [], confidence: 0.85 } : null;
  }
}

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
