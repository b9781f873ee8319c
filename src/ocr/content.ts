/**
 * One block's content, from markup to clean text: tags dropped (line breaks kept where they mean
 * one), entities decoded, special tokens dropped, tables (HTML or OTSL) laid out as tab-separated
 * rows with their cells.
 */
import type { CleanText } from "./clean-text.ts";
import type { Table, TableCell } from "./grounding.ts";

const namedEntities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

const tagPattern = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^<>]*)?)\/?>/y;
/** An HTML tag the model began and never closed (`<td colspan="2"` then the next tag, or the end). */
const brokenTagPattern =
  /<(\/?)(table|thead|tbody|tr|td|th|br|center|p|div|span|sup|sub|img)\b((?:\s*(?:colspan|rowspan|style|class|align|valign|width|height|border|id|src|alt)\s*=\s*(?:"[^"<>]*"?|'[^'<>]*'?|[^\s<>"']*))*)\s*\/?/iy;
const entityPattern = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/y;
/** `<|ref|>`-style tokens, and the end token's text with its full-width bars (`<｜end▁of▁sentence｜>`). */
const specialTokenPattern = /<\|[^|<>]{1,40}\|>|<｜[^｜<>]{1,40}｜>/y;
/**
 * OTSL, the table language some DeepSeek-OCR fine-tunes write: `<otsl>`, a cell per token (`<fcel>`
 * with content, `<ecel>` empty, `<ched>` a column header, `<rhed>` a row header, `<srow>` a section
 * row; `<lcel>`/`<ucel>`/`<xcel>` merged with the cell left, above, or both), `<nl>` ending a row.
 */
const OTSL_CELLS = new Set(["fcel", "ecel", "ched", "rhed", "srow", "lcel", "ucel", "xcel"]);

/**
 * Copies raw[from, to) into `out` as text: tags dropped (line breaks kept where they mean one),
 * entities decoded, special tokens dropped, tables laid out as tab-separated rows. Returns the
 * block's table, if it had one.
 */
export function emitContent(raw: string, from: number, to: number, out: CleanText): Table | undefined {
  const floor = out.position;
  let table: Table | undefined;
  let row: TableCell[] | null = null;
  let cell: { start: number; header: boolean; colspan: number; rowspan: number } | null = null;
  let inHead = false;

  const closeCell = () => {
    if (!cell || !row) return;
    out.trimEnd(floor);
    const start = Math.min(cell.start, out.position);
    row.push({ text: out.slice(start), start, end: out.position, header: cell.header, colspan: cell.colspan, rowspan: cell.rowspan });
    cell = null;
  };
  const closeRow = () => {
    closeCell();
    if (row && table && row.length) table.rows.push(row);
    row = null;
  };

  let i = from;
  let textStart = from;
  const flushText = (until: number) => {
    if (until > textStart) {
      const text = raw.slice(textStart, until);
      // Inside a table, whitespace between the tags is layout, and newlines within a cell are spaces.
      if (table && cell === null && !/\S/.test(text)) return;
      out.copy(text, textStart, table !== undefined);
    }
  };

  while (i < to) {
    const ch = raw[i];
    if (ch === "\r" && raw[i + 1] === "\n") {
      // CRLF: the line break is the "\n".
      flushText(i);
      textStart = ++i;
      continue;
    }
    if (ch === "<") {
      specialTokenPattern.lastIndex = i;
      const special = specialTokenPattern.exec(raw);
      if (special && special.index + special[0].length <= to) {
        flushText(i);
        i += special[0].length;
        textStart = i;
        continue;
      }
      tagPattern.lastIndex = i;
      brokenTagPattern.lastIndex = i;
      const tag = tagPattern.exec(raw) ?? brokenTagPattern.exec(raw);
      if (tag && tag.index + tag[0].length > to) tag[0] = raw.slice(i, to);
      if (tag) {
        flushText(i);
        const closing = tag[1] === "/";
        const name = tag[2].toLowerCase();
        const attributes = tag[3] ?? "";
        if (name === "otsl" || (OTSL_CELLS.has(name) && table) || (name === "nl" && table)) {
          if (name === "otsl" && !closing && !table) {
            table = { rows: [], hasHeader: false, headerRows: 0 };
            if (out.position > 0 && !out.endsWith("\n")) out.stand("\n", i);
          } else if (name === "otsl" && closing) {
            closeRow();
          } else if (name === "nl") {
            closeRow();
          } else if (name === "lcel" && (closeCell(), row?.length)) {
            row[row.length - 1].colspan++;
          } else {
            closeCell();
            if (!row) {
              if (table!.rows.length > 0 || out.position > 0) if (!out.endsWith("\n")) out.stand("\n", i);
              row = [];
            }
            if (row.length > 0) out.stand("\t", i);
            cell = { start: out.position, header: name === "ched", colspan: 1, rowspan: 1 };
          }
        } else if (name === "table" && !closing && !table) {
          table = { rows: [], hasHeader: false, headerRows: 0 };
          if (out.position > 0 && !out.endsWith("\n")) out.stand("\n", i);
        } else if (table && name === "thead") {
          inHead = !closing;
        } else if (table && name === "tr") {
          closeRow();
          if (!closing) {
            if (table.rows.length > 0 || out.position > 0) {
              if (!out.endsWith("\n")) out.stand("\n", i);
            }
            row = [];
          }
        } else if (table && (name === "td" || name === "th")) {
          closeCell();
          if (!closing) {
            row ??= [];
            if (row.length > 0) out.stand("\t", i);
            cell = { start: out.position, header: name === "th" || inHead, colspan: spanOf(attributes, "colspan"), rowspan: spanOf(attributes, "rowspan") };
          }
        } else if (table && name === "table" && closing) {
          closeRow();
        } else if (name === "br" || (closing && (name === "p" || name === "div" || name === "center" || /^h[1-6]$/.test(name)))) {
          out.stand(table ? " " : "\n", i);
        }
        i += tag[0].length;
        textStart = i;
        continue;
      }
    } else if (ch === "&") {
      entityPattern.lastIndex = i;
      const entity = entityPattern.exec(raw);
      const decoded = entity ? decodeEntity(entity) : null;
      if (entity && decoded !== null && entity.index + entity[0].length <= to) {
        flushText(i);
        out.stand(decoded, i);
        i += entity[0].length;
        textStart = i;
        continue;
      }
    }
    i++;
  }
  flushText(to);
  closeRow();
  if (table) {
    const first = table.rows[0];
    table.hasHeader = !!first && (first.some((c) => c.header) || looksLikeHeader(table.rows));
    if (table.hasHeader) for (const c of first) c.header = true;
    const marked = table.rows.findIndex((row) => !row.every((c) => c.header));
    table.headerRows = table.hasHeader ? Math.max(1, marked === -1 ? table.rows.length : marked) : 0;
  }
  return table;
}

function spanOf(attributes: string, name: string): number {
  const match = new RegExp(`${name}\\s*=\\s*["']?(\\d{1,3})`, "i").exec(attributes);
  return match ? Math.max(1, Number(match[1])) : 1;
}

function decodeEntity(match: RegExpExecArray): string | null {
  if (match[1] ?? match[2]) {
    const code = match[1] ? Number(match[1]) : parseInt(match[2], 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null;
  }
  return namedEntities[match[3].toLowerCase()] ?? null;
}

/**
 * DeepSeek-OCR writes every cell as <td>, so a header row is recognised by its content: all cells
 * filled, none mostly digits, while some later row has a cell that is.
 */
function looksLikeHeader(rows: TableCell[][]): boolean {
  if (rows.length < 2) return false;
  const numeric = (cell: TableCell) => /\d/.test(cell.text) && cell.text.replace(/[^\d]/g, "").length >= cell.text.replace(/\s/g, "").length / 2;
  const [first, ...rest] = rows;
  return first.every((cell) => cell.text.length > 0 && !numeric(cell)) && rest.some((row) => row.some(numeric));
}
