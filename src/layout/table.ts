/**
 * A table's lines and column bounds -> rows of cells with a header: the part shared by ruled
 * (lattice) and whitespace (stream) tables. Rows are told by ruling lines where the page draws
 * them between rows, otherwise by the key column: a line with text in it starts a row, and a line
 * without (the second line of a long owner's name) belongs to the nearest row, the one above on a tie.
 */
import { heightOf, median, overlap, placeOf, union, type Line, type Rect, type Ruling, type Word } from "./geometry.ts";

export interface LayoutCell {
  text: string;
  colspan: number;
  header: boolean;
}

export interface LayoutTable {
  /** Header rows first. */
  rows: LayoutCell[][];
  headerRows: number;
  columns: number;
}

/** Column i spans [bounds[i], bounds[i + 1]]. */
export type ColumnBounds = number[];

export function columnOf(bounds: ColumnBounds, x: number): number {
  for (let i = 1; i < bounds.length - 1; i++) if (x < bounds[i]) return i - 1;
  return bounds.length - 2;
}

/** Words of one line, per column (by each word's centre). */
function cellsOf(line: Line, bounds: ColumnBounds): Word[][] {
  const cells: Word[][] = Array.from({ length: bounds.length - 1 }, () => []);
  for (const word of line.words) cells[columnOf(bounds, (word.x0 + word.x1) / 2)].push(word);
  return cells;
}

/** A wrapped cell's lines as one text: a line ending in a hyphen was broken inside a word. */
function joinLines(parts: readonly string[]): string {
  let text = "";
  for (const part of parts) {
    if (!part) continue;
    // "SEA-" + "WIND" was one word; "TIMUR -" + "III" was not.
    text = !text ? part : /\p{L}[-‐]$/u.test(text) ? text + part : `${text} ${part}`;
  }
  return text;
}

const lineText = (words: readonly Word[]) => words.map((w) => w.text).join(" ");

/**
 * A line that reads as data rather than as column names: some cell is a number, or mostly digits
 * (an IMO number, a call sign like "4SF2417"; a misread "10TC" in a header is neither).
 */
export function looksLikeData(line: Line, bounds: ColumnBounds): boolean {
  return dataCells(line, bounds) > 0;
}

/** How many of a line's cells read as data (see looksLikeData). */
function dataCells(line: Line, bounds: ColumnBounds): number {
  return cellsOf(line, bounds).filter((cell) => {
    const text = lineText(cell).replace(/\s/g, "");
    const digits = text.replace(/\D/g, "").length;
    return (digits >= 1 && /^[\d.,/:-]+$/.test(text)) || (digits >= 3 && digits >= text.length * 0.5);
  }).length;
}

/** Lines of column names at most: more than this before the first row of data is no header. */
const MAX_HEADER_LINES = 6;

/**
 * Rows of the table from its lines (top to bottom): rows first, then the leading rows without data
 * are the header. `rowRulings`: horizontal rulings across the table, which bound rows exactly when
 * they separate most of them.
 */
export function buildTable(lines: readonly Line[], bounds: ColumnBounds, rowRulings: readonly Ruling[] = [], columnRulings: readonly Ruling[] = []): LayoutTable {
  const columns = bounds.length - 1;
  const { groups, header } = rowsOf(lines, bounds, rowRulings);
  const firstData = header ?? groups.findIndex((group) => group.some((line) => looksLikeData(line, bounds)));
  const headerCount = firstData > 0 && groups.slice(0, firstData).flat().length <= MAX_HEADER_LINES ? firstData : 0;
  const head = headerRows(groups.slice(0, headerCount).flat(), bounds, columnRulings);
  const body = groups.slice(headerCount).map((group) => {
    const parts: string[][] = Array.from({ length: columns }, () => []);
    for (const line of group) cellsOf(line, bounds).forEach((words, column) => words.length && parts[column].push(lineText(words)));
    return parts.map((p) => ({ text: joinLines(p), colspan: 1, header: false }));
  });
  return { rows: [...head, ...body], headerRows: head.length, columns };
}

/**
 * Lines grouped into rows. A horizontal ruling across the table always ends a row. Where rulings
 * separate most rows, the bands between them are the rows (the first may also hold the header, if
 * no rule is drawn under it). Otherwise (a rule under the header only, or none), rows within each
 * band are told by whitespace, where the gaps between rows are clearly wider than those between
 * the lines of one cell, else by each row's fullest line. `header`: how many leading groups are
 * the header, where splitting the first band has said so; else null.
 */
function rowsOf(body: readonly Line[], bounds: ColumnBounds, rowRulings: readonly Ruling[]): { groups: Line[][]; header: number | null } {
  if (!body.length) return { groups: [], header: null };
  const cuts = rowRulings.map((r) => (r.y0 + r.y1) / 2).sort((a, b) => a - b);
  const byBand = new Map<number, Line[]>();
  for (const line of [...body].sort((a, b) => a.y0 - b.y0)) {
    const band = cuts.filter((y) => y < (line.y0 + line.y1) / 2).length;
    byBand.set(band, [...(byBand.get(band) ?? []), line]);
  }
  const bands = [...byBand.entries()].sort((a, b) => a[0] - b[0]).map(([, band]) => band);
  if (bands.length >= 3 && bands.length >= rowsByKeyColumn(body, bounds).length * 0.5) {
    const [first, ...rest] = bands;
    const split = splitHeader(first, bounds);
    // The part of the first band above the gap is the header though OCR made one word of it look
    // like data ("107TC"); more than one such cell is a row (a headerless page's first).
    const namesOnly = split.length > 1 && split[0].reduce((sum, line) => sum + dataCells(line, bounds), 0) <= 1;
    return { groups: [...split, ...rest], header: namesOnly ? 1 : null };
  }
  return { groups: bands.flatMap((band) => rowsWithin(band, bounds)), header: null };
}

function rowsWithin(band: readonly Line[], bounds: ColumnBounds): Line[][] {
  const byKey = rowsByKeyColumn(band, bounds);
  if (byKey.length <= 1) return [[...band]];
  // Rows that touch (no padding, centred cells) leave no gap between them: the bands would hold
  // several rows each, more full lines than rows. The fullest lines count the rows then.
  const byGaps = rowsByWhitespace(band);
  return byGaps && byKey.length < byGaps.length * 1.4 ? byGaps : byKey;
}

/**
 * Tables often rule between rows but not under the header, so the first band may hold both: split
 * it at the widest gap with data below it. The lines of one cell, of the header or of the row,
 * sit closer than the header and the row; a misread header word ("107TC" for IOTC) may look like
 * data, so data must be below the gap, not absent above it.
 */
function splitHeader(band: Line[], bounds: ColumnBounds): Line[][] {
  const lines = [...band].sort((a, b) => a.y0 - b.y0);
  const lastData = lines.findLastIndex((line) => looksLikeData(line, bounds));
  let at = -1;
  let widest = -Infinity;
  let bottom = -Infinity;
  for (let i = 1; i <= lastData; i++) {
    bottom = Math.max(bottom, lines[i - 1].y1);
    if (lines[i].y0 - bottom > widest) [at, widest] = [i, lines[i].y0 - bottom];
  }
  return at > 0 && widest > 0 ? [lines.slice(0, at), lines.slice(at)] : [lines];
}

/**
 * Rows as the bands of text between wide horizontal gaps, when the gaps fall into two sizes (the
 * lines of a cell, and the space between rows); null when they do not.
 */
function rowsByWhitespace(body: readonly Line[]): Line[][] | null {
  const sorted = [...body].sort((a, b) => a.y0 - b.y0);
  const bands: Array<{ lines: Line[]; y1: number }> = [];
  for (const line of sorted) {
    const last = bands[bands.length - 1];
    if (last && line.y0 <= last.y1) {
      last.lines.push(line);
      last.y1 = Math.max(last.y1, line.y1);
    } else bands.push({ lines: [line], y1: line.y1 });
  }
  if (bands.length < 2) return null;
  const gaps = bands.slice(1).map((band, i) => band.lines[0].y0 - bands[i].y1);
  // Two bands (a header and one row, between rulings): one gap, nothing to compare it with.
  if (bands.length === 2) return gaps[0] >= 0.3 * median(body.map((l) => l.height)) ? bands.map((band) => band.lines) : null;
  const ordered = [...gaps].sort((a, b) => a - b);
  const floor = 0.05 * median(body.map((l) => l.height));
  let threshold = 0;
  let best = 1.8;
  for (let i = 0; i + 1 < ordered.length; i++) {
    const ratio = ordered[i + 1] / Math.max(ordered[i], floor);
    if (ratio >= best) [best, threshold] = [ratio, (ordered[i] + ordered[i + 1]) / 2];
  }
  if (!threshold) {
    // One size of gap: rows apart by more than a line's leading (padded cells) are one band each;
    // gaps of mere leading could be inside a cell as well as between rows.
    return median(gaps) >= 0.5 * median(body.map((l) => l.height)) ? bands.map((band) => band.lines) : null;
  }
  const rows: Line[][] = [[...bands[0].lines]];
  gaps.forEach((gap, i) => (gap >= threshold ? rows.push([...bands[i + 1].lines]) : rows[rows.length - 1].push(...bands[i + 1].lines)));
  return rows;
}

/**
 * Rows by their fullest lines: a line that fills at least half the columns starts a row (a
 * top-aligned row begins with it, a centred one has it in the middle); every other line (the rest
 * of a wrapped name) joins the nearest row, the one above on a tie.
 */
function rowsByKeyColumn(body: readonly Line[], bounds: ColumnBounds): Line[][] {
  const cells = body.map((line) => cellsOf(line, bounds));
  const filled = cells.map((row) => row.filter((words) => words.length).length);
  const full = Math.max(2, Math.ceil(Math.max(...filled) * 0.5));
  const fullLines = body.flatMap((_, i) => (filled[i] >= full ? [i] : []));
  if (!fullLines.length) return body.map((line) => [line]);
  const starts = fullLines;
  const groups = new Map<number, Line[]>(starts.map((s) => [s, []]));
  const centre = (i: number) => (body[i].y0 + body[i].y1) / 2;
  body.forEach((line, i) => {
    let owner = i;
    if (!groups.has(i)) {
      const above = starts.filter((s) => s < i).pop();
      const below = starts.find((s) => s > i);
      const distance = (s: number | undefined) => (s === undefined ? Infinity : Math.abs(centre(i) - centre(s)));
      owner = (distance(above) <= distance(below) ? above : below)!;
    }
    groups.get(owner)!.push(line);
  });
  return starts.map((s) => groups.get(s)!.sort((a, b) => a.y0 - b.y0));
}

/**
 * The header lines as one or two rows of column names. A name written across several columns
 * with names of its own below it ("Identifiers" over "IMO" and "IRCS") is a group: it gets a row
 * of its own with a colspan, and the names below a second row. Otherwise each column's words, line
 * by line, make its name ("Vessel" over "Name" is "Vessel Name"); a name wider than its column
 * belongs to the column it overlaps most.
 */
function headerRows(header: readonly Line[], bounds: ColumnBounds, columnRulings: readonly Ruling[]): LayoutCell[][] {
  if (!header.length) return [];
  const columns = bounds.length - 1;
  const gap = median(header.map((l) => l.height)) * 0.6;
  const texts: string[][] = Array.from({ length: columns }, () => []);
  const groups: Array<{ first: number; last: number; text: string; line: number }> = [];
  header.forEach((line, lineIndex) => {
    for (const chunk of chunksOf(line.words, gap)) {
      const spanned = columnRulings.length ? ruledSpan(chunk, line, bounds, columnRulings) : spannedColumns(chunk, bounds);
      const below = header.slice(lineIndex + 1);
      const [first, last] = [spanned[0], spanned[spanned.length - 1]];
      const subdivided = spanned.length > 1 && below.some((l) => spannedByChunks(l, bounds, gap, first, last) > 1);
      if (subdivided) groups.push({ first, last, text: lineText(chunk), line: lineIndex });
      else texts[dominantColumn(chunk, bounds)].push(lineText(chunk));
    }
  });
  if (!groups.length) return [texts.map((parts) => ({ text: joinLines(parts), colspan: 1, header: true }))];
  // Two rows: groups and the names of ungrouped columns on top, the grouped columns' names below.
  const top: LayoutCell[] = [];
  const bottom: LayoutCell[] = [];
  for (let column = 0; column < columns; ) {
    const group = groups.find((g) => g.first === column);
    if (group) {
      top.push({ text: group.text, colspan: group.last - group.first + 1, header: true });
      for (let c = group.first; c <= group.last; c++) bottom.push({ text: joinLines(texts[c]), colspan: 1, header: true });
      column = group.last + 1;
    } else {
      top.push({ text: joinLines(texts[column]), colspan: 1, header: true });
      bottom.push({ text: "", colspan: 1, header: true });
      column++;
    }
  }
  return [top, bottom];
}

/** Words separated by less than `gap`, as runs. */
export function chunksOf(words: readonly Word[], gap: number): Word[][] {
  const chunks: Word[][] = [];
  for (const word of words) {
    const last = chunks[chunks.length - 1];
    if (last && word.x0 - last[last.length - 1].x1 < gap) last.push(word);
    else chunks.push([word]);
  }
  return chunks;
}

/**
 * Columns a run of words spans in a ruled table: from the column it starts in to the next column
 * bound drawn at its height (a merged cell has no rule between its columns).
 */
function ruledSpan(words: readonly Word[], line: Line, bounds: ColumnBounds, rulings: readonly Ruling[]): number[] {
  const middle = (line.y0 + line.y1) / 2;
  const tolerance = 0.5 * line.height;
  const drawn = (x: number) => rulings.some((r) => Math.abs((r.x0 + r.x1) / 2 - x) <= tolerance && r.y0 <= middle && r.y1 >= middle);
  const first = columnOf(bounds, words[0].x0 + 0.1);
  let last = first;
  while (last + 1 < bounds.length - 1 && !drawn(bounds[last + 1])) last++;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Columns a run of words covers a real part of. */
function spannedColumns(words: readonly Word[], bounds: ColumnBounds): number[] {
  const { x0, x1 } = union(words);
  const out: number[] = [];
  for (let c = 0; c < bounds.length - 1; c++) {
    const width = bounds[c + 1] - bounds[c];
    const shared = overlap(x0, x1, bounds[c], bounds[c + 1]);
    if (shared >= Math.min(width, x1 - x0) * 0.3) out.push(c);
  }
  return out.length ? out : [dominantColumn(words, bounds)];
}

function dominantColumn(words: readonly Word[], bounds: ColumnBounds): number {
  const { x0, x1 } = union(words);
  let best = columnOf(bounds, (x0 + x1) / 2);
  let bestShare = -1;
  for (let c = 0; c < bounds.length - 1; c++) {
    const shared = overlap(x0, x1, bounds[c], bounds[c + 1]);
    if (shared > bestShare) [best, bestShare] = [c, shared];
  }
  return best;
}

/** How many columns between `first` and `last` a line has separate names in. */
function spannedByChunks(line: Line, bounds: ColumnBounds, gap: number, first: number, last: number): number {
  const seen = new Set<number>();
  for (const chunk of chunksOf(line.words, gap)) {
    const column = dominantColumn(chunk, bounds);
    if (column >= first && column <= last) seen.add(column);
  }
  return seen.size;
}

/** The page area a set of lines covers, where their words really are. */
export function placeOfLines(lines: readonly Line[]): Rect {
  return union(lines.flatMap((line) => line.words.map(placeOf)));
}

export const lineHeightOf = (lines: readonly Line[]): number => median(lines.map((l) => l.height)) || median(lines.map(heightOf));
