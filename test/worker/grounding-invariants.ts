import { expect } from "vitest";
import { rawIndex, type ParsedPage } from "../../src/ocr/grounding";

/** Every clean character copied from the output is the character at its mapped raw index. */
export function expectExactOffsets(raw: string, parsed: ParsedPage): void {
  for (const [clean, from, length, step] of parsed.offsets) {
    for (let k = 0; k < length; k++) {
      const at = rawIndex(parsed.offsets, clean + k);
      expect(at).toBe(from + step * k);
      if (step === 1) expect(raw[at]).toBe(parsed.text[clean + k]);
      else expect(["<", "&", "\n", "\r"].includes(raw[at]) || at === 0).toBe(true);
    }
  }
  const covered = parsed.offsets.reduce((n, run) => n + run[2], 0);
  expect(covered).toBe(parsed.text.length);
}

/** Markup the clean text must never carry. */
const MARKUP = /<\|[^|<>]{0,40}\|>|<｜|<\/?(table|thead|tbody|tr|td|th|br|center|otsl|fcel|ecel|lcel|ucel|xcel|ched|rhed|srow|nl)\b/i;

/** Words of the output that are content: not tags, boxes, labels or markup. */
function contentWords(raw: string): string[] {
  const stripped = raw
    .replace(/<\|ref\|>([a-z][a-z_]{0,30})<\|\/ref\|>/g, " ")
    .replace(/<\|det\|>[\s\S]*?(<\|\/det\|>|$)/g, " ")
    .replace(/<\|[^|<>]{0,40}\|>|<｜[^｜<>]{0,40}｜>/g, " ")
    .replace(/<\/?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?\/?>/g, " ")
    .replace(/<\/?(table|thead|tbody|tr|td|th|br|center|p|div|span|sup|sub|img)\b[^<>]*$/i, " ")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, " ");
  return stripped.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * What must hold for whatever the model wrote: exact offsets; block spans ordered, non-inverted and
 * inside the text; boxes inside the image; cells inside their block; no markup in the clean text;
 * every table the model began recovered as a block's table; no recognised word lost.
 */
export function checkInvariants(raw: string, parsed: ParsedPage, image: { width: number; height: number }): void {
  expectExactOffsets(raw, parsed);
  let previousEnd = 0;
  for (const block of parsed.blocks) {
    expect(block.start).toBeLessThanOrEqual(block.end);
    expect(block.start).toBeGreaterThanOrEqual(previousEnd);
    expect(block.end).toBeLessThanOrEqual(parsed.text.length);
    previousEnd = block.end;
    for (const [x1, y1, x2, y2] of block.boxes) {
      expect(0 <= x1 && x1 <= x2 && x2 <= image.width && 0 <= y1 && y1 <= y2 && y2 <= image.height, `box ${[x1, y1, x2, y2]}`).toBe(true);
    }
    for (const cell of block.table?.rows.flat() ?? []) {
      expect(parsed.text.slice(cell.start, cell.end)).toBe(cell.text);
      expect(cell.start >= block.start && cell.end <= block.end, `cell ${cell.start}-${cell.end} in block ${block.start}-${block.end}`).toBe(true);
    }
  }
  expect(parsed.text).not.toMatch(MARKUP);
  // Every table the model began is one block's table, closed or cut off.
  expect(parsed.blocks.filter((b) => b.table).length).toBe((raw.match(/<table\b|<otsl>/gi) ?? []).length);
  // No recognised word is lost.
  const have = new Map<string, number>();
  for (const word of parsed.text.match(/[\p{L}\p{N}]+/gu) ?? []) have.set(word, (have.get(word) ?? 0) + 1);
  const missing = contentWords(raw).filter((word) => {
    const left = have.get(word) ?? 0;
    have.set(word, left - 1);
    return left <= 0;
  });
  expect(missing).toEqual([]);
}
