/**
 * Tables written as lines of text, which a page's text layer or a form gives as prose: a header
 * line whose cells are labels ("Vessel Name | Flag | IMO | IRCS", with tabs, pipes or wide gaps
 * between them), then lines with as many cells. They become table blocks, so ./tables.ts reads
 * them as it reads any table: by their headers, one vessel to a row.
 */
import type { Block, TableCell } from "../ocr/grounding";
import { labelForHeader } from "./headers";

/** What parts a line's cells, tried in this order: pipes, tabs, then gaps of two spaces or more. */
const SEPARATORS = [/[ \t]*\|[ \t]*/, /[ \t]*\t[ \t]*/, / {2,}/];
/** A markdown table's rule under its header: "|---|:---:|". */
const RULE_LINE = /^[\s|:+-]+$/;

interface Cell {
  text: string;
  start: number;
  end: number;
}

/** The cells of a line at `at`, split by `separator`, without the outer pipes of "| a | b |". */
function cellsOf(line: string, at: number, separator: RegExp): Cell[] {
  const cells: Cell[] = [];
  const pattern = new RegExp(separator.source, "g");
  let start = 0;
  for (const piece of [...line.matchAll(pattern), null]) {
    const end = piece ? piece.index! : line.length;
    const raw = line.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    cells.push({ text: raw.trim(), start: at + start + lead, end: at + start + lead + raw.trim().length });
    if (piece) start = piece.index! + piece[0].length;
  }
  if (cells.length && !cells[0].text) cells.shift();
  if (cells.length && !cells.at(-1)!.text) cells.pop();
  return cells;
}

/** A header line: two or more cells name different labels of ours, and none holds a number. */
function headerCells(line: string, at: number): { cells: Cell[]; separator: RegExp } | null {
  for (const separator of SEPARATORS) {
    if (!separator.test(line)) continue;
    const cells = cellsOf(line, at, separator);
    // ".1  Name of ship: SEA WIND      .2  Flag of ship: Panama": fields side by side, each with its value, not headers.
    if (cells.some((cell) => /[:：][ \t]*[^\s:：]/.test(cell.text))) return null;
    const labels = cells.map((cell) => labelForHeader(cell.text)).filter(Boolean);
    // Columns name different things: "Vessel name | Name of the vessel | OCEAN PEARL" is a form's row.
    const named = labels.length >= 2 && new Set(labels).size >= 2 && labels.length * 2 >= cells.length;
    if (named && !cells.some((cell) => /\d{3,}/.test(cell.text))) return { cells, separator };
    return null;
  }
  return null;
}

const tableCell = (cell: Cell, header: boolean): TableCell => ({ ...cell, header, colspan: 1, rowspan: 1 });

/** The text tables inside the page's blocks that are not tables already. */
export function textTables(text: string, blocks: readonly Block[]): Block[] {
  const out: Block[] = [];
  for (const block of blocks) {
    if (block.table) continue;
    const lines: Array<{ line: string; at: number }> = [];
    let at = block.start;
    for (const line of text.slice(block.start, block.end).split("\n")) {
      lines.push({ line, at });
      at += line.length + 1;
    }
    for (let i = 0; i < lines.length; i++) {
      const header = headerCells(lines[i].line, lines[i].at);
      if (!header) continue;
      const rows: TableCell[][] = [header.cells.map((cell) => tableCell(cell, true))];
      let j = i + 1;
      for (; j < lines.length; j++) {
        if (RULE_LINE.test(lines[j].line) && lines[j].line.includes("-")) continue;
        const cells = header.separator.test(lines[j].line) ? cellsOf(lines[j].line, lines[j].at, header.separator) : [];
        if (cells.length !== header.cells.length) break;
        rows.push(cells.map((cell) => tableCell(cell, false)));
      }
      if (rows.length < 2) continue;
      const last = rows.at(-1)!.at(-1)!;
      out.push({ label: "table", boxes: block.boxes, start: header.cells[0].start, end: last.end, table: { rows, hasHeader: true, headerRows: 1 } });
      i = j - 1;
    }
  }
  return out;
}
