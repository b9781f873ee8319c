/**
 * DeepSeek-OCR's grounded markdown, parsed. The model writes one block per layout region:
 *
 *   <|ref|>label<|/ref|><|det|>[[x1, y1, x2, y2], ...]<|/det|>
 *   content (markdown; tables as HTML; captions in <center>; equations as LaTeX)
 *
 * with boxes on a 0..999 grid of the page image (../shared/notes/deepseek-ocr.md). This turns it
 * into blocks with boxes in page pixels, tables as rows and cells, and the page's clean text with
 * an exact map from every clean character back to the raw output, so a span found in the clean
 * text can be pointed at in what the model said. Malformed, truncated or nested output never
 * throws: whatever cannot be read as structure is kept as text.
 */
import { CleanText } from "./clean-text.ts";
import { emitContent } from "./content.ts";
import { segments } from "./segments.ts";

export type Box = [x1: number, y1: number, x2: number, y2: number];

export interface TableCell {
  text: string;
  /** Span of the cell's text in the page's clean text. */
  start: number;
  end: number;
  header: boolean;
  colspan: number;
  rowspan: number;
}

export interface Table {
  rows: TableCell[][];
  /** Whether the first row names the columns. */
  hasHeader: boolean;
  /** How many leading rows name the columns (a group header over its sub-headers makes two). */
  headerRows: number;
}

export interface Block {
  label: string;
  /** In page pixels. */
  boxes: Box[];
  /** Span of the block in the page's clean text. */
  start: number;
  end: number;
  table?: Table;
}

/**
 * Clean text index -> raw output index, as runs: characters `clean` .. `clean + length - 1` came
 * from `raw` .. `raw + length - 1` (step 1), or were all produced by the markup at `raw` (step 0,
 * e.g. a tab standing for `</td><td>`, or `&` for `&amp;`).
 */
export type OffsetRun = [clean: number, raw: number, length: number, step: 0 | 1];

export interface ParsedPage {
  text: string;
  blocks: Block[];
  offsets: OffsetRun[];
}

export function parseGrounded(raw: string, image: { width: number; height: number }): ParsedPage {
  try {
    return parse(raw, image);
  } catch {
    // A parser bug must not cost the page: fall back to the raw output as text, offsets 1:1.
    return { text: raw, blocks: [{ label: "text", boxes: [], start: 0, end: raw.length }], offsets: raw ? [[0, 0, raw.length, 1]] : [] };
  }
}

function parse(raw: string, image: { width: number; height: number }): ParsedPage {
  const out = new CleanText();
  const blocks: Block[] = [];
  for (const segment of segments(raw)) {
    const before = out.position;
    if (before > 0) out.stand("\n\n", segment.at);
    const start = out.position;
    const table = segment.textIsLabel
      ? (out.copy(raw.slice(segment.contentStart, segment.contentEnd), segment.contentStart, true), undefined)
      : emitContent(raw, segment.contentStart, segment.contentEnd, out);
    out.trimEnd();
    if (out.position <= start) {
      // An empty block (an image region, say): no separator, and a span of nothing where it stands.
      out.trimEnd();
      if (segment.boxes.length === 0 && !table) continue;
      // A table of empty cells: they are where the block is, at nothing.
      for (const cell of table?.rows.flat() ?? []) cell.start = cell.end = out.position;
      blocks.push({ label: segment.label, boxes: segment.boxes.map((box) => toPixels(box, image)), start: out.position, end: out.position, ...(table ? { table } : {}) });
      continue;
    }
    blocks.push({ label: segment.label, boxes: segment.boxes.map((box) => toPixels(box, image)), start, end: out.position, ...(table ? { table } : {}) });
  }
  out.trimEnd();
  return { text: out.toString(), blocks, offsets: out.offsets };
}

function toPixels([x1, y1, x2, y2]: Box, { width, height }: { width: number; height: number }): Box {
  const clamp = (v: number) => Math.min(999, Math.max(0, v));
  const x = (v: number) => Math.round((clamp(v) / 999) * width);
  const y = (v: number) => Math.round((clamp(v) / 999) * height);
  return [x(Math.min(x1, x2)), y(Math.min(y1, y2)), x(Math.max(x1, x2)), y(Math.max(y1, y2))];
}

/** Where clean-text index `index` came from in the raw output. */
export function rawIndex(offsets: readonly OffsetRun[], index: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [clean, raw, length, step] = offsets[mid];
    if (index < clean) hi = mid - 1;
    else if (index >= clean + length) lo = mid + 1;
    else return raw + step * (index - clean);
  }
  return -1;
}
