import { nationalityAlpha3 } from "./nationalities";
import { flagAlpha3 } from "./values";

/**
 * Whether a run of capitalised words read where a vessel's name goes is one: not a heading or a
 * form's label ("Vessel List", "NAME"), not an organisation or a term of the field ("IOTC", "EU"),
 * not a company ("FCF CO., LTD"); and the words for a vessel that a name often follows.
 */

/** Organisations and terms of the field written in capitals, which an article precedes as it would a name. */
export const ACRONYMS = new Set("INDNR INN NCB IUU IOTC ICCAT WCPFC IATTC CCAMLR CCRVMA CCSBT NAFO NEAFC NPFC SPRFMO SIOFA GFCM FFA PNA EU UE EEZ ZEE FAO UN ONU VMS AIS SLB RFMO ORGP OROP NGO ONG USA UK MCS CMM IMO OMI MMSI IRCS GT TRB TRG PSMA CITES WWF TMT AFMA NOAA USCG EMSA INTERPOL EUROPOL SEAFO CECAF OCCRP EJF GFW ICES CIEM CROSS CNSP CICTA CTOI CPANE OPANO OPASE CIAT CGPM CPPS OSPESCA COREP CSRP FCWC LMCE PMCE MMO ANPN IFREMER CFP".split(" "));

/** Whether a run after an article is a name written in capitals, not an organisation: "SCORPION 70", "FONNES"; not "IOTC", "EU". */
export function capitalName(name: string): boolean {
  const words = name.split(/\s+/);
  if (!/\p{Lu}/u.test(name) || /\p{Ll}/u.test(name) || words.some((w) => ACRONYMS.has(w.replace(/[.,]$/, "")))) return false;
  return words.length > 1 || /\d/.test(name) || name.length >= 5;
}

/** Words that follow a vessel's noun in headings and forms, not names: "Vessel List", "vessel Details". */
const HEADING_WORDS = new Set("Last First Middle Surname Given Family List Lists Register Registry Record Records Details Information Name Names Type Types Owner Owners Operator Operators Master Flag Flags Monitoring Identification Identifier Number Licence License Licensing Authorization Authorisation Authorizations Data Position Dimensions Registration Database ID Photo Photos Status Capacity Category Class Length Tonnage Sightings Inspection Inspections Report Reports Characteristics Profile Section Form Application Address Addresses Adresse Dirección Domicilio Particulars Description Specifications Documents Certificate Certificates History Summary Overview Crew Identity Nationality Markings Equipment Catch Catches Permit Permits Deletion Notification Activity Activities Movements Numéro Número Numero Prénom Prénoms Apellido Apellidos Agent Agents Representative Representatives Management".split(" "));

/** Words that begin the names of authorities, laws and registers, not of vessels: "MINISTERIO DE LA PRODUCCIÓN", "Marine nationale", "ÉTAT DU PORT". */
const AUTHORITY_WORDS = /^(?:affaire|arr[êe]t|case|caso|causa|asunto|delito|infracci[oó]n|art[ií]culo|article|[ée]tat|estado|registro|registre|op[ée]ration|operaci[oó]n|ley|decreto|c[oó]digo|d[ée]cret|loi|law|ministry|ministerio|minist[eè]re|department|departamento|direction|direcci[oó]n|secretar[ií]a|authority|autoridad|autorit[eé]|agency|agencia|agence|commission|comisi[oó]n|prefectura|pr[eé]fecture|armada|navy|marine|coast|guardia|garde|gobierno|government|gouvernement|council|consejo|conseil|tribunal|court|juzgado|instituto|institut|servicio|service|republic|rep[uú]blica|r[eé]publique)$/i;

/** Titles of people, days and months, as running text writes them (in capitals they may begin a name: "CAPTAIN JACK"). */
const TITLE_OR_DATE = /^(?:justice|judge|minister|ministre|ministro|president|président|presidente|director|directeur|secretary|secrétaire|secretario|senator|sénateur|senador|governor|gouverneur|gobernador|mayor|maire|alcalde|commander|commandant|comandante|admiral|amiral|almirante|spokesman|spokeswoman|mr|mrs|ms|dr|mme|monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|janvier|février|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)$/i;

/** Prefixes of warships' and coast guards' names: "HMS Mersey", "USCGC Mellon", "ARA Mantilla". */
const NAVAL_PREFIX = /^(?:HMS|HMNZS|HMAS|HMCS|USS|USCGC|ARA|ARC|ARM|BAP|ESPS|INS|KRI|PNS|BNS|CGS|CCGS|NGCC|SCGS|HNLMS|HDMS|KNM|RFS|SPS)$/;

/** Whether a run read as a name is a heading word, an organisation, an authority, a nationality, a measure or a company instead. */
export function notAName(name: string): boolean {
  const words = name.split(/[\s-]+/).map((w) => w.replace(/[.,]+$/, ""));
  const first = words[0] ?? "";
  // ("2 vessels I got to know": a pronoun.)
  // ("Justice Minister Michael J. Rosenthal", "a Gloucester-based vessel Tuesday", "Feb Mar Apr": a person by their title, a day, a month.)
  if (/^\p{Lu}\p{Ll}/u.test(first) && TITLE_OR_DATE.test(first)) return true;
  // ("con matrícula SC-1810": a registration mark alone.)
  if (/^[A-Z]{1,3}-\d{3,6}$/.test(name)) return true;
  if (name === "I" || headingWord(first) || AUTHORITY_WORDS.test(first) || NAVAL_PREFIX.test(first) || nationalityAlpha3(name) !== null) return true;
  // "que le Kirghizistan a infligé": a country (one of the 7,953 names of the real lists is one).
  if (name.length > 3 && flagAlpha3(name) !== null) return true;
  // "1/" (a footnote's mark), "N° 129" (a register's number): no name is without a letter but a number sign's.
  if (!/\p{L}/u.test(name.replace(/^(?:N[°º]|No\.?|Nº)\s*(?=\d)/i, "")) || /^(?:N[°º]|Nº|No\.)$/i.test(name)) return true;
  // "the Brunei Darussalam-owned, Panama-flagged long-liner": who owns it or where it is flagged, not its name.
  // ("the NAURU-registered OCEAN ENCOUNTER": the name is what follows, read by the "-registered" rule.)
  if (/-(?:owned|based|flagged|registered)$|^\S+-(?:owned|based|flagged|registered)\s/i.test(name)) return true;
  // "270 NM", "54 m": a distance or a size.
  if (/^(?:(?:F\/V|FV|M\/V|MV)\s+)?\d+(?:[.,]\d+)?\s*(?:NM|nm|m|km|GT|t|kg|miles?|metres?|meters?)$/.test(name)) return true;
  // "Sajo Seafood Co. Ltd", or a legal form alone ("Princess Reefer S.A, owners of": "S.A"): a company.
  const legal = (w: string) => /^(?:CO|LTD|INC|CORP|LLC|LIMITED|S\.A|PTE|KAISHA|KABUSHIKI|SDN|BHD|GMBH|SARL|SRL)['’]?$/i.test(w);
  if ((words.some(legal) && words.length > 1) || words.every(legal)) return true;
  // "1973" after "los buques,": a year; "TORREMOLINOS PROTOCOL OF 1993": a treaty.
  if (/^(?:19|20)\d{2}$/.test(name) || words.some((w) => /^(?:protocol|convention|convenio|resolution|r[ée]solution|resoluci[oó]n|regulation|reglamento|r[èe]glement|agreement|acuerdo|accord)$/i.test(w))) return true;
  return words.every((w) => ACRONYMS.has(w) || (/^[\p{Lu}]{1,3}$/u.test(w) && words.length > 1 && words.some((v) => ACRONYMS.has(v))));
}

/** Whether a word is one of a heading's or a form's, in any case: "Name", "NAME", "Address". */
export function headingWord(word: string): boolean {
  return HEADING_WORDS.has(word) || HEADING_WORDS.has(word.charAt(0) + word.slice(1).toLowerCase());
}

/** Words for a vessel, by kind, in three languages; the name often follows one. */
const VESSEL_NOUNS = [
  "fishing vessel",
  "vessel",
  "ship",
  "boat",
  "trawler",
  "longliner",
  "long-liner",
  "long liner",
  "purse seiner",
  "seiner",
  "reefer",
  "cargo vessel",
  "carrier",
  "squid jigger",
  "jigger",
  "gillnetter",
  "tanker",
  "dragger",
  "dredger",
  "crabber",
  "drifter",
  "mothership",
  "mother ship",
  "factory ship",
  "factory vessel",
  "supertrawler",
  "fish carrier",
  "motor vessel",
  "dhow",
  "navire de pêche",
  "navire",
  "bateau de pêche",
  "bateau",
  "palangrier",
  "chalutier",
  "thonier",
  "senneur",
  "ligneur",
  "coquiller",
  "caseyeur",
  "voilier",
  "boutre",
  "tapouille",
  "pirogue",
  "embarcation",
  "bâtiment",
  "buque pesquero",
  "buque",
  "barco pesquero",
  "barco",
  "pesquero",
  "navío",
  "embarcaci[oó]n",
  "nave",
  "motonave",
  "arrastrero",
  "palangrero",
  "potero",
  "calamarero",
  "atunero",
  "cerquero",
  "piragua",
  "cayuco",
  "lancha",
  "panga",
  "crevettier",
  "camaronero",
];
/** The words for a vessel as a pattern: "fishing vessel", "long-liner" or "long liner", "buque pesquero". */
export const NOUN = VESSEL_NOUNS.map((noun) => noun.replace(/[- ]/g, "[- ]")).join("|");
