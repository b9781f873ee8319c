/**
 * What follows a cue in running text, read off at a position: a vessel's name, a company, a
 * country (a name in English, French or Spanish, or an ISO code), a nationality adjective. Each
 * returns its exact span, or null, so a rule that finds "flagged to" or "battant pavillon" knows
 * where its value begins and where it ends.
 */
import { nationalityAlpha3 } from "./nationalities";
import { flagAlpha3 } from "./values";

export interface Span {
  start: number;
  end: number;
  /** The flag, for a country or adjective (ISO alpha-3). */
  alpha3?: string;
}

/** Words a capitalised run stops at: sentence words that happen to start with a capital, in three languages. */
const STOP = new Set(
  "The A An And Or Of In On At To By For From With Was Were Is Are Has Had Have Which Who That This These Those It Its Le La Les Un Une Des Du De Et Ou Au Aux En Est Sont Qui Que Dans Par Pour Sur Avec El Los Las Una Del Al Y O Es Son Que Por Para Con En Su Sus".split(" "),
);
/** Lower-case words inside a vessel's name ("LUIS DE CAMOENS", "STAR OF HOPE"). */
// Not "and", "et", "y": those join the names of a list ("A, B and C").
const NAME_JOINERS = new Set(["de", "del", "da", "do", "of", "la", "le", "&", "-", "–"]);
/** The quotes that close each opening quote. */
const CLOSING: Record<string, RegExp> = { "«": /»/, "“": /[”"]/, '"': /["”]/, "‘": /’|'(?![\p{L}])/u, "'": /'(?![\p{L}])/u, "’": /’(?![\p{L}])/u };
/** Number signs of vessel names: "NO. 7", "Nº 12", "N° 3". */
const NUMBER_SIGN = /^(?:No\.?|NO\.?|Nº|N°|N\.º|Nr\.?|#)$/;

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Words (and the punctuation that glues into names) from `at`, on one line, at most `max`. */
function tokensFrom(text: string, at: number, max = 10): Token[] {
  const out: Token[] = [];
  const pattern = /[^\s,;:()\[\]{}"“”«»—]+/gy;
  let i = at;
  while (out.length < max) {
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
    pattern.lastIndex = i;
    const m = pattern.exec(text);
    if (!m) break;
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    i = m.index + m[0].length;
    // A name does not run past a comma, a bracket, a dash ("KARAVAHTHAA—was") or the end of a line.
    if (i >= text.length || !/[ \t]/.test(text[i])) break;
  }
  return out;
}

const upper = (word: string) => /\p{Lu}/u.test(word) && !/\p{Ll}/u.test(word);
const capitalised = (word: string) => /^[\p{Lu}\d]/u.test(word);
const trimEnd = (token: Token): Token => {
  const stripped = token.text.replace(/[.'’–—_-]+$/, "");
  return NUMBER_SIGN.test(token.text) || /\b(?:No|Co|Ltd|Inc|Corp|S\.A|S\.L)\.$/i.test(token.text) ? token : { ...token, text: stripped, end: token.start + stripped.length };
};

/**
 * A vessel's name at `at` (after optional quotes): capitalised words and numbers ("OCEAN PEARL",
 * "SEIN 11", "NO.618 DONG WON", "Lian Jyi Hsing", "HAKKO MARU NO. 35"); a name in capitals stops
 * at the first word that is not ("OCEAN PEARL The vessel" is "OCEAN PEARL").
 */
export function nameAt(text: string, at: number): Span | null {
  let i = at;
  while (text[i] === " " || text[i] === "\t") i++;
  // "the SCORPION 70", "le OCEAN CREST", "el “FONNES”", a sentence's "L’OCEAN CREST": an article before a name in capitals or quotes.
  const article = /^(?:the|le|la|el|[lL]['’])[ \t]*(?=[“"«\p{Lu}\d][^\s]*)/u.exec(text.slice(i, i + 6));
  if (article && /^[“"«]|^[\p{Lu}\d][^\p{Ll}\s]*(?:\s|$|[,.;])/u.test(text.slice(i + article[0].length, i + article[0].length + 40))) i += article[0].length;
  // ("the 150-foot SUAH": the vessel's size before its name.)
  const size = /^[\d.,]+[ -]?(?:foot|feet|ft|metre|meter|m|mètres?|metros?)[ \t]+(?=[“"«\p{Lu}])/u.exec(text.slice(i, i + 20));
  if (size) i += size[0].length;
  // "FV SAJO POTENTIA": the prefix says what it is, not what it is called.
  const prefix = /^(?:F\/V|M\/V|B\/P|F\/B|L\/M|M\/N|B\/M|M\/P|F\.V\.|M\.V\.|B\.P\.|FV|MV|BP|FB)[ \t]+(?=\p{Lu})/u.exec(text.slice(i, i + 6));
  if (prefix) i += prefix[0].length;
  const open = i;
  while (text[i] === " " || text[i] === "“" || text[i] === '"' || text[i] === "«" || text[i] === "‘" || text[i] === "'" || text[i] === "’") i++;
  const quoted = i > open && /[“"«‘']/.test(text.slice(open, i));
  if (quoted) {
    // The quote that closes the one that opened: "« KOO'S 103 »" holds an apostrophe.
    const opening = text.slice(open, i).replace(/\s/g, "").slice(-1);
    const close = text.slice(i).search(CLOSING[opening] ?? /[”"»’']/);
    // A name in quotes still starts like a name: "“no indicado”" is a form left unfilled.
    // ("« MAKMUR JAYA 20 Imo 8440000 »": an identifier written inside the quotes is not the name's.)
    const inside = close > 0 ? text.slice(i, i + close).search(/\s(?:IMO|Imo|OMI|IRCS|MMSI)\b/) : -1;
    // ("baptisés «GARDENIA 888 et SEIN HONOR»": two names in one pair of quotes, the list's "et" between them.)
    const two = close > 0 ? /^[\p{Lu}\d][^\p{Ll}]*?(?=[ \t]+(?:et|and|y)[ \t]+[\p{Lu}\d][^\p{Ll}]*$)/u.exec(text.slice(i, i + close)) : null;
    if (close > 0 && close <= 60 && !text.slice(i, i + close).includes("\n") && /^[\p{Lu}\d]/u.test(text[i])) return { start: i, end: trimmedEnd(text, i, i + (two ? two[0].length : inside > 0 ? inside : close)) };
    if (close > 0) return null;
  }
  const tokens = tokensFrom(text, i, 8);
  if (!tokens.length || !capitalised(tokens[0].text) || STOP.has(tokens[0].text)) return null;
  const allCaps = upper(tokens[0].text) || /^\d/.test(tokens[0].text);
  let last = -1;
  for (let k = 0; k < tokens.length; k++) {
    const word = tokens[k].text.replace(/[.'’]+$/, "");
    // "BP IMULA0863KLT IMO 8467802": an identifier's label ends the name.
    // ("XIN SHI JI NO.17 CN-3394": a registration mark after the name.)
    if (k > 0 && (/^(?:IMO|OMI|IRCS|MMSI|GT|TRB|LOA)$/.test(word) || (k > 1 && /^[A-Z]{1,3}-\d{2,}$/.test(word)) || /^[A-Z]{2}-\d{3,}$/.test(word))) break;
    const isNumber = /^\d[\d\-/.]*$/.test(word) || NUMBER_SIGN.test(tokens[k].text) || /^(?:No|NO|Nº|N°)\.?\d+$/.test(word);
    // "1.1 Name of ship BELINDA 1.2 IMO number": a form's next enumerator is not the name's number.
    if (k > 0 && /^\d{1,2}\.\d{1,2}$/.test(word) && /^[ \t]+(?:IMO|OMI|MMSI|IRCS|\p{Lu}\p{Ll})/u.test(text.slice(tokens[k].end, tokens[k].end + 6))) break;
    // "the INDRA MAJU 150 miles south of Cork": a distance or a size after the name is not its number.
    if (k > 0 && /^\d/.test(word) && MEASURE_AFTER.test(text.slice(tokens[k].end, tokens[k].end + 16))) break;
    const fits = isNumber || (allCaps ? upper(word) || /^[IVX]+$/.test(word) : capitalised(word) && !STOP.has(word));
    const joiner = NAME_JOINERS.has(word.toLowerCase()) && k + 1 < tokens.length && capitalised(tokens[k + 1].text) && (allCaps ? word === word.toUpperCase() : !upper(tokens[k + 1].text));
    if (fits || (joiner && k > 0)) {
      if (fits) last = k;
      // A sentence ends after a word with a full stop, unless it is a number sign or a legal form.
      if (/[.]$/.test(tokens[k].text) && !NUMBER_SIGN.test(tokens[k].text) && !/^\p{Lu}\.$/u.test(tokens[k].text)) break;
      continue;
    }
    break;
  }
  if (last < 0) return null;
  const end = trimEnd(tokens[last]).end;
  return end > tokens[0].start ? { start: tokens[0].start, end } : null;
}

/** A unit after a number: "150 miles", "60 nautical miles", "41.3 mètres", "330 toneladas". */
const MEASURE_AFTER = /^[ \t]*(?:miles?|yards?|feet|foot|ft|pieds?|pies|nautical|nm|NM|km|kilom\w+|metres?|meters?|mètres?|metros?|m|tonnes?|tons?|toneladas?|t|kg|GT|TJB|millas?|milles?|hours?|heures?|horas?|days?|jours?|d[ií]as?)(?![\p{L}])/u;

function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && /[\s.,]/.test(text[end - 1])) end--;
  return end;
}

/** Legal forms that end a company's name. */
/** Legal forms and the words that end a company's name: "Ltd", "Co.,Ltd", "S.A.", "K.K.", "Fisheries". */
const TRAILING_FORM = /^(?:ltd|limited|llc|inc|incorporated|corp|corporation|co|company|plc|pte|pty|gmbh|ag|bv|nv|sa|s\.a|sl|s\.l|sas|sarl|srl|spa|s\.p\.a|sdn|bhd|kk|k\.k|kabushiki|kaisha|kabushikigaisha|kabushikikaisha|yugengaisha|gyogyo|suisan|pt|cv|ehf|hf|as|asa|ab|oy|lp|llp|sac|eirl|limitada|ltda|cia|enterprises?|fisheries|fishery|fishing|shipping|holdings?|group|trading|international)\.?$/i;
/** Legal forms that begin a company's name: "COMPAGNIE FRANCAISE DU THON", "Sociedad Pesquera X". */
const LEADING_FORM = /^(?:sociedad|compañía|compania|compagnie|société|societe|empresa|armement|pesquera)$/i;
export const LEGAL_FORM = {
  test: (word: string) => TRAILING_FORM.test(word) || LEADING_FORM.test(word) || /^(?:co|ltd|inc|corp|s\.a|sa|pte|sdn|bhd)\.?,?(?:\s*|\.)?(?:ltd|inc|co|bhd|llc|limited)\.?$/i.test(word),
};
/** Whether a word ends a company's name: "Ltd", "Co.,Ltd" (not "Compagnie", which begins one). */
export const endsCompany = (word: string) => TRAILING_FORM.test(word) || /^(?:co|ltd|inc|corp|s\.a|sa|pte|sdn|bhd)\.?,?(?:\s*|\.)?(?:ltd|inc|co|bhd|llc|limited)\.?$/i.test(word) || /\)(?:co|ltd)\.?,?(?:ltd)?\.?$/i.test(word);

/**
 * A company at `at`: its capitalised words and legal form, with the commas and dots companies
 * carry ("Sein Fishing Investment Pte Ltd", "ONAWA FISHING, SL", "Kaigata Suisan K.K."), ending at
 * the legal form or where the clause ends.
 */
export function companyAt(text: string, at: number): Span | null {
  let i = at;
  while (text[i] === " " || text[i] === "“" || text[i] === '"' || text[i] === "«") i++;
  const lineEnd = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
  // A company ends where its address ("P.O. Box 1234") or another field ("Ltd/not stated") begins.
  const bounded = text.slice(i, Math.min(lineEnd, i + 120));
  // ("BJE PERERA, P.O." + "Box 1234": an address wrapped onto the next line; "Kaisha.El KOYO MARU": a sentence without its space; "Matthew J Goodwin, Surrey (C.-B.)": the owner's town.)
  const boundary = bounded.search(/,?\s*(?:[Pp]\.?\s?[Oo]\.?\s+(?:Box|BOX|box)|[Pp]\.\s?[Oo]\.$|B\.?P\.?\s+\d|Apartado|Casilla)(?![\p{L}])|\s\/\s|\/(?=\p{Ll})|(?<=[\p{L}.])\.(?=(?:El|La|Los|Las|Le|Les|The|Il|Elle|Un|Une|Una|This|Este|Esta)\s)|,[ \t]*(?!(?:Ltd|Limited|Inc|Co|Corp|Corporation|Company|Llc|Pte|Pty|Bhd|Sdn|Ltda)\b)\p{Lu}\p{Ll}[\p{L}'’.-]*(?:[ \t]+\p{Lu}[\p{L}'’.-]+){0,2}[ \t]*\((?:[\p{Lu}][\p{L}.-]*[ \t-]*){1,4}\)[ \t|]*$/u);
  const rest = boundary > 0 ? bounded.slice(0, boundary) : bounded;
  const words = [...rest.matchAll(/[^\s]+/g)];
  if (!words.length || !capitalised(words[0][0]) || STOP.has(words[0][0])) return null;
  let end = -1;
  let legal = -1;
  let named = false;
  const inCapitals = words.length > 1 && !/\p{Ll}/u.test(words[0][0] + words[1][0]) && /\p{Lu}/u.test(words[1][0]);
  for (let k = 0; k < words.length; k++) {
    const raw = words[k][0];
    // ("“Sunshine Fisheries Pte. Ltd.”": the closing quote is not the name's.)
    // ("Fishing Corp..": the legal form's stop, then the sentence's.)
    const word = raw.replace(/[”"»]+(?=[,;:.]*$)/, "").replace(/[,;:]+$/, "").replace(/\.\.+$/, ".");
    const isLegal = endsCompany(word) || endsCompany(word.replace(/[()]/g, ""));
    if (k > 0 && STOP.has(word)) break;
    // "BLFEA FERNANDO, Address: 12 Main Street": a word with a colon is the next field's label.
    if (k > 0 && /:$/.test(raw)) break;
    const joiner = word === "&" || ["de", "del", "du", "and", "y", "et", "of"].includes(word);
    const fits = capitalised(word) || isLegal || /^\([\p{Lu}\d]/u.test(word) || joiner;
    if (!fits) break;
    // "WFAT SOVIS Li Wei": a name in capitals ends where words in small letters begin (the next
    // field's value), unless a legal form is still to come ("CNFC Overseas Fisheries Co., Ltd").
    if (k > 0 && inCapitals && !isLegal && !joiner && /\p{Ll}/u.test(word) && !words.slice(k + 1).some((w) => endsCompany(w[0].replace(/[,;:.]+$/, "")))) break;
    // A joiner belongs to the name only when a word of the name follows: "Mohamed Hameed and operated" ends before "and".
    if (!joiner) end = words[k].index! + word.length;
    // A legal form before the name ("PT BINTANG HARAPAN", "KABUSHIKI KAISHA KANESHIMEICHI") does not end it.
    if (isLegal && named) legal = end;
    if (!isLegal && !joiner) named = true;
    // A clause ends at a semicolon, or at a comma that no capitalised word or legal form follows.
    if (/;$/.test(raw)) break;
    const next = words[k + 1]?.[0] ?? "";
    // ("Armement Dhellemmes, 12 rue X": a number after the comma starts the address.)
    if (/,$/.test(raw) && !(/^\p{Lu}/u.test(next) || LEGAL_FORM.test(next.replace(/[,;.()]+$/, "")))) break;
  }
  const stop = legal >= 0 ? legal : end;
  if (stop <= 0) return null;
  // "S.A.", "Inc.", "Co.": the full stop of an abbreviated legal form is the company's own.
  const trimmed = trimmedEnd(rest, 0, stop);
  const lastWord = rest.slice(0, trimmed + 1).split(/\s+/).at(-1) ?? "";
  const keepsStop = rest[trimmed] === "." && (/^(?:\p{Lu}\.)+$/u.test(lastWord) || /^(?:ltd|inc|co|corp|bhd|pte|pty|pt|ltda|cia)\.$/i.test(lastWord.replace(/^.*[,(]/, "")));
  return { start: i, end: i + trimmed + (keepsStop ? 1 : 0) };
}

/** Articles and nouns before a company's own name: "the company", "la société", "l'armateur", "la naviera". */
const COMPANY_NOUN = /^(?:(?:the|la|le|el|l['’]|a|an|une?)[ \t]*)?(?:[\p{L}-]+-based[ \t]+)?(?:(?:(?:o|or|ou)[ \t]+)?(?:flotte|flota|fleet|groupe|grupo|group|company|firm|société|compagnie|entreprise|armateur|empresa|compañía|sociedad|naviera|armadora|firma|mercantil|subsidiary[ \t]+of|filiale[ \t]+de|filial[ \t]+de)[ \t]+)?(?:(?:comercial|commerciale|pesquera|armadora|armatrice|naviera|mercantil)[ \t]+)?/u;

/** A person's home and trade before their name: "Gloucester fisherman", "a local businessman", "le pêcheur". */
const OWNER_TRADE = /^(?:(?:a|the|le|la|el|un|une?)[ \t]+)?(?:\p{Lu}[\p{L}-]+[ \t]+){0,2}(?:local[ \t]+)?(?:fisherman|businessman|businesswoman|entrepreneur|p[êe]cheur|pescador|empresario|empresaria|homme[ \t]+d['’]affaires)[ \t]+(?=\p{Lu})/u;

/**
 * A company after a cue, past an article and a noun for a company in lower case ("owned by the
 * company X") and the nationality that qualifies it ("la société espagnole X", "the Spanish company X").
 */
export function companyAfter(text: string, at: number): Span | null {
  let i = at;
  for (let k = 0; k < 2; k++) {
    i += COMPANY_NOUN.exec(text.slice(i, i + 40))![0].length;
    // ("owned by Gloucester fisherman Y G SISIRA KUMAR": where the owner is from, and what the owner does.)
    i += OWNER_TRADE.exec(text.slice(i, i + 60))?.[0].length ?? 0;
    // ("owned by the Cuba company X": a country's name before the noun, as an adjective would be.)
    const country = countryAt(text, i);
    const adjective = country && /^[ \t]+(?:company|firm|shipowner|owner|subsidiary)\b/.test(text.slice(country.end, country.end + 12)) ? country : adjectiveAt(text, i);
    if (!adjective) break;
    const after = /^\p{Ll}/u.test(text.slice(adjective.start, adjective.end)) || /^[ \t]+(?:company|firm|shipowner|owner|subsidiary)\b/.test(text.slice(adjective.end, adjective.end + 12));
    if (!after) break;
    i = adjective.end;
    while (text[i] === " " || text[i] === "\t") i++;
  }
  // "la société espagnole de pêche, X", "a company registered in Nauru, X": what the company is, before its name.
  const trade = /^[ \t]*(?:de|of)[ \t]+(?:pêche|pesca|fishing)[ \t]*,?[ \t]*/u.exec(text.slice(i, i + 30));
  if (trade) i += trade[0].length;
  const seat = /^[ \t]*(?:registered|based|incorporated|domiciled)[ \t]+in[ \t]+/u.exec(text.slice(i, i + 30));
  const country = seat && countryAt(text, i + seat[0].length);
  const comma = country && /^[ \t]*,[ \t]*/.exec(text.slice(country.end, country.end + 4));
  if (comma) i = country.end + comma[0].length;
  return companyAt(text, i);
}

/** Articles before a country's name: "the Philippines", "la France", "l'Espagne", "los Estados Unidos". */
const ARTICLE = /^(?:(?:the|la|le|les|el|los|las)\s+|l['’]\s*)/i;

/** A country at `at` (its longest name of up to six words, or an ISO code), with its alpha-3. */
export function countryAt(text: string, at: number): Span | null {
  let i = at;
  while (text[i] === " ") i++;
  // "the African country of Indonesia", "l'État de Palestine": what the country is, before its name.
  const described = /^(?:(?:the|la|le|el)\s+|l['’])?(?:\p{L}+\s+)?(?:country|nation|state|pays|pa[ií]s|naci[oó]n|[ée]tat|estado)\s+(?:of|de|du|d['’])\s*/iu.exec(text.slice(i, i + 40));
  const named = described && countryAt(text, i + described[0].length);
  if (named) return named;
  const article = ARTICLE.exec(text.slice(i, i + 5));
  // "la France", "the Philippines"; but "El Salvador", "The Gambia" keep theirs.
  return (article && countryFrom(text, i + article[0].length)) || countryFrom(text, i);
}

function countryFrom(text: string, i: number): Span | null {
  const tokens = tokensFrom(text, i, 6);
  if (!tokens.length || !capitalised(tokens[0].text)) return null;
  for (let n = tokens.length; n >= 1; n--) {
    const end = trimEnd(tokens[n - 1]).end;
    const name = text.slice(tokens[0].start, end);
    const alpha3 = flagAlpha3(name);
    // Two- and three-letter codes only in capitals: "PA", "ESP"; not "la", "Con".
    if (alpha3 && (name.length > 3 || /^[A-Z]{2,3}$/.test(name))) return { start: tokens[0].start, end, alpha3 };
  }
  return null;
}

/** A nationality adjective at `at` (one or two words: "Panamanian", "South Korean", "panaméen"). */
export function adjectiveAt(text: string, at: number): Span | null {
  const tokens = tokensFrom(text, at, 2);
  for (let n = tokens.length; n >= 1; n--) {
    const end = tokens[n - 1].end;
    const word = text.slice(tokens[0].start, end).replace(/-flagged$/i, "").replace(/[.,;:!?…]+$/, "");
    const alpha3 = nationalityAlpha3(word);
    if (alpha3) return { start: tokens[0].start, end: tokens[0].start + word.length, alpha3 };
  }
  return null;
}

/** A flag at `at`, written either way: a country or an adjective. */
export function flagAt(text: string, at: number): Span | null {
  return countryAt(text, at) ?? adjectiveAt(text, at);
}

/** The word that ends just before `at` (after spaces), for looking back: "Panamanian" of "Panamanian-flagged". */
export function wordBefore(text: string, at: number, words = 1): Span | null {
  let end = at;
  while (end > 0 && /[\s-]/.test(text[end - 1])) end--;
  let start = end;
  let count = 0;
  while (start > 0 && count < words) {
    while (start > 0 && /[\p{L}\p{N}'’.]/u.test(text[start - 1])) start--;
    count++;
    if (count < words && start > 0 && text[start - 1] === " ") start--;
  }
  return start < end ? { start, end } : null;
}

/** Several names in a row: "A, B and C", "–el X, el Y y el Z–", up to `max`. */
export function namesAt(text: string, at: number, max: number): Span[] {
  const out: Span[] = [];
  let i = at;
  while (out.length < max) {
    const dash = /^[ \t]*[–—:,-][ \t]*/.exec(text.slice(i, i + 4));
    const name = nameAt(text, dash && out.length === 0 ? i + dash[0].length : i);
    if (!name) break;
    out.push(name);
    const joiner = /^\s*(?:[”"»'’])?\s*(?:,\s*(?:and|et|y)?|and|et|y)\s+/.exec(text.slice(name.end, name.end + 10));
    if (!joiner) break;
    i = name.end + joiner[0].length;
  }
  return out;
}

/** Countries in a row: "Kosovo", "Belize, Togo and Panama". */
export function countriesAt(text: string, at: number): Span[] {
  const out: Span[] = [];
  let i = at;
  for (let k = 0; k < 6; k++) {
    const country = countryAt(text, i);
    if (!country) break;
    out.push(country);
    const joiner = /^\s*(?:,\s*(?:and|et|y)?|and|et|y)\s+/.exec(text.slice(country.end, country.end + 8));
    if (!joiner) break;
    i = country.end + joiner[0].length;
  }
  return out;
}
