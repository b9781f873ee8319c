/**
 * Tables told by whitespace alone (Camelot's "stream", Tabula's "basic"): runs of lines whose words
 * leave the same vertical gutters free. A gutter is an x-range almost no line of the run has a word
 * in (the consensus), then, without the lines that cross it (an over-wide header, a note), an
 * x-range no line has a word in at all (so a column that is mostly empty still counts).
 */
import type { Line, Word } from "./geometry.ts";
import { chunksOf, type ColumnBounds } from "./table.ts";

export interface Metrics {
  /** Median line height: the page's unit of distance. */
  lineHeight: number;
  /** Typical gap between two words of one phrase. */
  space: number;
  /** The narrowest gap that can separate two columns. */
  gutter: number;
  /** Median distance between the centres of consecutive lines. */
  pitch: number;
}

export interface Region {
  /** Top to bottom, the header's lines first. */
  lines: Line[];
  bounds: ColumnBounds;
}

/** Header lines looked for above a table's first line. */
const MAX_HEADER_LINES = 4;

/** Tables of at least three columns among `lines` (top to bottom) not in `taken`; their lines are added to it. */
export function findStreamTables(lines: readonly Line[], metrics: Metrics, taken: Set<Line>): Region[] {
  const regions: Region[] = [];
  const isCandidate = (line: Line) => !taken.has(line) && chunksOf(line.words, gutterFor(line, metrics)).length >= 2;
  const context: Context = { all: lines, metrics, taken, isCandidate };
  let run: Line[] = [];
  const flush = () => {
    const floor = run.length ? lines.indexOf(run[0]) - MAX_HEADER_LINES - 1 : 0;
    for (const region of regionsOf(trimToCandidates(run, isCandidate), context, floor)) {
      if (region.lines.some((line) => taken.has(line))) continue;
      for (const line of region.lines) taken.add(line);
      regions.push(region);
    }
    run = [];
  };
  for (const line of lines) {
    if (taken.has(line)) {
      flush();
      continue;
    }
    // Rows of one table follow each other closely; a wide empty band ends it.
    const bottom = Math.max(...run.map((l) => l.y1));
    if (run.length && line.y0 - bottom > 2 * metrics.lineHeight) flush();
    if (run.length || isCandidate(line)) run.push(line);
  }
  flush();
  return regions;
}

/** A gutter in a line's own type size: a bigger font has wider spaces. */
const gutterFor = (line: Line, metrics: Metrics) => metrics.gutter * Math.max(1, line.height / metrics.lineHeight);

function trimToCandidates(run: Line[], isCandidate: (line: Line) => boolean): Line[] {
  let end = run.length;
  while (end > 0 && !isCandidate(run[end - 1])) end--;
  return run.slice(0, end);
}

interface Context {
  all: readonly Line[];
  metrics: Metrics;
  taken: ReadonlySet<Line>;
  isCandidate: (line: Line) => boolean;
}

/**
 * A run of lines as zero or more tables. First rough gutters, which most lines leave free: a line
 * after the first row of data that runs wide across them (a note, the title of the next table)
 * splits the run. Then exact gutters, which every line of data leaves free (a column whose long
 * values are few still counts), from all the lines from the first row of data on: a wrapped
 * cell's second line is content too. `floor`: the index in `all` a header may not reach up to.
 */
function regionsOf(run: Line[], context: Context, floor: number): Region[] {
  const { all, metrics, isCandidate } = context;
  if (run.filter(isCandidate).length < 2) return [];
  const rough = freeRanges(run, Math.floor(run.length * 0.2), metrics.gutter);
  if (rough.length < 2) return run.length >= 8 ? splitAtWidestGap(run, context, floor) : [];
  const left = Math.min(...run.map((l) => l.x0));
  const right = Math.max(...run.map((l) => l.x1));
  const dataFrom = Math.max(0, run.findIndex(hasNumber));
  const misfit = run.findIndex((line, i) => i > dataFrom && runsWide(line, rough, right - left, metrics));
  if (misfit !== -1) {
    const rest = run.slice(misfit + 1);
    const next = rest.findIndex(isCandidate);
    return [
      ...regionsOf(trimToCandidates(run.slice(0, misfit), isCandidate), context, floor),
      ...(next === -1 ? [] : regionsOf(rest.slice(next), context, all.indexOf(run[misfit]))),
    ];
  }
  const data = run.slice(dataFrom);
  const exact = freeRanges(data, 0, metrics.gutter);
  const gutters = exact.length >= 2 ? exact : rough;
  const bounds = [left, ...gutters.map(([a, b]) => (a + b) / 2), right];
  const lines = [...headerAbove(run, context, bounds, floor), ...run, ...continuationBelow(run, context, gutters)];
  // A title at the top is no part of the table: bigger type, or one phrase across the columns.
  while (lines.length > 2 && (lines[0].height > 1.25 * metrics.lineHeight || runsWide(lines[0], gutters, right - left, metrics))) lines.shift();
  return [{ lines, bounds }];
}

/** A line with a number in it (an IMO number, a tonnage): a row of data, not column names. */
const hasNumber = (line: Line) => line.words.some((w) => (w.text.match(/\d/g)?.length ?? 0) >= Math.max(2, w.text.length * 0.5));

/**
 * A line that is no row of the table: a title in bigger type, or one phrase across most of its
 * width or across three of its gutters (a note).
 */
function runsWide(line: Line, gutters: readonly Gutter[], width: number, metrics: Metrics): boolean {
  if (line.height > 1.2 * metrics.lineHeight) return true;
  return chunksOf(line.words, gutterFor(line, metrics)).some((chunk) => {
    const x0 = chunk[0].x0;
    const x1 = chunk[chunk.length - 1].x1;
    return x1 - x0 > 0.45 * width || gutters.filter(([a, b]) => x0 < a && x1 > b).length >= 3;
  });
}

/** A run that is no table as a whole may be two stacked ones: try either side of its widest gap. */
function splitAtWidestGap(run: Line[], context: Context, floor: number): Region[] {
  const { all, metrics, isCandidate } = context;
  let at = 0;
  let widest = 0;
  for (let i = 1; i < run.length; i++) {
    const gap = run[i].y0 - run[i - 1].y1;
    if (gap > widest) [at, widest] = [i, gap];
  }
  if (widest < metrics.lineHeight) return [];
  return [...regionsOf(trimToCandidates(run.slice(0, at), isCandidate), context, floor), ...regionsOf(run.slice(at), context, all.indexOf(run[at - 1]))];
}

type Gutter = [x0: number, x1: number];

/** X-ranges of at least `minWidth` covered by at most `tolerance` lines, strictly inside their extent. */
function freeRanges(lines: readonly Line[], tolerance: number, minWidth: number): Gutter[] {
  const events: Array<[x: number, delta: number]> = [];
  for (const line of lines) {
    // One line counts once however many of its words overlap: merge its words' intervals first.
    let start = -Infinity;
    let end = -Infinity;
    for (const word of line.words) {
      if (word.x0 > end) {
        if (end > -Infinity) events.push([start, 1], [end, -1]);
        [start, end] = [word.x0, word.x1];
      } else end = Math.max(end, word.x1);
    }
    if (end > -Infinity) events.push([start, 1], [end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const left = events[0]?.[0] ?? 0;
  const right = Math.max(...events.map(([x]) => x));
  const out: Gutter[] = [];
  let depth = 0;
  let freeFrom: number | null = null;
  for (const [x, delta] of events) {
    const before = depth;
    depth += delta;
    if (before > tolerance && depth <= tolerance) freeFrom = x;
    else if (before <= tolerance && depth > tolerance && freeFrom !== null) {
      if (x - freeFrom >= minWidth && freeFrom > left && x < right) out.push([freeFrom, x]);
      freeFrom = null;
    }
  }
  return out;
}

/** Whether a word runs through the middle of a gutter (its edges may graze it). */
function crossesAny(words: readonly Word[], gutters: readonly Gutter[], metrics: Metrics): boolean {
  const slack = metrics.space * 0.5;
  return words.some((w) => gutters.some(([a, b]) => w.x0 < b - slack && w.x1 > a + slack && w.x1 - w.x0 > 0));
}

/**
 * Lines just above the table that name its columns: close to it, inside its width, and not a title
 * (a title runs across every column; a group header like "Identifiers" over two does not).
 */
function headerAbove(run: readonly Line[], { all, metrics, taken }: Context, bounds: ColumnBounds, floor: number): Line[] {
  const out: Line[] = [];
  let index = all.indexOf(run[0]) - 1;
  let below = run[0];
  const columns = bounds.length - 1;
  while (index > Math.max(floor, -1) && out.length < MAX_HEADER_LINES) {
    const line = all[index];
    // Header lines sit close together and in the table's type; a title is set apart, or bigger.
    if (taken.has(line) || below.y0 - line.y1 > 0.9 * metrics.lineHeight || line.height > 1.25 * metrics.lineHeight) break;
    if (line.x0 < bounds[0] - metrics.lineHeight || line.x1 > bounds[columns] + metrics.lineHeight) break;
    const chunks = chunksOf(line.words, metrics.gutter);
    const width = bounds[columns] - bounds[0];
    if (chunks.length === 1 && line.x1 - line.x0 > width * 0.6) break;
    out.unshift(line);
    below = line;
    index--;
  }
  return out;
}

/** Lines just below the table's last row that continue its cells (a wrapped name). */
function continuationBelow(run: readonly Line[], { all, metrics, taken }: Context, gutters: readonly Gutter[]): Line[] {
  const out: Line[] = [];
  let index = all.indexOf(run[run.length - 1]) + 1;
  let above = run[run.length - 1];
  while (index < all.length && out.length < 3) {
    const line = all[index];
    if (taken.has(line) || line.y0 - above.y1 > 0.8 * metrics.lineHeight || crossesAny(line.words, gutters, metrics)) break;
    if (chunksOf(line.words, metrics.gutter).length > 1) break;
    out.push(line);
    above = line;
    index++;
  }
  return out;
}
