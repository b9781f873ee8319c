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

const REF_OPEN = "<|ref|>";
const REF_CLOSE = "<|/ref|>";
const DET_OPEN = "<|det|>";
const DET_CLOSE = "<|/det|>";

const namedEntities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Builds the clean text and its offset runs together, so they cannot disagree. */
class CleanText {
  private value = "";
  readonly offsets: OffsetRun[] = [];

  get position(): number {
    return this.value.length;
  }

  /** Characters copied from raw[rawIndex...]; newlines become spaces where `flatten` asks. */
  copy(text: string, rawIndex: number, flatten = false): void {
    if (!flatten) return this.push(text, rawIndex, 1);
    let at = 0;
    for (const match of text.matchAll(/[\r\n]+/g)) {
      this.push(text.slice(at, match.index), rawIndex + at, 1);
      this.push(" ", rawIndex + match.index, 0);
      at = match.index + match[0].length;
    }
    this.push(text.slice(at), rawIndex + at, 1);
  }

  /** Characters the markup at raw[rawIndex] stands for. */
  stand(text: string, rawIndex: number): void {
    this.push(text, rawIndex, 0);
  }

  endsWith(suffix: string): boolean {
    return this.value.endsWith(suffix);
  }

  slice(start: number): string {
    return this.value.slice(start);
  }

  /** Drops trailing whitespace, and its offsets with it, never below `floor`. */
  trimEnd(floor = 0): void {
    const kept = this.value.slice(floor).replace(/[ \t\n]+$/, "");
    const trimmed = this.value.slice(0, floor) + kept;
    if (trimmed.length === this.value.length) return;
    this.value = trimmed;
    while (this.offsets.length) {
      const last = this.offsets[this.offsets.length - 1];
      if (last[0] >= trimmed.length) this.offsets.pop();
      else {
        last[2] = Math.min(last[2], trimmed.length - last[0]);
        break;
      }
    }
  }

  toString(): string {
    return this.value;
  }

  private push(text: string, raw: number, step: 0 | 1): void {
    if (!text) return;
    const last = this.offsets[this.offsets.length - 1];
    const length = this.value.length;
    if (last && last[3] === step && last[0] + last[2] === length && (step === 0 ? last[1] === raw : last[1] + last[2] === raw)) {
      last[2] += text.length;
    } else {
      this.offsets.push([length, raw, text.length, step]);
    }
    this.value += text;
  }
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

interface Segment {
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
function* segments(raw: string): Generator<Segment> {
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

function toPixels([x1, y1, x2, y2]: Box, { width, height }: { width: number; height: number }): Box {
  const clamp = (v: number) => Math.min(999, Math.max(0, v));
  const x = (v: number) => Math.round((clamp(v) / 999) * width);
  const y = (v: number) => Math.round((clamp(v) / 999) * height);
  return [x(Math.min(x1, x2)), y(Math.min(y1, y2)), x(Math.max(x1, x2)), y(Math.max(y1, y2))];
}

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
function emitContent(raw: string, from: number, to: number, out: CleanText): Table | undefined {
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
