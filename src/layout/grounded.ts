/**
 * Layout blocks written as DeepSeek-OCR writes a page: `<|ref|>label<|/ref|><|det|>[[x1, y1, x2,
 * y2]]<|/det|>` and the content, boxes on the 0..999 grid of the page image, tables as HTML. The
 * page's own text is text, not markup: `<` and `&` are escaped so the parser reads them back as
 * they were. Header cells are written as `<th>` (the parser takes them as the header rows).
 */
import type { Rect } from "./geometry.ts";
import type { LayoutBlock } from "./page.ts";
import type { LayoutTable } from "./table.ts";

/** The page image the boxes are given on, and how a rectangle in the words' frame maps onto it. */
export interface Frame {
  imageWidth: number;
  imageHeight: number;
  /** From the words' frame to the image's (a rotated page, a straightened scan); identity if absent. */
  toImage?: (rect: Rect) => Rect;
}

export function groundedMarkdown(blocks: readonly LayoutBlock[], frame: Frame): string {
  return blocks
    .map((block) => {
      const content = block.kind === "table" ? tableHtml(block.table) : block.lines.map(escapeMarkup).join("\n");
      return `<|ref|>${block.kind}<|/ref|><|det|>[[${gridBox(block.box, frame).join(", ")}]]<|/det|>\n${content}`;
    })
    .join("\n\n");
}

function gridBox(rect: Rect, { imageWidth, imageHeight, toImage }: Frame): number[] {
  const { x0, y0, x1, y1 } = toImage ? toImage(rect) : rect;
  const grid = (v: number, extent: number) => Math.min(999, Math.max(0, Math.round((v / extent) * 999)));
  return [grid(Math.min(x0, x1), imageWidth), grid(Math.min(y0, y1), imageHeight), grid(Math.max(x0, x1), imageWidth), grid(Math.max(y0, y1), imageHeight)];
}

function tableHtml(table: LayoutTable): string {
  const rows = table.rows.map((row) => {
    const cells = row.map((cell) => {
      const tag = cell.header ? "th" : "td";
      const span = cell.colspan > 1 ? ` colspan="${cell.colspan}"` : "";
      return `<${tag}${span}>${escapeMarkup(cell.text)}</${tag}>`;
    });
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table>${rows.join("")}</table>`;
}

export function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
