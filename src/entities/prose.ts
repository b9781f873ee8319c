/**
 * Vessel facts in running text, in the language of notices, press releases and inspection reports
 * (English, French, Spanish): a cue, then the value it introduces, read off by ./phrases.ts. The
 * vessel's name after the words for a vessel ("the fishing vessel", "F/V", "le palangrier", "el
 * buque pesquero", "de nombre"); its flag in the many ways a flag is said ("the Panamanian-flagged",
 * "flagged to", "flying the flag of", "battant pavillon", "de bandera", "con pabellón de"); a flag or
 * name it had before ("previously flagged to", "formerly known as", "s'appelait", "se denominaba");
 * its owner and operator ("owned by", "a company called", "appartiendrait à", "propiedad de").
 * A country that is only mentioned (a port State, an inspecting authority) is none of these.
 */
import { adjectiveAt, companyAfter, companyAt, countriesAt, countryAt, flagAt, LEGAL_FORM, nameAt, namesAt, wordBefore, type Span } from "./phrases";
import { ENUMERATION } from "./form-labels";
import { companyBounds, notACompany, ownerRules, type Emit } from "./owner-phrases";
import { previousNameRules } from "./previous-names";
import { nationalityAlpha3 } from "./nationalities";
import type { Candidate } from "./tables";
import { flagAlpha3, validate } from "./values";
import { capitalName, headingWord, NOUN, notAName } from "./vessel-names";


/** What may follow a vessel's name after "le"/"el": its flag, or what it is ("le X, un palangrier"). */
const NAME_THEN_FLAG = new RegExp(`^[»"”]?\\s*,?\\s*(?:un\\s+|une\\s+)?(?:battant|qui\\s+bat|bat)\\s+pavillon|^[»"”]?\\s*,\\s*(?:(?:un|una|le|el|the|a|an)\\s+)?(?:[\\p{L}-]+\\s+){0,2}?(?:${NOUN})|^[»"”]?\\s+(?:est|es|était|era|fue|a\\s+été)\\s+(?:un|una)\\s+(?:${NOUN})|^[»"”]?\\s*,?\\s*(?:de|con)\\s+(?:bandera|pabellón)|^[»"”]?\\s*\\((?:IMO|OMI)`, "iu");
/** What follows words that are no company: a colon ("Razón Social de la Empresa Pesquera Artesanal : X", a label's), a vessel noun ("belonging to the Sea Shepherd ship Bob Barker", the ship's owner unnamed). */
const QUALIFIES_OR_LABELS = new RegExp(`^(?:[ \\t]*:|[ \\t]+(?:${NOUN})(?![\\p{L}]))`, "iu");
/** A vessel's noun or flag in apposition after a name: ", a Panamanian-flagged longliner", " (un palangrier)", ", flagged to Panama", ", de bandera china". */
const APPOSITION = new RegExp(`^[»"”]?\\s*[,(]\\s*(?:(?:a|an|un|une|una)\\s+(?:[\\p{L}-]+\\s+){0,3}?(?:${NOUN})(?![\\p{L}])|(?:${NOUN})\\s+(?:que|qui|which|that|de|of)\\b|(?:re)?flagged\\s+(?:to|in|by|under)\\b|(?:battant|arborant)\\s+pavillon\\b|flying\\s+the\\s+flag\\b|enarbolando\\s+(?:la\\s+|el\\s+)?(?:bandera|pabell[oó]n)\\b|(?:de|con|bajo)\\s+(?:bandera|pabell[oó]n)\\b)`, "iu");
/** An identifier's label just before a value: "call sign", "IRCS:", "indicatif d'appel", "MMSI no.". */
const IDENTIFIER_LABEL_BEFORE = /(?:call\s*sign|IRCS|indicatif(?:\s+d['’]appel)?|distintivo(?:\s+de\s+llamada)?|IMO|OMI|MMSI|radio)(?:\s*(?:no\.?|number|n[º°]))?\s*[:.]?\s*$/i;
/** A name's other names after it: ", also known as", " (ex-", ", formerly". */
const ALIAS_AFTER = /^[ \t]*(?:,[ \t]*(?:also|previously|formerly)[ \t]+(?:known|named|called)|,[ \t]*formerly\b|\([ \t]*ex[- ]|,[ \t]*ex[- ])/i;
/** A verb after a sentence's subject: "OCEAN STAR was detained", "le X a été arraisonné", "el X fue". */
// (What is done to a vessel, not what a company is: "X is a subsidiary of Y" names no vessel.)
const SUBJECT_VERB = /^[ \t]+(?:(?:was|is|has\s+been|had\s+been|were)[ \t]+(?:\p{Ll}+ly[ \t]+)?\p{Ll}+(?:ed|en|wn)\b|(?:fue|ha\s+sido|había\s+sido)[ \t]+\p{Ll}+(?:ad|id)[oa]s?\b|(?:a|avait)[ \t]+été[ \t]+\p{Ll}+é)/u;
/** The words before a vessel noun that make it no suspect: "the patrol vessel", "le patrouilleur". */
const NOT_THE_VESSEL = /\b(?:patrol|coast\s+guard|naval|navy|research|survey|inspection|patrouille\w*|guardacostas|patrulla|armada)\s*$/iu;

/** A legal form after a comma: ", PT.", ", LTD", ", S.A.". */
const LEGAL_AFTER = /^,[ \t]*(?:PT|LTD|INC|CO|S\.A|SA|S\.L|SL|LLC|LIMITED|CORP|PTE)\b/i;
/** A person of the vessel before its noun: "skipper of the", "master of the", "capitaine du". */
const PERSON_OF = /\b(?:master|skipper|captain|owner|capitaine|patron|capit[aá]n|patr[oó]n)\s+(?:of\s+the|of|du|de\s+la|del)\s+$/i;
/** Words for people, whose nationality is theirs, not the vessel's. */
const PERSON = /\b(?:master|captain|skipper|crew|crewmen|fishermen|observer|inspector|owner|capitaine|patron|équipage|marins?|pêcheurs|observateur|inspecteur|capit[aá]n|patr[oó]n|tripulaci[oó]n|tripulantes|pescadores|observador|inspector|armador|propietario|persons|people|nationals|citizens|personnes|ressortissants|personas|ciudadanos|individuos)\b/iu;


export function proseRules(text: string): Candidate[] {
  const found: Candidate[] = [];
  const emit: Emit = (label, read) => {
    const company = label === "OWNER_NAME" || label === "OPERATOR_NAME";
    const span = read && company ? companyBounds(text, read) : read;
    if (!span || span.end <= span.start) return;
    const raw = text.slice(span.start, span.end);
    // No company that is none ("l'amende de 595 000 euros", "un armador Rusia", ./owner-phrases.ts); no name that is a
    // heading's word, an organisation, a nationality or without a letter (./vessel-names.ts): every reading below relies on it.
    // ("the MENTARI ANUGRAH SELATAN, PT.’ FV": a name its legal form follows is a company's.)
    const named = label === "VESSEL_NAME" || label === "PREVIOUS_NAME";
    if ((company && (notACompany(raw) || QUALIFIES_OR_LABELS.test(text.slice(span.end, span.end + 30)))) || (named && (notAName(raw) || LEGAL_AFTER.test(text.slice(span.end, span.end + 12))))) return;
    const checked = label === "FLAG_STATE" || label === "PREVIOUS_FLAG" ? (span.alpha3 ? { value: span.alpha3, flags: [], confidence: 0.9 } : validate(label, raw)) : validate(label, raw);
    if (checked && !checked.flags.includes("flag_unknown")) found.push({ label, start: span.start, end: span.end, source: "rule", record: null, ...checked });
  };
  const each = (pattern: RegExp, handle: (m: RegExpMatchArray, end: number) => void) => {
    for (const m of text.matchAll(pattern)) handle(m, m.index! + m[0].length);
  };
  // A flag said after the noun, then the name: "del buque pesquero de bandera china, LU RONG YUAN YU 317,".
  const flagThenName = (at: number, flag: Span | null) => {
    emit(previousContext(text, at) ? "PREVIOUS_FLAG" : "FLAG_STATE", flag);
    // (", LU RONG YUAN YU 317," or ' "ZHONG RONG 13"')
    const gap = flag && /^(?:,[ \t]*|[ \t]+(?=[“"«]))/.exec(text.slice(flag.end, flag.end + 3));
    const name = gap ? nameAt(text, flag!.end + gap[0].length) : null;
    const quoted = name !== null && /[“"«]/.test(text.slice(flag!.end, name.start));
    if (name && (quoted || capitalName(text.slice(name.start, name.end)))) emit("VESSEL_NAME", name);
  };

  // "the Panamanian-flagged OCEAN PEARL", "the Panama-flagged fishing vessel SEIN 11", "Maldivan flagged".
  each(new RegExp(`[- ](?:flagged|registered)(?:\\s+|(?=[.,;)]|$))(?:(?:fishing|refrigerated|cargo|tuna|fish|reefer)\\s+)*(?:(?:${NOUN})\\s+)?`, "giu"), (m, end) => {
    const before = m.index!;
    emit(previousContext(text, before) ? "PREVIOUS_FLAG" : "FLAG_STATE", flagBefore(text, before));
    // ("A Panama-flagged Taiwanese purse seiner": the owners' nationality, which `emit` does not take for a name.)
    emit("VESSEL_NAME", nameAt(text, end));
  });
  // "the fishing vessel OCEAN PEARL", "the Spanish trawler X", "le palangrier X", "el buque pesquero X",
  // "the fishing vessels A, B and C", "le SEA WEALTH, palangrier panaméen".
  each(new RegExp(`(?<![\\p{L}-])(${NOUN})(s|es|x)?(?![\\p{L}])(?:[ \\t]+(?:potero|palangrero|arrastrero|atunero|cerquero|calamarero|palangrier|chalutier|thonier|senneur|ligneur|pesquer[oa]|de[ \\t]+pêche|de[ \\t]+pesca|frigor[ií]fic[oa]|frigorifique|factor[ií]a|congelador|congélateur|usine|pélagique|pel[aá]gic[oa]|hauturi(?:er|ère)|industriel(?:le)?|industrial|artesanal|artisanale?|mayor(?:es)?|menor(?:es)?|à[ \\t]+crevettes|de[ \\t]+(?:arrastre|cerco|altura|crevettes|thon)))?(?:[ \\t]*[—–,]?[ \\t]*(?:called|named|known[ \\t]+as|de[ \\t]+nombre|nommée?|llamad[oa]|denominad[oa]|identified[ \\t]+as|identificad[oa][ \\t]+como)(?:[ \\t]+(?:the|le|el)(?=[ \\t]))?)?[ \\t]*`, "giu"), (m, end) => {
    // "VESSEL INFORMATION", "VESSEL NAME": a noun in capitals is a form's label, not prose.
    // "the Sea Shepherd vessel M/Y Sam Simon", "R/V ...": a yacht or a research ship is not the vessel in question;
    if (!/\p{Ll}/u.test(m[1]) || NOT_THE_VESSEL.test(text.slice(Math.max(0, m.index! - 20), m.index!)) || /^(?:M\/Y|S\/Y|R\/V)\b/.test(text.slice(end, end + 4))) return;
    // "le palangrier panaméen": an adjective after the noun is in lower case; "the longliner MICRONESIA 103" is a name.
    const after = adjectiveAt(text, end);
    const adjective = after && /\p{Ll}/u.test(text.slice(after.start, after.end)) ? after : null;
    // "the Spanish trawler X", "The Chinese vessel", "the South Korean tuna purse seiner": the adjective before the noun names the flag.
    // ("the Panama-flagged reefer X": the rule for "-flagged" reads that flag.)
    // "16 Indonesian fishing vessels", "two Spanish trawlers": vessels counted are others, not the one the text is about.
    const counted = /(?:(?<![\d.,])(?:[5-9]|\d{2,3})|five|several|many|other|plusieurs|autres|varios|varias|otros|otras)\s+(?:\S+\s+){1,3}$/i.test(text.slice(Math.max(0, m.index! - 50), m.index!));
    // "a Taiwanese vessel registered in Panama": where it is registered is its flag, the adjective its owners'.
    const registeredAfter = /^[ \t]*(?:registered|flagged|reflagged)[ \t]+(?:in|to|under)\b/i.test(text.slice(end, end + 30));
    const before = counted || registeredAfter || /[- ](?:flagged|registered)\s+(?:\S+\s+){0,3}$/i.test(text.slice(Math.max(0, m.index! - 40), m.index!)) ? null : adjectiveBefore(text, m.index!);
    const plural = Boolean(m[2]);
    // "la embarcación menor “LIBAS”": words that describe the vessel before its name in quotes.
    const described = /^(?:\p{Ll}+[ \t]+){1,2}(?=[“"«])/u.exec(text.slice(end, end + 40));
    // "skipper of the vessel Chris Ferguson": a person's name in title case there is the skipper's
    // ("the master of the fishing vessel NIKKO MARU NO. 51" is the vessel's); "las embarcaciones, Ruiz consideró": a person after a plural's comma.
    const personOf = PERSON_OF.test(text.slice(Math.max(0, m.index! - 30), m.index!));
    // ("Vessel Operator? Yes", "Registre des Navires Professionnels Français": a name in title case after a noun with its capital is a label's or a title's words.)
    const titled = /^\p{Lu}/u.test(m[1]);
    const names = namesAt(text, adjective ? adjective.end : end + (described?.[0].length ?? 0), plural ? 6 : 1).filter((name) => !titleCaseOnForm(text, name) && !(titled && titleCase(text, name)) && !notAName(text.slice(name.start, name.end)) && !((personOf || (plural && /^,/.test(text.slice(end, name.start).trim()))) && /\p{Ll}/u.test(text.slice(name.start, name.end))));
    const known = /known\s+as/i.test(m[0]) && /also|previously|formerly/i.test(text.slice(Math.max(0, m.index! - 30), m.index!));
    for (const name of names) emit(known ? "PREVIOUS_NAME" : "VESSEL_NAME", name);
    // ("les bateaux chinois pêchent souvent ici": vessels spoken of as a kind are others, unless the text names them.)
    // ("two Indonesian fishing vessels", "dos pangas irlandesas": a few counted are the ones the text goes on about.)
    const few = /(?:\b(?:two|three|four|both|deux|trois|quatre|dos|tres|cuatro|ambos|ambas)|(?<![\d.,])[2-4])\s+(?:\S+\s+){0,3}$/i.test(text.slice(Math.max(0, m.index! - 50), m.index!));
    if (!plural || names.length || few) emit("FLAG_STATE", adjective ?? before);
  });
  // "The rust-eaten HAI XING 815 and HARAPAN SINAR MAKMUR I": a name in capitals after a compound adjective.
  each(/\b(?:the|The)[ \t]+\p{Ll}+-\p{Ll}+[ \t]+(?=[\p{Lu}\d])/gu, (_m, end) => {
    for (const name of namesAt(text, end, 6).filter((n) => capitalName(text.slice(n.start, n.end)))) emit("VESSEL_NAME", name);
  });
  // "the Australian COMANCHE", "the Chinese LU RONG YUAN YU 56": a flag's adjective, then the name in capitals.
  each(/\b(?:the|The)[ \t]+(?=\p{Lu}\p{Ll})/gu, (_m, end) => {
    const adjective = adjectiveAt(text, end);
    const name = adjective && /^[ \t]+$/.test(text.slice(adjective.end, adjective.end + 1)) ? nameAt(text, adjective.end + 1) : null;
    if (!name || !capitalName(text.slice(name.start, name.end))) return;
    emit("VESSEL_NAME", name);
    emit(previousContext(text, adjective!.start) ? "PREVIOUS_FLAG" : "FLAG_STATE", adjective);
  });
  // "F/V OCEAN PEARL", "FV Jumanji", "M/V X".
  each(/\b(?:F\/V|M\/V|B\/P|F\/B|L\/M|M\/N|B\/M|M\/P|E\/P|FV|MV|FB|F\.V\.|M\.V\.|B\.P\.|KM\.|KMN\.?)[ \t]+|\((?:F\/V|M\/V)\)[ \t]+/g, (_m, end) => emit("VESSEL_NAME", nameAt(text, end)));
  // "de nombre “X”", "bajo el nombre de X", "sous le nom de X".
  // ("deux boutres baptisés X et Y": as many names as the word's plural says.)
  each(/\b(?:de nombre|(?:con|bajo) el nombre de|sous le nom de|under the name(?: of)?|nommée?(s?)|baptisée?(s?)|bautizad[oa](s?))\s+/giu, (m, end) => {
    const label = previousContext(text, m.index!) ? "PREVIOUS_NAME" : "VESSEL_NAME";
    for (const name of namesAt(text, end, m[1] || m[2] || m[3] ? 6 : 1)) emit(label, name);
  });
  // "aboard the OCEAN STAR", "à bord du X", "a bordo del X", "operating as the BOOTES", "a vessel named X".
  each(/\b(?:aboard|on\s+board|à\s+bord\s+(?:d[ue]|de\s+l['’])|a\s+bordo\s+del?|operating\s+as|operates\s+as|sailing\s+as|(?:currently|now)\s+(?:named|called|known\s+as)|named|called|llamad[oa]|denominad[oa])[ \t]+(?:the[ \t]+|le[ \t]+|el[ \t]+)?/giu, (m, end) => {
    // ("A BORDO DE LOS BUQUES": a heading in capitals, not prose.)
    if (!/\p{Ll}/u.test(m[0])) return;
    const name = nameAt(text, end);
    // "a company called GLJF SILVA" names its owner (read below), not a vessel.
    const company = /\b(?:company|firm|soci[ée]t[ée]|empresa|compa[ñn][ií]a)\s+$/i.test(text.slice(Math.max(0, m.index! - 12), m.index!));
    if (name && !company && (capitalName(text.slice(name.start, name.end)) || /[“"«]/.test(text.slice(end, name.start)))) emit(previousContext(text, m.index!) ? "PREVIOUS_NAME" : "VESSEL_NAME", name);
  });
  // "le X, battant pavillon", "el X, de bandera": the name before the flag's cue; "le SCORPION 70",
  // "Se trata del FONNES", "the HARENGUS": a name in capitals after an article.
  each(/(?<![\p{L}])(?:(?:le|du|el|del|al|the|The|Le|El)[ \t]+|[lL]['’])(?=[«"“‘'\p{Lu}\d])/gu, (m, end) => {
    const name = nameAt(text, end);
    // ("cerca de la isla en el GENERAL SANTOS", "near the PORT LOUIS": a place.)
    if (!name || /(?:^|\s)(?:en|in|at|near|cerca\s+de|près\s+de)\s+$/i.test(text.slice(Math.max(0, m.index! - 12), m.index!))) return;
    const after = text.slice(name.end, name.end + 40);
    const value = text.slice(name.start, name.end);
    // "du « Nordborg »": a name in quotes; "le ELLA, qui a oeuvré": a short name in capitals, the subject of what follows.
    const quoted = /[«"“‘']/.test(text.slice(end, name.start));
    const subject = /^[»"”]?(?:,[ \t]*(?:qui|que|which|who|cuyo|dont)\b|[ \t]+(?:n['’]a|ne|no|did|does|had|has|was|is|a|est|fue|es|ha)\b)/u.test(after) && /^[\p{Lu}\d][\p{Lu}\d '’.-]{2,}$/u.test(value);
    // ("the 150-foot SUAH": a size said before a name is a vessel's.)
    const sized = /^[\d.,]+[ -]?(?:foot|feet|ft|metre|meter|m|mètres?|metros?)[ \t]/u.test(text.slice(end, name.start));
    if (!(NAME_THEN_FLAG.test(after) || ALIAS_AFTER.test(after) || quoted || subject || sized || capitalName(value))) return;
    emit("VESSEL_NAME", name);
    // ("the crew of the MUTIARA - 9 and LU RONG YUAN YU 56 were bailed": the next name of the list, in capitals too.)
    const next = namesAt(text, name.start, 2)[1];
    if (next && /^[ \t]+(?:and|et|y)[ \t]+$/.test(text.slice(name.end, next.start)) && capitalName(text.slice(next.start, next.end))) emit("VESSEL_NAME", next);
  });
  // "Il s'appelle le X", "ahora se llama X", "identified as the X", "el navío fue identificado como el X",
  each(/(?:(?:vessel|ship)['’]s\s+name\s+(?:is|was)|\b(?:its\s+name\s+(?:is|was)|su\s+nombre\s+(?:es|era)|son\s+nom\s+(?:est|était))|name\s+of\s+the\s+(?:vessel|ship)\s+(?:is|was)|s['’]appelle|se\s+(?:llama|denomina)|identified\s+as|identificad[oa]\s+como|identifié\s+comme|now\s+(?:named|called))[ \t]+/giu, (_m, end) => emit("VESSEL_NAME", nameAt(text, end)));
  // "paint the name ‘LOMALO’", "transmitting the new name X" (in prose's lower case: "Current Name of Vessel" is a label).
  each(/(?:\b(?:the\s+)?(?:new|current|present)\s+name(?:\s+of)?|\bname(?=\s+[‘“"«]))[ \t]+/gu, (_m, end) => {
    emit("VESSEL_NAME", nameAt(text, end));
  });
  // A name before its IMO number or call sign: "OCEAN PEARL (IMO 7910187)", "SEA WIND, IMO 8604735".
  each(/\b([\p{Lu}\d][\p{Lu}\d .'’-]{1,40}?)\s*(?:\(|,|[–—-])\s*(?:IMO|OMI|IRCS|MMSI|call\s+sign|indicatif|distintivo)\b/gu, (m) => {
    const name = nameAt(text, m.index!);
    // ("call sign HP1234, IMO 9074729": the run is another identifier's value, not a name.)
    if (name && !IDENTIFIER_LABEL_BEFORE.test(text.slice(Math.max(0, name.start - 30), name.start))) emit("VESSEL_NAME", name);
  });

  // "the TERAAKA, SEIN PRINCESS and NORDHAVET ships": names before a plural vessel noun.
  each(/\b(?:the|The)[ \t]+(?=[\p{Lu}\d])/gu, (_m, end) => {
    const names = namesAt(text, end, 8);
    const last = names.at(-1);
    if (last && /^[ \t]+(?:fishing[ \t]+)?(?:ships|vessels|boats|trawlers|longliners|reefers)\b/.test(text.slice(last.end, last.end + 25))) {
      for (const name of names) emit("VESSEL_NAME", name);
    }
  });
  // "SEIN PRINCESS (PA-8551)", "BOOTES, matrícula RU-6852": a name before its registration mark.
  each(/\b([\p{Lu}\d][\p{Lu}\d .'’-]{1,40}?)[”"»]?\s*(?:\(|,\s*(?:matr[ií]cula|immatriculation|registration(?:\s+(?:no\.?|number))?|reg\.\s*no\.?)\s+)[A-Z]{1,3}-\d{2,6}\b/gu, (m) => {
    emit("VESSEL_NAME", nameAt(text, m.index!));
  });

  // Flags said outright.
  each(/\b(?:flagged\s+(?:to|in|by|under|with|for)|reflagged\s+(?:to|in)|(?:changed|switched|transferred|moved)\s+(?:its\s+)?(?:flag|registry|registration)\s+to|(?:flying|flies|flew|fly)\s+the\s+flag\s+of|under\s+the\s+flag\s+of|sailing\s+under\s+the\s+flag\s+of|(?:\p{L}+ly\s+)?registered\s+(?:in|under|with|to)|flag\s+state\s+(?:is|was)?|flag\s*:|flag\s+of\s+the\s+vessel|flag\s+of)\s*/giu, (m, end) => {
    const previous = previousContext(text, m.index!) || /\bnot\s+(?:been\s+)?(?:be\s+)?$/i.test(text.slice(Math.max(0, m.index! - 20), m.index!));
    // "owned by a company registered in Nauru": where the company is registered is not the vessel's flag.
    if (/\b(?:company|firm|entity|business|subsidiary|corporation)\s+(?:\p{Ll}+\s+)?$/iu.test(text.slice(Math.max(0, m.index! - 30), m.index!))) return;
    emit(previous ? "PREVIOUS_FLAG" : "FLAG_STATE", countryAt(text, end));
  });
  each(/(?:\b(?:batt?\w*|arbor\w*|portant|porte|portait|sous|de)|(?<![\p{L}])à|\b(?:contre|pour|sous)\s+un)\s+(?:\p{L}+ment\s+)?(?:le\s+)?pavilli?on\s+(?:de\s+(?:la\s+|l['’]\s*|les\s+)?|du\s+|des\s+)?/giu, (m, end) => flagThenName(m.index!, flagAt(text, end)));
  each(/\b(?:(?:(?:de|con|bajo|enarbol\w*|izando|tiene|ten[ií]a|lleva\w*)(?:\s+(?:el|la|su))?\s+)?(?:bandera|pabellón|pabellon)|(?:de|con)\s+matr[ií]cula)\s+(?:también\s+|tambien\s+)?(?:de\s+(?:la\s+|los\s+|las\s+)?|del\s+)?/giu, (m, end) => flagThenName(m.index!, flagAt(text, end)));
  each(/\b(?:enseña)\s+(?:la\s+)?/giu, (_m, end) => emit("FLAG_STATE", flagAt(text, end)));
  // "una embarcación de origen chino", "de procedencia peruana", "un navire d'origine chinoise": a vessel's origin is its flag; its crew's is theirs.
  // (Said of one vessel, its noun or its name just before: "los buques de origen chino" are a kind, "el país de origen" a previous flag.)
  each(new RegExp(`(?<![\\p{L}])(?:${NOUN})(?:[ \\t]+(?:pesquer[oa]|menor|mayor))?[ \\t]+(?:(?:de|con)[ \\t]+(?:procedencia|origen)|d['’]origine)[ \\t]+|[»"”\\p{Lu}\\d][ \\t]*,[ \\t]*(?:de|con)[ \\t]+(?:procedencia|origen)[ \\t]+`, "giu"), (_m, end) => emit("FLAG_STATE", flagAt(text, end)));
  // "el pesquero de Filipinas": a vessel of a country is one of its flag (a port is no country).
  each(/\b(?:el|un|del|al)\s+(?:pesquero|buque\s+pesquero|palangrero|arrastrero|atunero|potero|cerquero)\s+de\s+/giu, (m, end) => emit(previousContext(text, m.index!) ? "PREVIOUS_FLAG" : "FLAG_STATE", countryAt(text, end)));
  // "a Certificate of Registry issued by Sri Lankan authorities", "certificado de matrícula expedido por Panamá".
  each(/\b(?:certificate\s+of\s+registry|registration\s+certificate|certificat\s+d['’]immatriculation|certificado\s+de\s+(?:matr[ií]cula|registro))[^.\n]{0,40}?\b(?:by|par|por)\s+(?:the\s+|les\s+|las\s+|la\s+|el\s+)?(?:autorit[ée]s\s+|autoridades\s+)?/giu, (m, end) => emit(previousContext(text, m.index!) ? "PREVIOUS_FLAG" : "FLAG_STATE", flagAt(text, end)));
  // A certificate's issuer: "under the authority of the Government of", "Con la autoridad conferida por el Gobierno de".
  // ("Expedido o refrendado por el Gobierno de China", "con la autorización del Gobierno de Indonesia", "issued by the Government of".)
  each(/\b(?:under\s+the\s+authority\s+of\s+the\s+Government\s+of|autoridad\s+conferida\s+por\s+el\s+Gobierno\s+de|au\s+nom\s+du\s+Gouvernement\s+(?:de\s+la|de|du|des)|(?:issued|authori[sz]ed|endorsed)\s+by\s+the\s+Government\s+of|(?:expedido|refrendado|emitido|autorizado)(?:\s+o\s+refrendado)?\s+por\s+el\s+Gobierno\s+de|autorizaci[oó]n\s+del\s+Gobierno\s+de|(?:délivré|visé|autorisé)\s+par\s+le\s+Gouvernement\s+(?:de\s+la|de|du|des)|autorité\s+du\s+Gouvernement\s+(?:de\s+la|de|du|des))[\s|]+/giu, (_m, end) => emit("FLAG_STATE", flagAt(text, end)));
  // "perteneciente a la China" is its flag; "belonging to Sein Fishing Ltd" its owner.
  each(/\b(?:perteneciente\s+a|belong(?:s|ed|ing)?\s+to|appartenant\s+à|(?:que\s+)?pertenec\w*\s+a)\s+/giu, (m, end) => {
    // ("in waters belonging to the West African state of Liberia": what belongs is the sea, not the vessel.)
    if (/\b(?:waters|sea|zone|area|EEZ|territory|eaux|mer|territoire|aguas|zona|mar|territorio)\s+$/i.test(text.slice(Math.max(0, m.index! - 20), m.index!))) return;
    const flag = flagAt(text, end);
    const company = companyAfter(text, end);
    // ("belonging to the KIRIBATI BLUE PACIFIC COMPANY LIMITED": a company named after its country.)
    if (flag && !(company && company.end > flag.end)) emit("FLAG_STATE", flag);
    else emit("OWNER_NAME", company);
  });
  // "bearing the flag of", "de nacionalidad panameña", "matriculado en Panamá", "immatriculé au Panama".
  each(/\b(?:bearing|bears|bore|carrying|carries|hoisting)\s+the\s+flag\s+of|\bflag\s+State\b\s*(?:is|was|being|,)?\s*\(?|(?:flag|pavillon|bandera|pabellón)(?:\s+(?:of\s+the\s+(?:vessel|ship)|du\s+navire|del\s+(?:buque|barco)))?\s+(?:is|was|est|était|es|era)\s+|\bof\s+(?=\p{Lu}\p{L}+(?:\s\p{Lu}\p{L}+)?\s+regist(?:ry|er|ration)\b)|\bRegist(?:ry|er)\s+of\s+(?:the\s+)?|\bState\s+of\s+(?:the\s+)?(?:flag|registry|registration)\s*(?:is|was|:|,)?|\bde\s+nacionalidad|\bde\s+nationalité|\bnationality\s*(?:is|was|:)?|\bnationality\s+of\s+the\s+(?:vessel|ship)\s*(?:is|was|:)?|\b(?:matriculad[oa]|abanderad[oa]|inscrit[oa]?|registrad[oa])\s+en|\binscrite?s?\s+au\s+registre\s+(?:du|de\s+la|des|de\s+l['’]\s*|d['’]\s*)|\b(?:uno|una|l['’]une?|une?)\s+de\s+(?:los|las|des)\s+(?:\p{L}+\s+){1,4}de\s+la\s+(?:flota|flotte)\s+(?=\p{Ll})|\bimmatricul[ée]e?s?\s+(?:en|au|aux|à)|\benregistr[ée]e?s?\s+(?:en|au|aux|à)/giu, (m, end) => {
    // A person's nationality ("the master, of Chinese nationality", "capitán de nacionalidad china") is not the vessel's.
    // ("el 30 % de su tripulación para realizar el trabajo manual de cubierta de nacionalidad peruana": the sentence's people, however far back.)
    if (/nationali|nacionalidad/i.test(m[0]) && PERSON.test(text.slice(Math.max(0, m.index! - 90), m.index!).split(/[.!?]\s/).at(-1)!)) return;
    emit(previousContext(text, m.index!) ? "PREVIOUS_FLAG" : "FLAG_STATE", flagAt(text, end));
  });
  // "déclaré l'Taïwan comme État du pavillon", "declared Togo as its flag State": the flag it claims.
  each(/[ \t]+(?:comme|as|como)[ \t]+(?:(?:son|its|su)[ \t]+)?(?:[ée]tat[ \t]+du[ \t]+pavillon|flag[ \t]+state|estado[ \t]+(?:del?[ \t]+)?(?:pabell[oó]n|bandera))\b/giu, (m) => emit("FLAG_STATE", flagBefore(text, m.index!)));
  // "under the Togolese flag", "flying a Panamanian flag", "a Belize-registered vessel".
  // "with Sri Lankan registration": where it is registered.
  each(/(?:\b(?:the|a|an|its|under|flying|with)\s+|\()(?=[\p{Lu}][\p{L}.'’ -]{1,40}?\s+(?:flag|standard|ensign|registration|registry|colou?rs)\b)/gu, (m, end) => {
    const flagWord = text.slice(end).search(/\s+(?:flag|standard|ensign|registration|registry|colou?rs)\b/);
    const at = end + flagWord;
    const span = flagBefore(text, at);
    if (span && span.start >= end) emit(previousContext(text, m.index!) ? "PREVIOUS_FLAG" : "FLAG_STATE", span);
  });
  // "after being registered in X", "aunque matriculado en X": where it was registered before.
  each(/\b(?:(?:après\s+avoir\s+été|précédemment|auparavant)\s+immatriculé\w*\s+(?:en|au|aux|à)|(?:aunque|antes)\s+matriculad[oa]\s+en|previously\s+(?:flagged|registered)\s+(?:to|in)|formerly\s+(?:flagged|registered)\s+(?:to|in)|deregistered\s+by|previous\s+flags?\s*(?:was|were|:)?)\s+/giu, (_m, end) => emit("PREVIOUS_FLAG", countryAt(text, end)));

  // "It has also flown the flags of Kosovo", "(flag Samoa)" after a former name.
  each(/\b(?:has|have|had)\s+(?:also\s+)?(?:flown|flew|carried)\s+the\s+flags?\s+of\s+/giu, (_m, end) => {
    for (const flag of countriesAt(text, end)) emit("PREVIOUS_FLAG", flag);
  });
  each(/\((?:flag|pavillon|bandera|pabellón)\s+/giu, (m, end) => emit(previousContext(text, m.index!) ? "PREVIOUS_FLAG" : "FLAG_STATE", countryAt(text, end)));
  // "SERENE reflagged to X and was renamed BALUCH": the name before the renaming is the one it had.
  each(/(?:^|[.;!?]\s+|\n)(?=[\p{Lu}\d])/gu, (_m, end) => {
    const name = nameAt(text, end);
    if (!name || !capitalName(text.slice(name.start, name.end))) return;
    const after = text.slice(name.end, name.end + 90);
    if (/^\s+(?:(?:reflagged|was\s+reflagged)\b[^.\n]{0,60}?\band\s+)?(?:was|has\s+been|had\s+been)\s+renamed\b/.test(after)) emit("PREVIOUS_NAME", name);
    // "OCEAN PEARL, a Panamanian-flagged longliner, ...": a name that a vessel's noun describes;
    // "HAI LUNG, also known as KILY"; "OCEAN STAR was detained": a name in capitals that a sentence is about.
    else if (APPOSITION.test(after) || ALIAS_AFTER.test(after) || (SUBJECT_VERB.test(after) && !flagAlpha3(text.slice(name.start, name.end)))) emit("VESSEL_NAME", name);
  });

  previousNameRules(text, emit);
  ownerRules(text, emit);

  return found;
}

/** Whether the words before `at` speak of the past: "previously", "formerly", "after being", "aunque". */
function previousContext(text: string, at: number): boolean {
  // ("One former crew member of the X, a vessel registered in Panama": a person's past, not the vessel's.)
  return /\b(?:previously|formerly|former(?![ \t]+(?:crew|members?|masters?|captains?|skippers?|employees?|observers?|fisherm[ae]n|officers?)\b)|previous|before|was\s+once|used\s+to|old|historically|originally|initially|anciennement|auparavant|historiquement|initialement|hist[oó]ricamente|originalmente|inicialmente|après\s+avoir\s+été|précédemment|antes|anteriormente|aunque|otrora)(?![\p{L}])[^.\n]{0,50}$/iu.test(text.slice(Math.max(0, at - 70), at));
}

/** The flag just before "-flagged": a country ("Panama-", "Taiwan, Province of China-") or an adjective ("Panamanian-"). */
function flagBefore(text: string, at: number): Span | null {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  for (let start = Math.max(lineStart, at - 45); start < at - 1; start++) {
    if (start > lineStart && !/[\s(“"«'’]/.test(text[start - 1])) continue;
    const name = text.slice(start, at);
    const alpha3 = /^[\p{Lu}]/u.test(name) ? flagAlpha3(name) : null;
    if (alpha3 && (name.length > 3 || /^[A-Z]{2,3}$/.test(name))) return { start, end: at, alpha3 };
  }
  for (const words of [3, 2, 1]) {
    const span = wordBefore(text, at, words);
    const alpha3 = span && nationalityAlpha3(text.slice(span.start, span.end));
    if (span && alpha3) return { ...span, alpha3 };
  }
  return null;
}

/** A nationality adjective before a vessel's noun, past the words that describe it: "the South Korean tuna purse seiner". */
function adjectiveBefore(text: string, at: number): Span | null {
  let end = at;
  for (let k = 0; k < 3; k++) {
    for (const words of [3, 2, 1]) {
      const span = wordBefore(text, end, words);
      const alpha3 = span && nationalityAlpha3(text.slice(span.start, span.end).replace(/[- ]flagged$/i, ""));
      if (span && alpha3) return { ...span, alpha3 };
    }
    const filler = wordBefore(text, end, 1);
    if (!filler || !/^(?:fishing|tuna|refrigerated|cargo|industrial|commercial|uninspected|large|small|foreign|suspected|illegal|IUU|flagged|registered|longline|trawl|trawling|purse|seine|squid|jigging|bottom|pelagic|factory|freezer|fish|toothfish|krill|pesquer[oa]|de\s+pesca|de\s+pêche)$/i.test(text.slice(filler.start, filler.end))) break;
    end = filler.start;
  }
  return null;
}

/** A name with small letters, not in quotes. */
const titleCase = (text: string, name: Span) => /\p{Ll}/u.test(text.slice(name.start, name.end)) && !/^[“"«]/.test(text[name.start - 1] ?? "");

/** A name in title case on an enumerated form line ("17. Dimensiones del buque Eslora 51.8") is the next field's label. */
function titleCaseOnForm(text: string, name: Span): boolean {
  if (!titleCase(text, name)) return false;
  const lineStart = text.lastIndexOf("\n", name.start - 1) + 1;
  return ENUMERATION.test(text.slice(lineStart, name.start)) && /^[ \t]*(?:[0-9]{1,3}[.°)]|[a-z][.)]|[-−–•□])/.test(text.slice(lineStart, name.start));
}

