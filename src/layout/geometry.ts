/**
 * The layout module's vocabulary: positioned words and ruling lines, in any unit, top-down
 * (y grows downwards), as both the PDF text layer and an OCR engine's word boxes can give them.
 */

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Word extends Rect {
  text: string;
  /** Where the word really is, when its coordinates were moved (deskewed) for the layout. */
  original?: Rect;
}

/** Where a word is on the page, whatever frame the layout reasoned in. */
export const placeOf = (word: Word): Rect => word.original ?? word;

/** A drawn horizontal or vertical line (or a filled rectangle's edge): where cells are bounded. */
export type Ruling = Rect;

export interface Line extends Rect {
  /** Left to right. */
  words: Word[];
  /** Median height of its words: the line's unit of distance. */
  height: number;
}

export const widthOf = (r: Rect): number => r.x1 - r.x0;
export const heightOf = (r: Rect): number => r.y1 - r.y0;

export function union(rects: readonly Rect[]): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x0);
    y0 = Math.min(y0, r.y0);
    x1 = Math.max(x1, r.x1);
    y1 = Math.max(y1, r.y1);
  }
  return { x0, y0, x1, y1 };
}

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Length of the overlap of [a0, a1] and [b0, b1] (0 when apart). */
export function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Words into lines: a word joins the line it overlaps most vertically (at least half the smaller
 * height) and collides with no word of that line horizontally; otherwise it starts a line.
 * Lines come out top to bottom, their words left to right.
 */
export function groupLines(words: readonly Word[]): Line[] {
  const sorted = words.filter((w) => w.text.trim() && w.x1 > w.x0 && w.y1 > w.y0).sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  type Open = { words: Word[]; core0: number; core1: number };
  const lines: Open[] = [];
  for (const word of sorted) {
    const h = word.y1 - word.y0;
    let best: Open | null = null;
    let bestShare = 0.5;
    // Lines were opened in order of height on the page: only the last few can still take this word.
    for (let i = lines.length - 1; i >= 0 && i >= lines.length - 12; i--) {
      const line = lines[i];
      const share = overlap(word.y0, word.y1, line.core0, line.core1) / Math.min(h, line.core1 - line.core0);
      if (share < bestShare) continue;
      const collides = line.words.some((w) => overlap(w.x0, w.x1, word.x0, word.x1) > 0.3 * Math.min(w.x1 - w.x0, word.x1 - word.x0));
      if (!collides) {
        best = line;
        bestShare = share;
      }
    }
    if (best) {
      best.words.push(word);
      const n = best.words.length;
      best.core0 += (word.y0 - best.core0) / n;
      best.core1 += (word.y1 - best.core1) / n;
    } else {
      lines.push({ words: [word], core0: word.y0, core1: word.y1 });
    }
  }
  return lines
    .map(({ words: members }) => {
      const ordered = members.sort((a, b) => a.x0 - b.x0);
      // Across the line, its typical word: one odd box (a misread blot) does not make it taller.
      const { x0, x1 } = union(ordered);
      return { x0, x1, y0: median(ordered.map((w) => w.y0)), y1: median(ordered.map((w) => w.y1)), words: ordered, height: median(ordered.map(heightOf)) };
    })
    .sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
}

/**
 * Undoes a small skew (a scan fed in at an angle): coordinates turned by -angle about the origin,
 * so the words of one row share a height again. Only the centre of each word moves; its size stays.
 */
export function deskew(words: readonly Word[], angle: number): Word[] {
  if (!angle) return [...words];
  const cos = Math.cos(-angle);
  const sin = Math.sin(-angle);
  return words.map((w) => {
    const cx = (w.x0 + w.x1) / 2;
    const cy = (w.y0 + w.y1) / 2;
    const nx = cx * cos - cy * sin;
    const ny = cx * sin + cy * cos;
    const hw = (w.x1 - w.x0) / 2;
    const hh = (w.y1 - w.y0) / 2;
    return { text: w.text, x0: nx - hw, x1: nx + hw, y0: ny - hh, y1: ny + hh, original: placeOf(w) };
  });
}
