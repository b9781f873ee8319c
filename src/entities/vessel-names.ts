/**
 * Whether a run of capitalised words read where a vessel's name goes is one: not a heading or a
 * form's label ("Vessel List", "NAME"), not an organisation or a term of the field ("IOTC", "EU"),
 * not a company ("FCF CO., LTD").
 */

/** Organisations and terms of the field written in capitals, which an article precedes as it would a name. */
const ACRONYMS = new Set("INDNR INN NCB IUU IOTC ICCAT WCPFC IATTC CCAMLR CCRVMA CCSBT NAFO NEAFC NPFC SPRFMO SIOFA GFCM FFA PNA EU UE EEZ ZEE FAO UN ONU VMS AIS SLB RFMO ORGP OROP NGO ONG USA UK MCS CMM IMO OMI MMSI IRCS GT TRB TRG PSMA CITES WWF TMT AFMA NOAA USCG EMSA INTERPOL EUROPOL SEAFO CECAF OCCRP EJF GFW ICES CIEM".split(" "));

/** Whether a run after an article is a name written in capitals, not an organisation: "SCORPION 70", "FONNES"; not "IOTC", "EU". */
export function capitalName(name: string): boolean {
  const words = name.split(/\s+/);
  if (!/\p{Lu}/u.test(name) || /\p{Ll}/u.test(name) || words.some((w) => ACRONYMS.has(w.replace(/[.,]$/, "")))) return false;
  return words.length > 1 || /\d/.test(name) || name.length >= 5;
}

/** Words that follow a vessel's noun in headings and forms, not names: "Vessel List", "vessel Details". */
const HEADING_WORDS = new Set("Last First Middle Surname Given Family List Lists Register Registry Record Records Details Information Name Names Type Types Owner Owners Operator Operators Master Flag Flags Monitoring Identification Identifier Number Licence License Licensing Authorization Authorisation Authorizations Data Position Dimensions Registration Database ID Photo Photos Status Capacity Category Class Length Tonnage Sightings Inspection Inspections Report Reports Characteristics Profile Section Form Application Address Addresses Adresse Dirección Domicilio".split(" "));

/** Whether a run read as a name is a heading word, an organisation or a company instead. */
export function notAName(name: string): boolean {
  const words = name.split(/[\s-]+/).map((w) => w.replace(/[.,]+$/, ""));
  const first = words[0] ?? "";
  if (headingWord(first)) return true;
  if (words.some((w) => /^(?:CO|LTD|INC|CORP|LLC|LIMITED|S\.A|PTE)$/i.test(w)) && words.length > 1) return true;
  return words.every((w) => ACRONYMS.has(w) || (/^[\p{Lu}]{1,3}$/u.test(w) && words.length > 1));
}

/** Whether a word is one of a heading's or a form's, in any case: "Name", "NAME", "Address". */
export function headingWord(word: string): boolean {
  return HEADING_WORDS.has(word) || HEADING_WORDS.has(word.charAt(0) + word.slice(1).toLowerCase());
}
