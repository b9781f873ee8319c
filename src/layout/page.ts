/**
 * One layout module for every path (issue 13): positioned words -> lines -> tables and paragraphs.
 * The PDF text layer and the local OCR engine's word boxes both come through here, and both leave
 * as DeepSeek-OCR's grounded markdown (./grounded.ts), so everything downstream reads one format.
 */
import { deskew, groupLines, median, type Line, type Rect, type Ruling, type Word } from "./geometry.ts";
import { findRuledTables, rowRulingsFor, sortRulings } from "./lattice.ts";
import { findStreamTables, type Metrics } from "./stream.ts";
import { buildTable, chunksOf, placeOfLines, type LayoutTable } from "./table.ts";

export type LayoutBlock =
  | { kind: "title" | "text"; box: Rect; lines: string[] }
  | { kind: "table"; box: Rect; table: LayoutTable };

export interface PageWords {
  words: readonly Word[];
  /** Drawn lines and filled rectangles' edges, in the words' frame. */
  rulings?: readonly Ruling[];
  /** Skew of the text in radians (a scan fed in at an angle), undone before lines are formed. */
  angle?: number;
}

export function layoutPage({ words, rulings = [], angle = 0 }: PageWords): LayoutBlock[] {
  const lines = groupLines(deskew(words, angle));
  if (!lines.length) return [];
  const metrics = measure(lines);
  const taken = new Set<Line>();
  const sorted = sortRulings(angle ? [] : rulings, metrics);
  const blocks: LayoutBlock[] = [];
  for (const region of findRuledTables(lines, sorted, metrics, taken)) {
    blocks.push({ kind: "table", box: placeOfLines(region.lines), table: buildTable(region.lines, region.bounds, region.rowRulings, region.columnRulings) });
  }
  for (const region of findStreamTables(lines, metrics, taken)) {
    const box = placeOfLines(region.lines);
    const rows = rowRulingsFor(box, sorted, metrics);
    blocks.push({ kind: "table", box, table: buildTable(region.lines, region.bounds, rows) });
  }
  const rest = lines.filter((line) => !taken.has(line));
  for (const paragraph of paragraphs(rest, metrics)) {
    const title = median(paragraph.map((l) => l.height)) >= 1.3 * metrics.lineHeight && paragraph.length <= 3;
    blocks.push({ kind: title ? "title" : "text", box: placeOfLines(paragraph), lines: paragraph.map((line) => textOf(line, metrics)) });
  }
  return blocks.sort((a, b) => a.box.y0 - b.box.y0 || a.box.x0 - b.box.x0);
}

/** The page's own units: line height, the gap between words, the narrowest gutter, line pitch. */
export function measure(lines: readonly Line[]): Metrics {
  const lineHeight = median(lines.map((l) => l.height)) || 1;
  const gaps: number[] = [];
  for (const line of lines) {
    for (let i = 1; i < line.words.length; i++) {
      const gap = line.words[i].x0 - line.words[i - 1].x1;
      if (gap > 0 && gap < lineHeight) gaps.push(gap);
    }
  }
  const space = gaps.length >= 5 ? median(gaps) : 0.3 * lineHeight;
  const pitches: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const distance = (lines[i].y0 + lines[i].y1 - lines[i - 1].y0 - lines[i - 1].y1) / 2;
    if (distance > 0.5 * lineHeight && distance < 3 * lineHeight) pitches.push(distance);
  }
  return {
    lineHeight,
    space,
    gutter: Math.max(1.25 * space, 0.3 * lineHeight),
    pitch: median(pitches) || 1.2 * lineHeight,
  };
}

/** Lines close together, overlapping sideways and of one size, make a paragraph. */
function paragraphs(lines: readonly Line[], metrics: Metrics): Line[][] {
  const groups: Line[][] = [];
  for (const line of lines) {
    const group = groups[groups.length - 1];
    const previous = group?.[group.length - 1];
    const close = previous && line.y0 - previous.y1 < 0.8 * Math.max(previous.height, line.height, metrics.lineHeight * 0.5);
    const sideBySide = previous && Math.min(previous.x1, line.x1) > Math.max(previous.x0, line.x0);
    const sameSize = previous && Math.max(previous.height, line.height) <= 1.3 * Math.min(previous.height, line.height);
    if (close && sideBySide && sameSize) group.push(line);
    else groups.push([line]);
  }
  return groups;
}

/** A line's words; a wide gap inside it (a form's label and its value) becomes a tab. */
function textOf(line: Line, metrics: Metrics): string {
  return chunksOf(line.words, 2 * metrics.gutter)
    .map((chunk) => chunk.map((w) => w.text).join(" "))
    .join("\t");
}
