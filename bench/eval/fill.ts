/**
 * Phrasings of real published documents (bench/eval/phrasings, with their sources), filled with
 * rows of the real RFMO lists: each placeholder gets a value of a real vessel, written as a text in
 * that language writes it (a flag as the country's name, its ISO code or its adjective; a date in
 * words), and the document knows its truth. Countries that are not the flag (port States,
 * inspecting authorities) get other countries, so naming one as the flag is an error.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import countries from "i18n-iso-countries";
import { isPlaceholder, lists, readList, sampleRows, seeded, type Row } from "../lists/rows.ts";

const require = createRequire(import.meta.url);
for (const language of ["en", "fr", "es"]) countries.registerLocale(require(`i18n-iso-countries/langs/${language}.json`));
// The adjectives come from world-countries (English, French), a source the extractor does not use;
// Spanish from i18n-nationality, which it does, written in the feminine where the noun asks for it.
const world = require("world-countries") as Array<{ cca2: string; cca3: string; demonyms?: Record<string, { f: string; m: string }> }>;
const nationality = require("i18n-nationality");
nationality.registerLocale(require("i18n-nationality/langs/es.json"));

export type Kind = "notice" | "certificate" | "inspection";
export type Language = "en" | "fr" | "es";
export const MEASURED = ["IMO_NUMBER", "MMSI", "IRCS_CALL_SIGN", "FLAG_STATE", "VESSEL_NAME", "OWNER_NAME", "OPERATOR_NAME", "PREVIOUS_NAME", "PREVIOUS_FLAG"] as const;

/**
 * Values compared without the full stop or spaces a list row may end with ("LGHR PATHMASILI ."),
 * and without the type prefix some lists write into the name ("M/V SOHOH", "FV QUEEN MARILOU-777").
 */
export const comparable = (value: string) => value.replace(/^(?:F\/V|M\/V|FV|MV|B\/P)\s+/, "").replace(/[\s.]+$/, "").replace(/\s+/g, " ");

export interface Phrasing {
  id: string;
  kind: Kind;
  language: Language;
  layout: "prose" | "form";
  source: { title: string; where: string };
  text: string;
}

export interface Filled {
  id: string;
  kind: Kind;
  language: Language;
  layout: "prose" | "form";
  text: string;
  truth: Array<{ label: string; value: string }>;
  /** Where each fact's text is in `text` (what a learned reader is trained on). */
  spans: Array<{ label: string; start: number; end: number }>;
}

/** A split's phrasings, or those of a folder of new ones (a batch measured before it is read, then added to the tuning half). */
export function readPhrasings(split: "tune" | "heldout", folder = join(import.meta.dirname, "phrasings", split)): Phrasing[] {
  return (["notice", "certificate", "inspection"] as const).flatMap((kind) => JSON.parse(readFileSync(join(folder, `${kind}.json`), "utf8")) as Phrasing[]);
}

interface Vessel {
  name: string;
  imo: string | null;
  ircs: string | null;
  mmsi: string | null;
  flag: string;
  owner: string | null;
  operator: string | null;
  port: string | null;
}

const clean = (value: string | undefined) => (value ?? "").replace(/\s+/g, " ").trim();
const imoValid = (d: string) => /^\d{7}$/.test(d) && [...d.slice(0, 6)].reduce((t, c, i) => t + Number(c) * (7 - i), 0) % 10 === Number(d[6]);
function alpha3Of(flag: string): string | null {
  if (/^[A-Z]{3}$/.test(flag) && countries.alpha3ToAlpha2(flag)) return flag;
  if (/^[A-Z]{2}$/.test(flag)) return countries.alpha2ToAlpha3(flag) ?? null;
  const alpha2 = countries.getAlpha2Code(flag, "en") ?? countries.getSimpleAlpha2Code(flag, "en");
  return alpha2 ? (countries.alpha2ToAlpha3(alpha2) ?? null) : null;
}

/** The vessels of a split, from every list that has them: names, identifiers, flags, owners. */
export function vesselsOf(split: "tune" | "heldout", random: () => number, count = 600): Vessel[] {
  const fields: Record<string, Partial<Record<keyof Vessel, string>>> = {
    IOTC: { name: "Name", imo: "IMO", ircs: "IRCS", flag: "Flag State Code", owner: "Owner", operator: "Operator", port: "Port Name" },
    FFA: { name: "Name", imo: "IMO Number", ircs: "International Radio Call Sign (IRCS)", mmsi: "MMSI", flag: "Flag", owner: "Owner Company Name", operator: "Operator Name", port: "Port of Registry" },
    NEAFC: { name: "NAME", imo: "IMO_NUMBER", ircs: "IRCS", flag: "FLAG" },
    NPFC: { name: "vessel_name", imo: "imo", ircs: "call_sign", mmsi: "mmsi", flag: "flag_state", port: "port_of_registry" },
    PNA: { name: "Vessel Name", imo: "IMO #", ircs: "IRCS", flag: "Flag State" },
    NAFO: { name: "name", imo: "IMO", ircs: "IRCS", flag: "countryId" },
  };
  const out: Vessel[] = [];
  for (const list of lists) {
    const map = fields[list.list];
    for (const row of sampleRows(list, split, Math.ceil(count / lists.length), random) as Row[]) {
      const flag = alpha3Of(clean(row[map.flag!]));
      const name = clean(row[map.name!]);
      // ("VESSEL 4/3943": a list's stand-in where it has no name.)
      if (!flag || !name || name.length > 40 || /^VESSEL\s+[\d/]+$/i.test(name)) continue;
      const imo = clean(row[map.imo!]);
      const ircs = clean(row[map.ircs!]).replace(/[\s-]/g, "");
      const mmsi = map.mmsi ? clean(row[map.mmsi]) : "";
      const owner = map.owner ? clean(row[map.owner]) : "";
      out.push({
        name,
        imo: imoValid(imo) ? imo : null,
        ircs: /^[A-Z0-9]{3,8}$/.test(ircs) && /[A-Z]/.test(ircs) && !isPlaceholder(ircs) ? ircs : null,
        mmsi: /^[2-7]\d{8}$/.test(mmsi) ? mmsi : null,
        flag,
        owner: owner && !/not available/i.test(owner) ? owner : null,
        // Lists annotate an owner who operates the vessel himself: "PHDP SILVA(OWNER OF THE VESSEL)".
        operator: map.operator ? clean(row[map.operator]).replace(/\s*\((?:OWNER|OWENER)\b[^)]*\)?\s*$/i, "") || null : null,
        port: map.port ? clean(row[map.port]) || null : null,
      });
    }
  }
  return out;
}

const MONTHS: Record<Language, string[]> = {
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  es: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
};
const SPECIES: Record<Language, string[]> = { en: ["bigeye tuna", "Patagonian toothfish", "skipjack tuna", "squid"], fr: ["légine australe", "thon obèse", "calmar"], es: ["merluza negra", "atún patudo", "calamar"] };
const GEAR: Record<Language, string[]> = { en: ["longlines", "gillnets", "purse seine"], fr: ["palangres", "filets maillants", "senne coulissante"], es: ["palangres", "redes de enmalle", "red de cerco"] };
const AREA: Record<Language, string> = { en: "the Convention Area", fr: "la zone de la Convention", es: "el área de la Convención" };

function countryName(alpha3: string, language: Language): string {
  const alpha2 = countries.alpha3ToAlpha2(alpha3)!;
  return countries.getName(alpha2, language, { select: "official" }) ?? countries.getName(alpha2, "en")!;
}

function adjective(alpha3: string, language: Language, feminine: boolean): string | null {
  if (language === "es") {
    const masculine: string | undefined = nationality.getName(countries.alpha3ToAlpha2(alpha3), "es");
    if (!masculine) return null;
    const m = masculine.toLowerCase();
    return feminine ? m.replace(/o$/, "a").replace(/és$/, "esa").replace(/án$/, "ana") : m;
  }
  const demonym = world.find((c) => c.cca3 === alpha3)?.demonyms?.[language === "en" ? "eng" : "fra"];
  if (!demonym) return null;
  const form = feminine ? demonym.f : demonym.m;
  return language === "fr" ? form.toLowerCase() : form;
}

/** Fills one phrasing with vessels (one per `:n` index), in its language. */
export function fill(phrasing: Phrasing, vessels: Vessel[], random: () => number, copy: number): Filled | null {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const byIndex = new Map<string, Vessel>();
  const others = new Map<string, string>();
  const truth: Array<{ label: string; value: string }> = [];
  const lang = phrasing.language;
  const allCountries = Object.keys(countries.getAlpha3Codes());
  const needs = (key: string) => phrasing.text.includes(`{${key}`);
  const vesselFor = (index: string) => {
    let vessel = byIndex.get(index);
    if (!vessel) {
      const candidates = vessels.filter((v) => (!needs("IMO") || v.imo) && (!needs("IRCS") || v.ircs) && (!needs("MMSI") || v.mmsi) && (!needs("OWNER_NAME") || v.owner));
      vessel = pick(candidates.length ? candidates : vessels);
      byIndex.set(index, vessel);
    }
    return vessel;
  };
  const otherCountry = (key: string, vessel: Vessel) => {
    if (!others.has(key)) {
      let alpha3 = pick(allCountries);
      while (alpha3 === vessel.flag || !countries.alpha3ToAlpha2(alpha3)) alpha3 = pick(allCountries);
      others.set(key, alpha3);
    }
    return others.get(key)!;
  };
  const date = () => {
    const [d, m, y] = [1 + Math.floor(random() * 28), Math.floor(random() * 12), 2010 + Math.floor(random() * 15)];
    return lang === "es" ? `${d} de ${MONTHS.es[m]} de ${y}` : `${d} ${MONTHS[lang][m]} ${y}`;
  };
  let failed = false;
  const spans: Filled["spans"] = [];
  // How far the filled text has moved from the phrasing's offsets so far: a span's place in the filled text.
  let shift = 0;
  const text = phrasing.text.replace(/\{([A-Z_0-9]+)(?::(\d+))?\}/g, (whole: string, key: string, index = "1", offset: number, full: string) => {
    const facts = truth.length;
    const value = filledValue(key, index, offset, full);
    if (truth.length > facts && value) spans.push({ label: truth.at(-1)!.label, start: offset + shift, end: offset + shift + value.length });
    shift += value.length - whole.length;
    return value;
  });
  function filledValue(key: string, index: string, offset: number, full: string): string {
    const vessel = vesselFor(index);
    const before = full.slice(Math.max(0, offset - 12), offset).toLowerCase();
    const record = (label: string, value: string | null) => {
      if (value === null) failed = true;
      else truth.push({ label, value });
      return value ?? "";
    };
    switch (key) {
      case "VESSEL_NAME":
        return record("VESSEL_NAME", vessel.name);
      case "IMO":
        return record("IMO_NUMBER", vessel.imo);
      case "IRCS":
        return record("IRCS_CALL_SIGN", vessel.ircs);
      case "MMSI":
        return record("MMSI", vessel.mmsi);
      case "FLAG":
        truth.push({ label: "FLAG_STATE", value: vessel.flag });
        return countryName(vessel.flag, lang);
      case "FLAG_ISO2":
        truth.push({ label: "FLAG_STATE", value: vessel.flag });
        return countries.alpha3ToAlpha2(vessel.flag)!;
      case "FLAG_ISO3":
        truth.push({ label: "FLAG_STATE", value: vessel.flag });
        return vessel.flag;
      case "FLAG_ADJ": {
        const form = adjective(vessel.flag, lang, /bandera|enseña|la\s*$/.test(before));
        if (!form) failed = true;
        else truth.push({ label: "FLAG_STATE", value: vessel.flag });
        return form ?? "";
      }
      case "OWNER_NAME":
        return record("OWNER_NAME", vessel.owner);
      case "OPERATOR_NAME":
        return record("OPERATOR_NAME", vessel.operator ?? vessel.owner);
      case "PREVIOUS_NAME": {
        const previous = pick(vessels).name;
        truth.push({ label: "PREVIOUS_NAME", value: previous });
        return previous;
      }
      case "PREVIOUS_FLAG": {
        const previous = otherCountry(`previous${index}`, vessel);
        truth.push({ label: "PREVIOUS_FLAG", value: previous });
        return countryName(previous, lang);
      }
      case "OTHER_COUNTRY":
        return countryName(otherCountry(`other${index}`, vessel), lang);
      case "PORT":
        return vessel.port ?? "Port Louis";
      case "DATE":
      case "DATE2":
        return date();
      case "GEAR":
        return pick(GEAR[lang]);
      case "SPECIES":
        return pick(SPECIES[lang]);
      case "AREA":
        return AREA[lang];
      case "TONNAGE":
        return String(100 + Math.floor(random() * 2000));
      case "LENGTH":
        return (20 + random() * 60).toFixed(1);
      case "BUILD_YEAR":
        return String(1975 + Math.floor(random() * 45));
      case "RFMO_ID":
        return `IOTC0${String(10000 + Math.floor(random() * 89999))}`;
      case "REGISTRATION_NUMBER":
        return `${countries.alpha3ToAlpha2(vessel.flag)}-${1000 + Math.floor(random() * 8999)}`;
      case "MASTER_NAME":
        return pick(["Juan Pérez", "Li Wei", "Ahmed Salim", "Jean Dupont"]);
      case "OWNER_ADDRESS":
        return "P.O. Box 1234";
      default:
        // Other details of the source, in words that name no vessel fact.
        // ("OTHER_COUNTRY_ADJ_TEXT": an adjective, though its name holds "COUNTRY".)
        if (/ADJ/.test(key)) return adjective(otherCountry(key, vessel), lang, false) ?? "";
        if (/COUNTRY|STATE/.test(key)) return countryName(otherCountry(key, vessel), lang);
        if (/DATE/.test(key)) return date();
        return lang === "en" ? "not stated" : lang === "fr" ? "non précisé" : "no indicado";
    }
  }
  if (failed) return null;
  const seen = new Set<string>();
  return {
    id: `${phrasing.id}-${copy}`,
    kind: phrasing.kind,
    language: phrasing.language,
    layout: phrasing.layout,
    text,
    spans,
    truth: truth.filter((t) => {
      const key = `${t.label}=${t.value}`;
      return !seen.has(key) && seen.add(key);
    }),
  };
}

/**
 * The text as a printed page wraps it: spaces turned to line breaks where a line would pass
 * `width` characters. One character for one, so every span stays where it was.
 */
export function wrapLines(text: string, width: number): string {
  const chars = text.split("");
  let lineStart = 0;
  let lastSpace = -1;
  chars.forEach((char, i) => {
    if (char === "\n") {
      lineStart = i + 1;
      lastSpace = -1;
    } else if (char === " ") lastSpace = i;
    if (i - lineStart >= width && lastSpace > lineStart) {
      chars[lastSpace] = "\n";
      lineStart = lastSpace + 1;
      lastSpace = -1;
    }
  });
  return chars.join("");
}

/** Which of `folds` folds a document's phrasing is in (a cross-validation keeps a phrasing's copies together). */
export function foldOf(documentId: string, folds: number): number {
  const phrasing = documentId.replace(/-\d+$/, "");
  let hash = 0;
  for (const char of phrasing) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % folds;
}

/** Every phrasing of a split, filled `copies` times with other vessels each time. */
export function filledDocuments(split: "tune" | "heldout", seed: number, copies: number, folder?: string): Filled[] {
  const random = seeded(seed);
  const vessels = vesselsOf(split, random);
  const docs: Filled[] = [];
  for (const phrasing of readPhrasings(split, folder)) for (let copy = 0; copy < copies; copy++) {
    const doc = fill(phrasing, vessels, random, copy);
    if (doc) docs.push(doc);
  }
  return docs;
}

export { readList };
