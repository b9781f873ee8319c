/**
 * Vessel entities of one page, from its clean text and the blocks the grounding parser found:
 * tables first (./tables.ts: a cell under "Vessel Name" is a VESSEL_NAME, the cells of one row are
 * one vessel), then free-text rules (./rules.ts) outside tables, then a language model's spans if
 * one is configured, then a learned reader's for the labels all those found none of
 * (./learned.ts). Facts that disagree are flagged, never dropped: an MMSI whose MID or a call
 * sign whose ITU series names another country than the vessel's flag. Every entity's span is
 * verified against the text (`text === clean.slice(start, end)`) and given in UTF-16 units and in
 * code points (Argilla counts code points).
 */
import type { Block } from "../ocr/grounding";
import type { Entity } from "../domain/protocol";
import { callSignFitsFlag } from "./call-signs";
import { checkableLabels } from "./labels";
import type { LocatedSpan } from "./llm";
import { mendNames } from "./name-repair";
import { learnedCandidates } from "./learned";
import { unwrapped } from "./line-wraps";
import type { TaggerModel } from "./tagger";
import { textRules } from "./rules";
import { ocrCallSign, tableEntities, type Candidate, type ColumnLabels } from "./tables";
import { textTables } from "./text-tables";
import { unlabelledIdentifiers } from "./unlabelled";
import { fitToFlag, OCR_DOUBTFUL, OCR_REPAIRED } from "./ocr-repair";
import { mmsiCountry, validate } from "./values";

/** An entity as the API and the live events carry it (label, span in units and code points, ...). */
export type { Entity } from "../domain/protocol";
export type { ColumnLabels } from "./tables";
export { labelForHeader } from "./headers";
export { flagAlpha3, imoCheckDigitValid, isoDate, mmsiCountry } from "./values";

export interface PageEntities {
  entities: Entity[];
  /** The labels of the page's last table: what the next page inherits if its table has no header. */
  lastTable: ColumnLabels | null;
  /** Whether the page's first table read its columns by the inherited labels. */
  inheritedUsed: boolean;
}

export interface PageReading {
  /** A language model's spans, already located in the text. */
  llmSpans?: readonly LocatedSpan[];
  /** The labels of the previous page's last table. */
  inherited?: ColumnLabels | null;
  /** Whether the text came from OCR (misread call signs are mended) rather than a text layer. */
  ocr?: boolean;
  /** Another model for the learned reader than the built-in one (a cross-validation's fold), or null for none. */
  tagger?: TaggerModel | null;
}

/** Entities of one page. */
export function readEntities(text: string, blocks: readonly Block[], page: number, { llmSpans = [], inherited = null, ocr = false, tagger }: PageReading = {}): PageEntities {
  const sentences = unwrapped(text);
  // Tables written as text ("Vessel Name | Flag | IMO" over its rows) are read as the tables they are.
  const withTextTables = [...blocks, ...textTables(sentences, blocks)];
  const { candidates, last, inheritedUsed } = tableEntities(withTextTables, page, inherited, ocr);
  // Inside a table, its headers say what a cell is; free-text rules would read "IRCS<tab>IMO" as a call sign.
  const tables = withTextTables.filter((block) => block.table);
  const inTable = (c: Candidate) => tables.some((block) => c.start >= block.start && c.end <= block.end);
  const touchesTable = (span: { start: number; end: number }) => tables.some((block) => span.start < block.end && block.start < span.end);
  candidates.push(...textRules(sentences).filter((c) => !inTable(c)));
  candidates.push(...fromModel(text, llmSpans, candidates));
  candidates.push(...unlabelledIdentifiers(text, candidates));
  if (tagger !== null) candidates.push(...learnedCandidates(sentences, candidates, touchesTable, tagger));
  if (ocr) {
    mendCallSigns(text, candidates);
    fitCallSignsToFlags(candidates);
    mendNames(candidates);
  }
  flagMismatches(candidates);
  return { entities: finish(text, candidates), lastTable: last, inheritedUsed };
}

/** The page's entities (without a previous page to inherit from). */
export function extractEntities(text: string, blocks: readonly Block[], page: number, llmSpans: readonly LocatedSpan[] = []): Entity[] {
  return readEntities(text, blocks, page, { llmSpans }).entities;
}

/**
 * On an OCR'd page, a call sign read from a form or a sentence is mended as a list's cell is
 * (without a column to compare with): "2HGDS8" is 2HGD8; one ending in S where a digit belongs
 * ("6KCAS") is doubtful and no fact; a form's rule read as "I" beside it is dropped.
 */
function mendCallSigns(text: string, candidates: Candidate[]): void {
  for (const candidate of candidates) {
    if (candidate.label !== "IRCS_CALL_SIGN" || candidate.source === "table") continue;
    // ("Call Sign I JJCT", "4SF3194 I": a form's rule, read as a capital I, is no part of the call sign.)
    const raw = text.slice(candidate.start, candidate.end);
    const rule = /^I[ \t]+(?=\S)|[ \t]+I$/.exec(raw);
    if (rule) {
      if (rule.index === 0) candidate.start += rule[0].length;
      else candidate.end = candidate.start + rule.index;
    }
    const checked = ocrCallSign(text.slice(candidate.start, candidate.end), []) ?? (rule ? validate("IRCS_CALL_SIGN", text.slice(candidate.start, candidate.end)) : null);
    if (checked) Object.assign(candidate, checked);
  }
}

/** The one flag a table row names, if it names one. */
function rowFlag(entities: readonly Candidate[]): string | null {
  const flags = new Set(entities.filter((c) => c.label === "FLAG_STATE" && !c.flags.includes("flag_unknown")).map((c) => c.value));
  return flags.size === 1 ? [...flags][0] : null;
}

/**
 * On an OCR'd page, a call sign in a table row whose series is unallocated or another country's
 * than the row's flag is read again as OCR may have misread its series part ("45F5302" on a Sri
 * Lankan vessel is 4SF5302, ./ocr-repair.ts); the one reading that fits is taken, flagged as mended.
 */
function fitCallSignsToFlags(candidates: Candidate[]): void {
  for (const [record, entities] of Map.groupBy(candidates, (c) => c.record)) {
    const flag = record === null ? null : rowFlag(entities);
    if (!flag) continue;
    for (const callSign of entities) {
      if (callSign.label !== "IRCS_CALL_SIGN" || callSign.flags.some((f) => f === "ircs_not_upper_case" || f === OCR_DOUBTFUL)) continue;
      const fitted = fitToFlag(callSign.value, flag);
      if (!fitted) continue;
      callSign.value = fitted;
      callSign.flags = [OCR_REPAIRED];
      callSign.confidence = 0.7;
    }
  }
}

/**
 * An MMSI whose MID, or a call sign whose ITU series, belongs to another country than the
 * vessel's flag is flagged (reflagged vessels keep their old MMSI; territories use their parent
 * state's call-sign series), not dropped. Compared within a table row, or on a page that names
 * exactly one of each and one flag outside tables.
 */
function flagMismatches(candidates: Candidate[]): void {
  const vessels = Map.groupBy(candidates, (c) => c.record);
  for (const [record, entities] of vessels) {
    const flag = rowFlag(entities);
    if (!flag) continue;
    const mmsis = entities.filter((c) => c.label === "MMSI");
    const callSigns = entities.filter((c) => c.label === "IRCS_CALL_SIGN" && !c.flags.includes("ircs_series_unknown"));
    // Outside tables, a page about one vessel: one MMSI and one call sign (read by more than one rule, perhaps).
    const distinct = (items: Candidate[]) => new Set(items.map((c) => c.value)).size;
    if (record === null && (distinct(mmsis) > 1 || distinct(callSigns) > 1)) continue;
    for (const mmsi of mmsis) {
      const issuer = mmsiCountry(mmsi.value);
      if (issuer && issuer !== flag) mmsi.flags = [...mmsi.flags, "mmsi_flag_mismatch"];
    }
    for (const callSign of callSigns) if (!callSignFitsFlag(callSign.value, flag)) callSign.flags = [...callSign.flags, "ircs_flag_mismatch"];
  }
}

/**
 * The model's spans, merged: on checkable labels (IMO, MMSI, call sign, flag, ...) the recognisers
 * win and a model span must validate; a span overlapping what rules or tables found is theirs.
 */
function fromModel(text: string, spans: readonly LocatedSpan[], found: readonly Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const span of spans) {
    if (found.some((c) => c.start < span.end && span.start < c.end)) continue;
    const checked = validate(span.label, text.slice(span.start, span.end));
    if (!checked || (checkableLabels.has(span.label) && checked.flags.length)) continue;
    out.push({ label: span.label, start: span.start, end: span.end, source: "llm", record: null, ...checked, confidence: Math.min(checked.confidence, 0.7) });
  }
  return out;
}

/** One entity per span and label (tables win over free text), spans verified, code points added. */
function finish(text: string, candidates: Candidate[]): Entity[] {
  const bySpan = new Map<string, Candidate>();
  const rank = { table: 3, rule: 2, tagger: 1, llm: 0 } as const;
  for (const candidate of candidates) {
    const key = `${candidate.start}:${candidate.end}:${candidate.label}`;
    const existing = bySpan.get(key);
    if (!existing || rank[candidate.source] > rank[existing.source]) bySpan.set(key, candidate);
  }
  // The same value read twice over overlapping spans ("33.5" by a form, "33.5 m" by a rule): the longer span.
  const unique = [...bySpan.values()];
  const kept = unique.filter(
    (c) => !unique.some((o) => o !== c && o.label === c.label && o.value === c.value && o.start < c.end && c.start < o.end && o.end - o.start > c.end - c.start),
  );
  return kept
    .filter((c) => text.slice(c.start, c.end).length === c.end - c.start && c.end > c.start)
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((c) => ({
      label: c.label,
      text: text.slice(c.start, c.end),
      value: c.value,
      start: c.start,
      end: c.end,
      startCodePoint: codePoints(text, c.start),
      endCodePoint: codePoints(text, c.end),
      confidence: c.confidence,
      source: c.source,
      flags: c.flags,
      record: c.record,
    }));
}

/** How many code points the first `units` UTF-16 units of `text` hold. */
function codePoints(text: string, units: number): number {
  let count = 0;
  for (let i = 0; i < units; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < units) i++;
    count++;
  }
  return count;
}
