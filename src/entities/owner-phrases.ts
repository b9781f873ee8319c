/**
 * Who owns and runs the vessel, in running text: "owned by", "the owner is", "appartiendrait à",
 * "propiedad de", "operated by", "exploité par", "operado por"; a company before what it does
 * ("X SA owns the OCEAN STAR", "X Ltd, which owned the vessel", "X-owned"), or after the vessel it
 * owns ("the owners of the OCEAN STAR, X Ltd,"). Companies are read by ./phrases.ts, bounded at
 * their legal form or where the clause ends.
 */
import { companyAfter, companyAt, endsCompany, flagAt, LEGAL_FORM, nameAt, wordBefore, type Span } from "./phrases";
import { nationalityAlpha3 } from "./nationalities";
import { flagAlpha3 } from "./values";
import { ACRONYMS, headingWord, NOUN, notAName } from "./vessel-names";

/** "Dirección del armador:", "Adresse de l'armateur :": what follows is where the owner is, not who. */
const CONTACT_OF = /(?:address|adresse|direcci[oó]n|domicilio|domicile|t[ée]l[ée]phone|tel[ée]fono|phone|fax|e-?mail|correo)[ \t]+(?:of[ \t]+(?:the[ \t]+)?|du[ \t]+|de[ \t]+l['’][ \t]*|del[ \t]+|de[ \t]+la[ \t]+)?$/iu;

export type Emit = (label: string, span: Span | null) => void;

export function ownerRules(text: string, emit: Emit): void {
  const each = (pattern: RegExp, handle: (m: RegExpMatchArray, end: number) => void) => {
    for (const m of text.matchAll(pattern)) handle(m, m.index! + m[0].length);
  };
  each(/\b(?:(?:owned|owned\s+and\s+operated|(?:owned\s+(?:and|or)\s+)?controlled)\s+by|(?:registered\s+|ship\s*)?owner(?:s)?(?:\s+(?:is|was|are|were)(?:\s+(?:listed|named|given|recorded|shown)\s+as)?|\s*[:,])|(?:(?:its|the|their)\s+)?owner\s+of\s+(?:the\s+|this\s+)?(?:vessel|ship|boat)\s*(?:is|was|,)|propri[ée]taire\s+du\s+(?:navire|bateau)\s*(?:est|,)|(?:propietari[oa]|armador[a]?)\s+del\s+(?:buque|barco|pesquero)\s*(?:es|,)|(?:the\s+)?(?:company|firm)\s+that\s+owns\s+(?:it|the\s+(?:vessel|ship|boat))\s*,?|(?:its|the|their)\s+(?:registered\s+)?owners?(?:\s+(?:is|was|are|were))?,?|(?:a\s+)?company\s+(?:called|named)|appartien\w*(?:\s+\p{Ll}+){0,2}\s+à|propriété\s+de|(?:ship[ -]?owning|shipowning|fishing|seafood)\s+(?:company|firm)|(?:subsidiary|filiale|filial)\s+(?:of|de|du)|propri[ée]taire\s*(?:est|:|,)?|propiedad\s+de|propietari[oa]\s*(?:es|:|,)?|cuyo\s+armador\s+es|la\s+(?:empresa|société|compañía|sociedad|naviera|armadora|firma|mercantil)|the\s+(?:company|firm)|armateur\s*(?:est|:|,)?|armador[ae]?s?\s*(?:es|:|,)?)\s+/giu, (m, end) => {
    // "Vidal Armadores S.A.": a capitalised cue after a capitalised word is part of a name.
    const before = wordBefore(text, m.index!);
    // ("... the flag of Panama. Its owner was": a sentence ended before it.)
    const partOfName = before && /^\p{Lu}/u.test(text.slice(before.start, before.end)) && !/[.!?]$/.test(text.slice(before.start, before.end)) && /^[ \t]+$/.test(text.slice(before.end, m.index!));
    // ("Private owner, Eastport (Newfoundland)": the owner is not named, the town follows.)
    const unnamed = /(?:private|priv[ée]e?|particular)[ \t]+$/i.test(text.slice(Math.max(0, m.index! - 10), m.index!)) || /^(?:owner|propri[ée]taire|propietari[oa])[ \t]+(?:privé|priv[ée]e?|particular)/i.test(m[0] + text.slice(end, end + 10));
    if (unnamed || (/^\p{Lu}/u.test(m[0]) && partOfName) || CONTACT_OF.test(text.slice(Math.max(0, m.index! - 30), m.index!))) return;
    // "propiedad de las empresas A Ltd, B PT. y C": one company after another, each ended by its legal form.
    const several = /^(?:las|les|the)[ \t]+(?:empresas|sociétés|companies|firms)[ \t]+/iu.exec(text.slice(end, end + 30));
    // ("la empresa gallega OCEAN ENCOUNTER (Nauru) Limited": a region's adjective after the company's noun, as a nation's would be.)
    const region = /(?:empresa|société|compañía|sociedad|naviera|firma|armadora)\s+$/iu.test(m[0]) ? /^(?!(?:de|del|du|des|que|qui|en)[ \t])\p{Ll}{4,}[ \t]+(?=\p{Lu})/u.exec(text.slice(end, end + 30)) : null;
    const company = companyAfter(text, end + (several?.[0].length ?? region?.[0].length ?? 0));
    for (const one of several && company ? eachCompany(text, company) : [company]) emit("OWNER_NAME", one);
  });
  // "the shipowner Pesquera Landes SA", "owner Sein Fishing Ltd": a company straight after the word, not a form's next label.
  each(/\b(?:ship\s*)?owners?[ \t]+(?=\p{Lu})/gu, (_m, end) => {
    const company = companyAt(text, end);
    if (company && !headingWord(text.slice(company.start, company.end).split(/[\s,:]/)[0])) emit("OWNER_NAME", company);
  });
  // "the vessel is registered to Sein Fishing Ltd" (a country there is its flag, read above).
  each(/\bregistered\s+to\s+/giu, (_m, end) => {
    if (!flagAt(text, end)) emit("OWNER_NAME", companyAfter(text, end));
  });
  // "autorízase a FARIDA, para sustituir la nave": the holder a resolution authorises.
  each(/\b(?:autor[ií]zase|se\s+autoriza|autoriza)\s+a\s+(?:la\s+(?:empresa\s+|sociedad\s+)?)?/giu, (_m, end) => emit("OWNER_NAME", companyAt(text, end)));
  // "the Sajo Seafood Co. Ltd’ FV SAJO POTENTIA", "Sealord Group Ltd's 52m stern trawler": a company's vessel.
  each(/['’]s?\s+(?:F\/V|FV|M\/V|MV)\s/gu, (m) => emit("OWNER_NAME", companyBefore(text, m.index!)));
  each(new RegExp(`['’]s[ \\t]+(?:[\\d.,]+[ \\t]*-?(?:m|metres?|meters?)[ \\t]+)?(?:[\\p{L}-]+[ \\t]+){0,2}(?:${NOUN})(?![\\p{L}])`, "giu"), (m) => emit("OWNER_NAME", companyBefore(text, m.index!)));
  // "Pesquera Landes SA owns the OCEAN STAR", "X SA est propriétaire du navire", "X SL es la propietaria del buque": a company by its legal form
  // ("Nogueira es el armador del X": a person the text names by surname is not taken).
  each(/[ \t]+(?:owns|owned)[ \t]+(?:the[ \t]+)?(?:vessel|ship|boat|\p{Lu})|[ \t]+as[ \t]+(?:the[ \t]+|its[ \t]+)?(?:registered[ \t]+)?owner\b|[ \t]+comme[ \t]+(?:son[ \t]+|le[ \t]+)?propriétaire\b|[ \t]+como[ \t]+(?:su[ \t]+|el[ \t]+)?(?:propietari[oa]|armador[a]?)\b|[ \t]+(?:est|était)[ \t]+(?:le[ \t]+|la[ \t]+)?propriétaire[ \t]+d|[ \t]+(?:es|era)[ \t]+(?:el|la)[ \t]+(?:propietari[oa]|armador[a]?)[ \t]+de/gu, (m) => emit("OWNER_NAME", companyBefore(text, m.index!)));
  // "Seafresh (Fiji) Pte Ltd, which owned the vessel X", "P.A. MANOHAL O.I, owners of scallop dredger X": the owner before its clause.
  // ("Diek Parlevliet, director of X, which owns the Lithuanian supertrawler": an adjective before the vessel's noun.)
  each(new RegExp(`-owned\\b|,[ \\t]*(?:the[ \\t]+)?(?:company|firm)[ \\t]+(?:that|which)[ \\t]+(?:owns|owned)\\b|,[ \\t]*(?:which|who|that|qui|que)[ \\t]+(?:owns|owned|own|possède|possédait|posee|poseía)[ \\t]+(?:(?:the|this|that|le|ce|el|este)[ \\t]+)?(?:[\\p{L}-]+[ \\t]+){0,2}(?:vessel|ship|boat|navire|bateau|buque|barco|${NOUN})(?![\\p{L}])|,[ \\t]*(?:(?:which|who|qui|que)[ \\t]+(?:is|was|est|était|es|era)[ \\t]+)?(?:the[ \\t]+|le[ \\t]+|la[ \\t]+|el[ \\t]+)?(?:owners?|propri[ée]taires?|propietari[oa]s?|armadora?)[ \\t]+(?:of|du|de|del)\\b`, "giu"), (m) => emit("OWNER_NAME", companyBefore(text, m.index!, true)));
  // "el permiso de pesca a favor de la X Ltd", "la flota de TOEI REEFER LINE LTD.": a licence's holder, a fleet's owner, by its legal form.
  each(/\b(?:(?:permiso|licencia|autorizaci[oó]n|concesi[oó]n)(?:\s+\p{Ll}+){0,3}\s+a\s+favor\s+de|(?:la|una)\s+flota\s+de|(?:la|une)\s+flotte\s+de|the\s+fleet\s+of)\s+(?:la\s+|el\s+|l['’]\s*)?/giu, (_m, end) => {
    const company = companyAt(text, end);
    if (company && LEGAL_FORM.test(text.slice(company.start, company.end).split(/\s+/).at(-1)!.replace(/[.,]+$/, ""))) emit("OWNER_NAME", company);
  });
  each(/\b(?:operated\s+by|managed\s+by|operator\s*(?:is|was|:|,)|exploité\s+par|géré\s+par|operado\s+por|gestionado\s+por|explotado\s+por|operador\s*(?:es|:|,))\s+/giu, (_m, end) => emit("OPERATOR_NAME", companyAfter(text, end)));
  // "the Micronesian owners of the QUEEN ALEXANDRA 959, Citypro Management Limited, challenged": the owner named after its vessel.
  each(OWNERS_OF, (_m, end) => {
    const name = nameAt(text, end);
    const comma = name && /^[ \t]*,[ \t]*/.exec(text.slice(name.end, name.end + 4));
    const company = comma ? companyAt(text, name!.end + comma[0].length) : null;
    if (company && LEGAL_FORM.test(text.slice(company.start, company.end).split(/\s+/).at(-1)!.replace(/[.,]+$/, ""))) emit("OWNER_NAME", company);
  });
}

const MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre";
/** A date a sentence starts with, before the company it is about: "On 20 June 2016 Citypro Management Limited, owner of". */
const LEADING_DATE = new RegExp(`^(?:\\d{1,2}(?:st|nd|rd|th|er)?\\s+(?:de\\s+)?)?(?:${MONTHS})\\s+(?:de\\s+)?\\d{4},?\\s+(?=\\p{Lu})`, "iu");
/** Where a company is based, before its name: "the South Korea-based Sajo Seafood Co. Ltd". */
const LEADING_BASE = /^\p{Lu}[\p{L}'’. ]*?-based\s+(?=[\p{Lu}\d])/u;
/** An abbreviation the text gives a company after its name: "KABUSHIKI KAISHA USUFUKU HONTEN (TLH)". */
const TRAILING_ABBREVIATION = /\s*\(\p{Lu}{2,6}\)$/u;

/** A company's span without the date or the place before it or the abbreviation after it. */
export function companyBounds(text: string, span: Span): Span {
  let { start, end } = span;
  const date = LEADING_DATE.exec(text.slice(start, end));
  if (date) start += date[0].length;
  const base = LEADING_BASE.exec(text.slice(start, end));
  if (base) start += base[0].length;
  const abbreviation = TRAILING_ABBREVIATION.exec(text.slice(start, end));
  if (abbreviation && abbreviation.index > 0) end = start + abbreviation.index;
  return { ...span, start, end };
}

/** "the West African state of Liberia": a region's adjective, no company. */
const REGION = /^(?:(?:West|East|North|South|Central|Southern|Northern|Eastern|Western)(?:[ -]\p{Lu}\p{Ll}+)?|\p{Lu}\p{Ll}+ (?:African|Asian|European|American|Pacific|Atlantic))$/u;

/** What ends the names of courts and authorities, not of companies: "Worthing Magistrates Court". */
const AUTHORITY_END = /\s(?:court|tribunal|juzgado|ministry|ministerio|minist[eè]re|pr[ée]fecture|prefectura|navy|armada|police|polic[ií]a|gendarmerie|commission|comisi[oó]n)$/i;
/** A company spoken of by its nationality: "a Nigerian Company". */
const NATIONAL_COMPANY = /^(.+?)\s+(?:company|firm|group|owners?|interests|soci[ée]t[ée]|empresa|compa[ñn][ií]a|armador|armateur)$/i;

/**
 * Whether a span read as an owner is plainly none: no letter, a region, a nationality, a country
 * ("un armador Rusia"), a legal form or an agency's acronym alone ("LTD", "MMO"), a court, a
 * company named by its nationality only ("a Nigerian Company", "a Mahoran company").
 */
export function notACompany(value: string): boolean {
  if (!/\p{L}/u.test(value) || REGION.test(value) || nationalityAlpha3(value) !== null || flagAlpha3(value) !== null || AUTHORITY_END.test(value)) return true;
  const national = NATIONAL_COMPANY.exec(value);
  if (national && (nationalityAlpha3(national[1]) !== null || flagAlpha3(national[1]) !== null)) return true;
  // ("a Mahoran company": the noun in small letters is said of a kind, as no company's name writes it.)
  if (/\s(?:company|firm|group|owners?|interests)$/.test(value)) return true;
  // ("Propriétaire enregistré | Particulier": a private person, not named.)
  if (PRIVATE_OWNER.test(value)) return true;
  return value.split(/\s+/).every((word) => LEGAL_FORM.test(word.replace(/[.,]+$/, "")) || ACRONYMS.has(word));
}

const PRIVATE_OWNER = /^(?:(?:propri[ée]taire|owner|propietari[oa])[ \t]+)?(?:particuliers?|priv[ée]e?s?|private(?:[ \t]+(?:owner|individual|person))?|particular(?:es)?|privad[oa]s?|individual)\b|^(?:propri[ée]taire|owner|propietari[oa]|armador|armateur)s?$/i;

/** A run of companies cut after each legal form that a comma or "and" and another company's name follow. */
function eachCompany(text: string, run: Span): Span[] {
  const out: Span[] = [];
  let start = run.start;
  for (const m of text.slice(run.start, run.end).matchAll(/(\S+?)(,?[ \t]+(?:and|et|y)[ \t]+|,[ \t]+)(?=\S)/gu)) {
    const word = m[1].replace(/[.,]+$/, "");
    const next = text.slice(run.start + m.index! + m[0].length).split(/[\s,]/)[0].replace(/[.,]+$/, "");
    if (!endsCompany(word) || LEGAL_FORM.test(next)) continue;
    out.push({ start, end: run.start + m.index! + m[1].length });
    start = run.start + m.index! + m[0].length;
  }
  return [...out, { start, end: run.end }];
}

/** "owners of the", "propriétaire du navire", "armador del buque": before the vessel's name. */
const OWNERS_OF = new RegExp(`\\b(?:owners?|propri[ée]taires?|propietari[oa]s?|armador(?:es)?)[ \\t]+(?:of|du|de|del)[ \\t]+(?:the[ \\t]+|la[ \\t]+|le[ \\t]+|el[ \\t]+|l['’])?(?:(?:${NOUN})[ \\t]+)?`, "giu");

/** A company that ends just before `at` ("the Sajo Seafood Co. Ltd’ FV ..."), with a legal form, or `orSubject` the sentence's subject. */
function companyBefore(text: string, at: number, orSubject = false): Span | null {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const line = text.slice(0, at);
  for (let start = Math.max(lineStart, at - 80); start < at - 2; start++) {
    if (start > lineStart && text[start - 1] !== " ") continue;
    const company = companyAt(line, start);
    if (!company || company.end !== at) continue;
    if (LEGAL_FORM.test(text.slice(company.start, company.end).split(/\s+/).at(-1)!.replace(/[.,]+$/, ""))) return company;
    // `orSubject`: without a legal form, a name that starts its sentence ("P.A. MANOHAL O.I, owners of ...").
    // (or after a comma, in capitals: "rejecting an appeal by the two defendants, EPD PRIYANTHA, the owner of ...")
    const value = text.slice(company.start, company.end);
    if (orSubject && (/(?:^|[.;:!?]\s+|\n|\b(?:of|de|del|du|by|par|por)\s+)$/.test(text.slice(Math.max(0, start - 5), start)) || (/,\s+$/.test(text.slice(Math.max(0, start - 3), start)) && !/\p{Ll}/u.test(value))) && !notAName(value)) return company;
  }
  return null;
}
