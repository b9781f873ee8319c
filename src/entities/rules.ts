/**
 * Free-text rules: labelled values ("IMO No.: 9074729", "Flag: Panama", "F/V OCEAN STAR") and
 * values by their shape, each checked and normalised by ./values.ts.
 */
import type { Candidate } from "./tables";
import { validate } from "./values";

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

/** Free-text patterns: labelled values ("IMO No.: 9074729", "Flag: Panama", "F/V OCEAN STAR"). */
export function textRules(text: string): Candidate[] {
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

