/**
 * Flags written as adjectives, in English, French and Spanish ("the Panamanian-flagged", "battant
 * pavillon panaméen", "de bandera panameña"): nationality adjectives (i18n-nationality) to ISO
 * alpha-3, with the French and Spanish feminine and plural forms the sentence's noun asks for.
 */
import countries from "i18n-iso-countries";
import { PARENT_STATE } from "./call-signs";
import nationality from "i18n-nationality";
import english from "i18n-nationality/langs/en.json";
import spanish from "i18n-nationality/langs/es.json";
import french from "i18n-nationality/langs/fr.json";

for (const locale of [english, french, spanish]) nationality.registerLocale(locale);

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[\s-]+/g, " ").trim();

/** French feminine and plural forms: panaméen, panaméenne, panaméens, panaméennes; grec, grecque; turc, turque; letton, lettonne. */
function frenchForms(masculine: string): string[] {
  const m = masculine.toLowerCase();
  const feminine = /(en|on)$/.test(m) ? `${m}ne` : /ec$/.test(m) ? `${m}que` : /c$/.test(m) ? `${m.slice(0, -1)}que` : /e$/.test(m) ? m : `${m}e`;
  const plural = /[sx]$/.test(m) ? m : `${m}s`;
  return [m, feminine, plural, `${feminine}s`];
}

/** Spanish feminine and plural forms: panameño, panameña, panameños, panameñas; francés, francesa. */
function spanishForms(masculine: string): string[] {
  const m = masculine.toLowerCase();
  let feminine = m;
  if (/o$/.test(m)) feminine = `${m.slice(0, -1)}a`;
  else if (/[éá]s$/.test(m)) feminine = `${m.slice(0, -2)}${m.at(-2) === "é" ? "e" : "a"}sa`;
  else if (/[áéíóú]n$/.test(m)) feminine = `${m.slice(0, -2)}${fold(m.at(-2)!)}na`;
  else if (/(l|r|z)$/.test(m)) feminine = `${m}a`;
  const plural = (form: string) => (/[aeiou]$/.test(fold(form)) ? `${form}s` : /z$/.test(form) ? `${form.slice(0, -1)}ces` : `${fold(form)}es`);
  return [m, feminine, plural(m), plural(feminine)];
}

/** Adjectives lists use that the nationality tables do not hold, or hold as nouns. */
const aliases: Record<string, string> = {
  korean: "KOR",
  "south korean": "KOR",
  coreen: "KOR",
  coreenne: "KOR",
  "sud coreen": "KOR",
  surcoreano: "KOR",
  surcoreana: "KOR",
  taiwanese: "TWN",
  faroese: "FRO",
  feroien: "FRO",
  feroes: "FRO",
  kiribati: "KIR",
  "i kiribati": "KIR",
  kiribatien: "KIR",
  vanuatuan: "VUT",
  "ni vanuatu": "VUT",
  american: "USA",
  "american samoan": "ASM",
  "papua new guinean": "PNG",
  liberien: "LBR",
  jamaicain: "JAM",
  salomonien: "SLB",
  tuvaluan: "TUV",
  palaois: "PLW",
  paluan: "PLW",
  "cap verdien": "CPV",
  "cape verdean": "CPV",
  caymanian: "CYM",
  bermudian: "BMU",
  "cook islander": "COK",
  "saint lucian": "LCA",
  "saint lucien": "LCA",
  vincentian: "VCT",
  "saint vincentian": "VCT",
  "saint vincentais": "VCT",
  kittitian: "KNA",
  "saudi arabian": "SAU",
  slovak: "SVK",
  bosnian: "BIH",
  "us flagged": "USA",
  british: "GBR",
  russian: "RUS",
  "sri lankan": "LKA",
  iranian: "IRN",
  omani: "OMN",
  chinese: "CHN",
  "chinese taipei": "TWN",
};

/** The adjectives an entry holds: "Trinidadien ou Tobagonien" two, "Dominicain (Dominique)" one, without its note. */
function adjectivesOf(entry: string | undefined): string[] {
  if (!entry) return [];
  return entry
    .replace(/\s*\([^)]*\)/g, "")
    .split(/\s+(?:or|ou|o|and|et|y)\s+/i)
    .map((form) => form.replace(/^Afro-/i, "").trim())
    .filter(Boolean);
}

const table = new Map<string, string>(Object.entries(aliases));
// States first: a territory that shares its state's adjective ("islandés" for Iceland and Bouvet
// Island, "French" for the French Southern Territories) does not take it from the state.
const alpha2s = Object.keys(countries.getAlpha2Codes());
const territory = (alpha2: string) => PARENT_STATE[countries.alpha2ToAlpha3(alpha2) ?? ""] !== undefined;
for (const alpha2 of [...alpha2s.filter((a) => !territory(a)), ...alpha2s.filter(territory)]) {
  const alpha3 = countries.alpha2ToAlpha3(alpha2);
  if (!alpha3) continue;
  const add = (form: string | undefined) => form && !table.has(fold(form)) && table.set(fold(form), alpha3);
  for (const english of adjectivesOf(nationality.getName(alpha2, "en"))) add(english);
  // A country with no French or Spanish adjective has no forms: the endings alone ("e", "s",
  // "es") made American Samoa of the plural "s" in "flag States".
  for (const french of adjectivesOf(nationality.getName(alpha2, "fr"))) for (const form of frenchForms(french)) add(form);
  for (const spanish of adjectivesOf(nationality.getName(alpha2, "es"))) for (const form of spanishForms(spanish)) add(form);
}

/** The flag a nationality adjective names, as ISO alpha-3, or null. */
export function nationalityAlpha3(adjective: string): string | null {
  return table.get(fold(adjective)) ?? null;
}

/** Every adjective form known, for building patterns (longest first, so "south korean" wins over "korean"). */
export const nationalityForms: readonly string[] = [...table.keys()].sort((a, b) => b.length - a.length);
