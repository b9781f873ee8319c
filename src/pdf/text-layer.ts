/**
 * A born-digital page's own text, with positions, as DeepSeek-OCR would have written it: one
 * grounded `text` block per paragraph, boxes on the 0..999 grid of the page image. Such a page needs
 * no GPU time, and the rest of the pipeline cannot tell the difference (the same parser reads it).
 *
 * Read through PDFium's text API (FPDFText_*), which the wrapper does not expose with positions.
 */
import type { PDFiumPage } from "@hyzyla/pdfium";

interface PdfiumText {
  HEAPF64: Float64Array;
  wasmExports: { malloc(size: number): number; free(ptr: number): void };
  _FPDFPage_GetRotation(page: number): number;
  _FPDFText_LoadPage(page: number): number;
  _FPDFText_ClosePage(textPage: number): void;
  _FPDFText_CountChars(textPage: number): number;
  _FPDFText_GetUnicode(textPage: number, index: number): number;
  _FPDFText_GetCharBox(textPage: number, index: number, left: number, right: number, bottom: number, top: number): number;
  _FPDFText_GetCharOrigin(textPage: number, index: number, x: number, y: number): number;
}

interface Line {
  text: string;
  left: number;
  right: number;
  bottom: number;
  top: number;
}

/** Characters a text layer needs before it is worth trusting over OCR. */
const MIN_CHARACTERS = 20;
/** Share of characters PDFium could not map to Unicode above which the layer is garbage. */
const MAX_UNMAPPED_SHARE = 0.05;

/**
 * The page's text layer as grounded markdown, or null when it has none worth using (scans, too
 * little text, fonts without a Unicode map) or is rotated (its boxes would not match the image).
 */
export function textLayer(page: PDFiumPage): string | null {
  // The wrapper keeps its module and page handle private; the text API needs both.
  const { module, pageIdx } = page as unknown as { module: PdfiumText; pageIdx: number };
  if (module._FPDFPage_GetRotation(pageIdx) !== 0) return null;
  const { originalWidth: width, originalHeight: height } = page.getOriginalSize();
  const size = { width, height };
  const textPage = module._FPDFText_LoadPage(pageIdx);
  if (!textPage) return null;
  const box = module.wasmExports.malloc(48);
  try {
    const count = module._FPDFText_CountChars(textPage);
    const lines: Line[] = [];
    let line: Line | null = null;
    let visible = 0;
    let unmapped = 0;
    const boxes: Box[] = [];
    for (let i = 0; i < count; i++) {
      const code = module._FPDFText_GetUnicode(textPage, i);
      const char = String.fromCodePoint(code || 0xfffd);
      if (char === "\r" || char === "\n") {
        if (line) lines.push(line);
        line = null;
        continue;
      }
      if (code === 0xfffd || code === 0 || (code < 0x20 && code !== 0x09)) unmapped++;
      if (char.trim()) visible++;
      module._FPDFText_GetCharBox(textPage, i, box, box + 8, box + 16, box + 24);
      const [left, right, bottom, top] = module.HEAPF64.subarray(box / 8, box / 8 + 4);
      if (!line) line = { text: "", left, right, bottom, top };
      line.text += char;
      if (char.trim()) {
        // Rows are told by the baseline (the glyph's origin): box bottoms move with descenders.
        module._FPDFText_GetCharOrigin(textPage, i, box + 32, box + 40);
        boxes.push({ left, right, bottom, top, baseline: module.HEAPF64[box / 8 + 5] });
        line.left = Math.min(line.left, left);
        line.right = Math.max(line.right, right);
        line.bottom = Math.min(line.bottom, bottom);
        line.top = Math.max(line.top, top);
      }
    }
    if (line) lines.push(line);
    if (visible < MIN_CHARACTERS || unmapped > visible * MAX_UNMAPPED_SHARE) return null;
    // A table's text layer has its words but not its cells: the OCR model returns the table itself.
    if (looksTabular(boxes)) return null;
    return paragraphs(lines.filter((l) => l.text.trim())).map((p) => block(p, size)).join("\n\n");
  } finally {
    module.wasmExports.free(box);
    module._FPDFText_ClosePage(textPage);
  }
}

type Box = { left: number; right: number; bottom: number; top: number; baseline: number };

/**
 * Whether the page is laid out as a table: at least five rows (characters on one baseline) that
 * break into three or more runs separated by gaps wider than twice the text height.
 */
function looksTabular(boxes: readonly Box[]): boolean {
  const rows = new Map<number, Box[]>();
  for (const box of boxes) {
    const baseline = Math.round(box.baseline);
    rows.set(baseline, [...(rows.get(baseline) ?? []), box]);
  }
  let tabularRows = 0;
  for (const row of rows.values()) {
    row.sort((a, b) => a.left - b.left);
    const height = Math.max(1, ...row.map((b) => b.top - b.bottom));
    let runs = 1;
    for (let i = 1; i < row.length; i++) if (row[i].left - row[i - 1].right > 2 * height) runs++;
    if (runs >= 3) tabularRows++;
  }
  return tabularRows >= 5;
}

/** Consecutive lines close together (less than a line's height apart) make one paragraph. */
function paragraphs(lines: Line[]): Line[][] {
  const groups: Line[][] = [];
  for (const line of lines) {
    const group = groups[groups.length - 1];
    const previous = group?.[group.length - 1];
    const height = previous ? Math.max(previous.top - previous.bottom, line.top - line.bottom, 1) : 0;
    if (previous && previous.bottom - line.top < height * 0.8 && line.top <= previous.top) group.push(line);
    else groups.push([line]);
  }
  return groups;
}

function block(lines: Line[], { width, height }: { width: number; height: number }): string {
  const left = Math.min(...lines.map((l) => l.left));
  const right = Math.max(...lines.map((l) => l.right));
  const top = Math.max(...lines.map((l) => l.top));
  const bottom = Math.min(...lines.map((l) => l.bottom));
  // PDF space runs bottom-up in points; the grid runs top-down over the page.
  const x = (v: number) => Math.min(999, Math.max(0, Math.round((v / width) * 999)));
  const y = (v: number) => Math.min(999, Math.max(0, Math.round(((height - v) / height) * 999)));
  const text = lines.map((l) => escapeMarkup(l.text.trim())).join("\n");
  return `<|ref|>text<|/ref|><|det|>[[${x(left)}, ${y(top)}, ${x(right)}, ${y(bottom)}]]<|/det|>\n${text}`;
}

/** The page's own text is text, not markup: keep `<` and `&` from being read as tags or entities. */
function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
