/**
 * Fishing gear against FAO/CWP's ISSCFG Rev.1 (./reference/gears.json; its edition is in the
 * file): a gear code, an older code lists still use, or a gear named in words (English, French,
 * Spanish, or a vessel type that implies it: "longliner", "senneur") -> the ISSCFG abbreviation.
 */
import table from "./reference/gears.json";

const gears = table.gears as Array<[isscfg: string, abbreviation: string, name: string]>;
const abbreviations = new Map(gears.map(([isscfg, abbreviation, name]) => [abbreviation, { isscfg, name }]));

/**
 * Codes of ISSCFG 1980 and of RFMO lists, mapped to the Rev.1 category that holds them: IOTC's GI
 * (gillnet), HAND and PL (hand and pole lines), BB (baitboat), MWT (midwater trawl); ISSCFG 1980's
 * GN, OT, PT, TBN, TMS, PS1, PS2.
 */
const OLDER_CODES: Record<string, string> = {
  GI: "GEN", GN: "GEN", G: "GEN", HAND: "LHP", HL: "LHP", PL: "LHP", BB: "LHP", POLE: "LHP", TROL: "LTL", TL: "LTL",
  MWT: "TM", BT: "TB", TW: "TX", TR: "TX", OT: "TX", PT: "TX", TBN: "TB", TBS: "TB", TMS: "TM", PS1: "PS", PS2: "PS",
  LLP: "LL", LLT: "LL", LN: "LN", SHDN: "LNB", JIG: "LHM", SQ: "LHM", HARP: "HAR", OTH: "MIS", UNK: "NK",
};

/** Gear in words, most specific first; each gives an ISSCFG abbreviation. */
const WORDS: Array<[RegExp, string]> = [
  [/\bpurse[- ]?sein|\bsenne(?:s)? coulissante|\bsenneur|\bred(?:es)? de cerco|\bcerquer[oa]|\bcerco\b/, "PS"],
  [/\bdrift(?:ing)? long[- ]?lin|\bpalangre(?:s)? deriv|\bpalangre(?:s)? de superficie|\bpalangre(?:s)? flottante/, "LLD"],
  [/\b(?:set|bottom|demersal) long[- ]?lin|\bpalangre(?:s)? (?:de fond|calee|de fondo)/, "LLS"],
  [/\blong[- ]?lin|\bpalangr/, "LL"],
  [/\bpole[- ](?:and|&)[- ]line|\bbait ?boat|\bcanne|\bcana\b|\bcaneros?\b/, "LHP"],
  [/\bhand[- ]?lin|\bligne(?:s)? a main|\blinea(?:s)? de mano/, "LHP"],
  [/\btroll|\bligne(?:s)? de traine|\bcurrican/, "LTL"],
  [/\bjig|\bturlutte|\bpoter[oa]/, "LHM"],
  [/\bdrift[- ]?(?:gill)?nets?|\bfilets? maillants? derivants?|\bredes? de enmalle de deriva|\bdrift[- ]?net/, "GND"],
  [/\bset gill[- ]?nets?|\bfilets? maillants? cales?|\bredes? de enmalle de fondo/, "GNS"],
  [/\btrammel|\btremail|\btrasmall/, "GTR"],
  [/\bgill[- ]?net|\bfilets? maillants?|\bredes? de enmalle|\bmaillant/, "GEN"],
  [/\bbeam trawl|\bchalut a perche|\barrastre de vara/, "TBB"],
  [/\b(?:bottom|demersal) (?:otter )?trawl|\bchalut de fond|\barrastre de fondo/, "TB"],
  [/\b(?:midwater|mid-water|pelagic) (?:otter )?trawl|\bchalut pelagique|\barrastre pelagico|\barrastre de media agua/, "TM"],
  [/\btrawl|\bchalut|\barrastr/, "TX"],
  [/\bdredg|\bdrague|\bdraga/, "DRX"],
  [/\bpots?\b|\bcasiers?\b|\bnasas?\b/, "FPO"],
  [/\btraps?\b|\bpieges?\b|\btrampas?\b/, "FIX"],
  [/\bstick[- ]held dip net/, "LNB"],
  [/\blift ?nets?|\bfilets? souleves?|\bredes? izadas?/, "LN"],
  [/\bharpoon|\bharpon/, "HAR"],
  [/\bbeach seine|\bsenne de plage|\bjabega/, "SB"],
  [/\bdanish seine|\bboat seine|\bsenne danoise|\bsenne de bateau/, "SV"],
];

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** The ISSCFG abbreviation of one gear, or null when it is none we know. */
function gearCode(text: string): string | null {
  const trimmed = text.trim();
  const code = trimmed.toUpperCase().replace(/[.\s]/g, "");
  if (abbreviations.has(code)) return code;
  if (OLDER_CODES[code]) return OLDER_CODES[code];
  // "Purse seines (PS)", "Hooks and lines (nei) (LX)": the code in brackets says it.
  const bracketed = /\(([A-Z]{2,4})\)\s*$/.exec(trimmed)?.[1];
  if (bracketed && abbreviations.has(bracketed)) return bracketed;
  const exact = gears.find(([, , name]) => fold(name) === fold(trimmed));
  if (exact) return exact[1];
  const words = fold(trimmed);
  return WORDS.find(([pattern]) => pattern.test(words))?.[1] ?? null;
}

/**
 * A gear value as ISSCFG abbreviations: "Longline" -> "LL", "LL;GI" -> "LL;GEN", "palangres" ->
 * "LL", "Purse seines (PS)" -> "PS"; null when no part is a gear we know.
 */
export function isscfgCodes(text: string): string | null {
  const parts = text.split(/\s*[;,/+]\s*/).filter(Boolean);
  const found = parts.length > 1 ? parts.map(gearCode) : [gearCode(text)];
  const known = [...new Set(found.filter((code): code is string => code !== null))];
  return known.length ? known.join(";") : null;
}

/** The ISSCFG category of an abbreviation ("LLD" -> 09.32 Drifting longlines). */
export function isscfgCategory(abbreviation: string): { isscfg: string; name: string } | null {
  return abbreviations.get(abbreviation) ?? null;
}
