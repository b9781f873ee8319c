/**
 * DeepSeek-OCR's output cut into blocks: one per `<|ref|>label<|/ref|><|det|>[[...]]<|/det|>`,
 * text before the first tag its own, with the repairs real output needs (see `regroup`).
 */
import type { Box } from "./grounding.ts";

export const REF_OPEN = "<|ref|>";
export const REF_CLOSE = "<|/ref|>";
export const DET_OPEN = "<|det|>";
export const DET_CLOSE = "<|/det|>";

export interface Segment {
  /** Where the block's markup starts in the raw output. */
  at: number;
  label: string;
  boxes: Box[];
  contentStart: number;
  contentEnd: number;
  /** The recognised text is the "label" itself (line-level grounding): raw[contentStart, contentEnd) is it. */
  textIsLabel?: boolean;
}

/**
 * Layout labels DeepSeek-OCR writes (../shared/notes/deepseek-ocr.md). The set is open: an unknown
 * label in this shape that is followed by content is a label too; one followed by nothing is what
 * `<|grounding|>OCR this image.` writes, the recognised line itself.
 */
const LAYOUT_LABELS = new Set([
  "title", "sub_title", "text", "table", "table_caption", "table_footnote", "image", "image_caption", "image_footnote",
  "equation", "figure", "figure_caption", "caption", "footnote", "header", "footer", "page_header", "page_footer", "list", "code", "reference",
]);

/** A box list, when its `<|/det|>` is missing: `[[...]]` of numbers, complete or cut off. */
const bareBoxList = /\s*\[[-\d\s.,\[\]]*/y;

/** The output's blocks, after the fixes real output needs (see `regroup`). */
export function* segments(raw: string): Generator<Segment> {
  yield* regroup(raw, [...tagged(raw)]);
}

/** Splits the output at every `<|ref|>`; text before the first one is an unlabelled block. */
function* tagged(raw: string): Generator<Segment> {
  let first = raw.indexOf(REF_OPEN);
  if (first === -1) first = raw.length;
  if (first > 0) yield { at: 0, label: "text", boxes: [], contentStart: 0, contentEnd: first };
  let at = first;
  while (at < raw.length) {
    const labelStart = at + REF_OPEN.length;
    const next = raw.indexOf(REF_OPEN, labelStart);
    const end = next === -1 ? raw.length : next;
    const labelEnd = raw.indexOf(REF_CLOSE, labelStart);
    if (labelEnd === -1 || labelEnd > end) {
      // A truncated or broken tag: keep what follows it as text.
      yield { at, label: "text", boxes: [], contentStart: labelStart, contentEnd: end };
      at = end;
      continue;
    }
    const label = raw.slice(labelStart, labelEnd).trim() || "text";
    let contentStart = labelEnd + REF_CLOSE.length;
    let boxes: Box[] = [];
    if (raw.startsWith(DET_OPEN, contentStart)) {
      const detEnd = raw.indexOf(DET_CLOSE, contentStart);
      if (detEnd !== -1 && detEnd < end) {
        boxes = parseBoxes(raw.slice(contentStart + DET_OPEN.length, detEnd));
        contentStart = detEnd + DET_CLOSE.length;
      } else {
        // The box list never closed: take the boxes written, keep whatever follows them as text.
        bareBoxList.lastIndex = contentStart + DET_OPEN.length;
        const list = bareBoxList.exec(raw);
        contentStart = list && list.index + list[0].length <= end ? list.index + list[0].length : contentStart + DET_OPEN.length;
        if (list) boxes = parseBoxes(list[0]);
      }
    }
    if (raw.startsWith("\r\n", contentStart)) contentStart += 2;
    else if (raw[contentStart] === "\n") contentStart++;
    const empty = !/\S/.test(raw.slice(contentStart, end));
    const isLabel = LAYOUT_LABELS.has(label) || (/^[a-z][a-z_]{0,30}$/.test(label) && !empty);
    if (isLabel) yield { at, label, boxes, contentStart, contentEnd: end };
    else yield { at, label: "text", boxes, contentStart: labelStart, contentEnd: labelEnd, textIsLabel: true };
    at = end;
  }
}

const TABLE_OPEN = /<table\b|<otsl>/gi;

/**
 * Real output puts a table's HTML where it does not belong: after an empty `table` block, in the
 * `table_caption` block that follows (caption text first); and a block can hold two tables, the
 * first never closed. Each table gets a block of its own, labelled and boxed as the model meant.
 */
function* regroup(raw: string, found: Segment[]): Generator<Segment> {
  for (let k = 0; k < found.length; k++) {
    const segment = found[k];
    const next = found[k + 1];
    const html = next ? tableStarts(raw, next) : [];
    if (segment.label === "table" && !segment.textIsLabel && !/\S/.test(raw.slice(segment.contentStart, segment.contentEnd)) && next?.label.endsWith("caption") && html.length) {
      // The caption's own words stay the caption; its HTML is the (empty) table block's content.
      if (html[0] > next.contentStart) yield { ...next, contentEnd: html[0] };
      yield* splitTables(raw, { ...segment, contentStart: html[0], contentEnd: next.contentEnd });
      k++;
      continue;
    }
    yield* splitTables(raw, segment);
  }
}

/** One block per table where a block holds several (each with the block's label and boxes). */
function* splitTables(raw: string, segment: Segment): Generator<Segment> {
  if (segment.textIsLabel) return yield segment;
  const starts = tableStarts(raw, segment).slice(1);
  let from = segment.contentStart;
  for (const at of starts) {
    yield { ...segment, contentStart: from, contentEnd: at };
    from = at;
  }
  yield { ...segment, contentStart: from };
}

function tableStarts(raw: string, segment: Segment): number[] {
  if (segment.textIsLabel) return [];
  const starts: number[] = [];
  TABLE_OPEN.lastIndex = 0;
  for (const match of raw.slice(segment.contentStart, segment.contentEnd).matchAll(TABLE_OPEN)) starts.push(segment.contentStart + match.index);
  return starts;
}

function parseBoxes(text: string): Box[] {
  const boxes: Box[] = [];
  for (const match of text.matchAll(/\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]/g)) {
    boxes.push([Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])]);
  }
  return boxes;
}
