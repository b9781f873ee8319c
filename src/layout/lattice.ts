/**
 * Tables the page draws (Camelot's "lattice", Tabula's "spreadsheet"): vertical rulings that meet
 * horizontal ones make a grid, whose vertical lines bound the columns and whose horizontal lines
 * bound the rows. Rulings that bound rows only (lines between rows, or shaded stripes) help a
 * whitespace table tell its rows apart.
 */
import type { Line, Rect, Ruling } from "./geometry.ts";
import type { Metrics, Region } from "./stream.ts";
import { looksLikeData } from "./table.ts";

export interface RuledRegion extends Region {
  rowRulings: Ruling[];
  columnRulings: Ruling[];
}

export interface Rulings {
  horizontal: Ruling[];
  vertical: Ruling[];
}

/** Thin, long segments, split by direction, with collinear pieces joined. */
export function sortRulings(rulings: readonly Ruling[], metrics: Metrics): Rulings {
  const thin = Math.max(0.35 * metrics.lineHeight, 1);
  const horizontal = rulings.filter((r) => r.y1 - r.y0 <= thin && r.x1 - r.x0 >= 2 * metrics.lineHeight);
  const vertical = rulings.filter((r) => r.x1 - r.x0 <= thin && r.y1 - r.y0 >= 0.8 * metrics.lineHeight);
  return { horizontal: joinCollinear(horizontal, "h", thin), vertical: joinCollinear(vertical, "v", thin) };
}

function joinCollinear(segments: readonly Ruling[], direction: "h" | "v", tolerance: number): Ruling[] {
  const across = (r: Rect) => (direction === "h" ? (r.y0 + r.y1) / 2 : (r.x0 + r.x1) / 2);
  const from = (r: Rect) => (direction === "h" ? r.x0 : r.y0);
  const to = (r: Rect) => (direction === "h" ? r.x1 : r.y1);
  const sorted = [...segments].sort((a, b) => across(a) - across(b) || from(a) - from(b));
  const out: Ruling[] = [];
  for (const segment of sorted) {
    const last = out.find((o) => Math.abs(across(o) - across(segment)) <= tolerance && from(segment) <= to(o) + tolerance && to(segment) >= from(o) - tolerance);
    if (!last) out.push({ ...segment });
    else {
      last.x0 = Math.min(last.x0, segment.x0);
      last.y0 = Math.min(last.y0, segment.y0);
      last.x1 = Math.max(last.x1, segment.x1);
      last.y1 = Math.max(last.y1, segment.y1);
    }
  }
  return out;
}

/**
 * Grids of at least three columns: groups of vertical rulings that share their height, with the
 * lines inside, at least two of them data. Lines they take are added to `taken`.
 */
export function findRuledTables(lines: readonly Line[], rulings: Rulings, metrics: Metrics, taken: Set<Line>): RuledRegion[] {
  const regions: RuledRegion[] = [];
  for (const group of verticalGroups(rulings.vertical, metrics)) {
    const xs = distinct(group.map((r) => (r.x0 + r.x1) / 2), metrics.space);
    if (xs.length < 4) continue;
    const top = Math.min(...group.map((r) => r.y0));
    const bottom = Math.max(...group.map((r) => r.y1));
    const inside = lines.filter((line) => !taken.has(line) && (line.y0 + line.y1) / 2 > top && (line.y0 + line.y1) / 2 < bottom && line.x0 >= xs[0] - metrics.space && line.x1 <= xs[xs.length - 1] + metrics.space);
    const width = xs[xs.length - 1] - xs[0];
    const rowRulings = rulings.horizontal.filter((r) => r.y0 > top - metrics.space && r.y1 < bottom + metrics.space && r.x1 - r.x0 >= width * 0.5);
    // Shaded cells have sides too: a grid is a table only if it holds rows of data (a shaded
    // header band or one striped row does not): ruled between rows, or tall with data in it.
    const data = inside.filter((line) => looksLikeData(line, xs)).length;
    if (data < 2 || (rowRulings.length < 3 && (bottom - top < 6 * metrics.lineHeight || data < 3))) continue;
    regions.push({ lines: inside, bounds: xs, rowRulings, columnRulings: group });
    for (const line of inside) taken.add(line);
  }
  return regions;
}

/** Vertical rulings whose heights overlap for most of the shorter one, as groups. */
function verticalGroups(vertical: readonly Ruling[], metrics: Metrics): Ruling[][] {
  const groups: Ruling[][] = [];
  for (const ruling of [...vertical].sort((a, b) => a.y0 - b.y0)) {
    const group = groups.find((g) => g.some((o) => Math.min(o.y1, ruling.y1) - Math.max(o.y0, ruling.y0) >= 0.5 * Math.min(o.y1 - o.y0, ruling.y1 - ruling.y0) - metrics.space));
    if (group) group.push(ruling);
    else groups.push([ruling]);
  }
  return groups;
}

function distinct(values: readonly number[], tolerance: number): number[] {
  const out: number[] = [];
  for (const value of [...values].sort((a, b) => a - b)) if (!out.length || value - out[out.length - 1] > tolerance) out.push(value);
  return out;
}

/** Horizontal rulings across a table's width between its top and bottom: row bounds. */
export function rowRulingsFor(box: Rect, rulings: Rulings, metrics: Metrics): Ruling[] {
  return rulings.horizontal.filter(
    (r) => r.y0 > box.y0 - metrics.lineHeight && r.y1 < box.y1 + metrics.lineHeight && r.x1 - r.x0 >= (box.x1 - box.x0) * 0.5 && r.x0 <= box.x1 && r.x1 >= box.x0,
  );
}
