/**
 * The ruling lines of a scanned table: long straight runs of ink, found row by row and column by
 * column in the straightened page. They are taken out of the image before tesseract reads it
 * (read as letters they turn a ruled table to noise) and handed to the layout module, which bounds
 * cells by them as it does a born-digital table's drawn lines.
 */
import type { Rect } from "../src/layout/geometry.ts";
import type { GrayImage } from "./image.ts";

/**
 * Darker than this is ink. A 1 px rule scanned at 200-300 dpi and blurred is often two pixel columns
 * of light gray (160-185 on paper at 245): a text threshold (140) missed a table's right-hand edge.
 */
const DARK = 200;
/** Gaps a line may have (noise, JPEG blocks) and still be one line. */
const GAP = 3;
/** Thicker than this is a filled shape, not a line. */
const MAX_THICKNESS = 12;

/** Finds the page's horizontal and vertical rulings, whites them out in `image`, and returns them. */
export function removeRulings(image: GrayImage): Rect[] {
  const horizontal = runs(image, "h", Math.max(80, Math.round(0.08 * image.width)));
  const vertical = runs(image, "v", Math.max(80, Math.round(0.03 * image.height)));
  const lines = [...horizontal, ...vertical];
  for (const { x0, y0, x1, y1 } of lines) {
    for (let y = Math.max(0, y0 - 1); y <= Math.min(image.height - 1, y1 + 1); y++) {
      image.pixels.fill(255, y * image.width + Math.max(0, x0 - 1), y * image.width + Math.min(image.width, x1 + 2));
    }
  }
  return lines;
}

/** Long dark runs along rows ("h") or columns ("v"), joined across neighbouring rows into lines. */
function runs(image: GrayImage, direction: "h" | "v", minLength: number): Rect[] {
  const { width, height, pixels } = image;
  const [outer, inner] = direction === "h" ? [height, width] : [width, height];
  const at = direction === "h" ? (o: number, i: number) => pixels[o * width + i] : (o: number, i: number) => pixels[i * width + o];
  const open: Array<{ from: number; to: number; first: number; last: number }> = [];
  const done: Rect[] = [];
  for (let o = 0; o < outer; o++) {
    const found: Array<[number, number]> = [];
    let start = -1;
    let gap = 0;
    for (let i = 0; i <= inner; i++) {
      const dark = i < inner && at(o, i) < DARK;
      if (dark) {
        if (start < 0) start = i;
        gap = 0;
      } else if (start >= 0 && ++gap > GAP) {
        const end = i - gap;
        if (end - start + 1 >= minLength) found.push([start, end]);
        start = -1;
        gap = 0;
      }
    }
    for (const [from, to] of found) {
      const line = open.find((l) => l.last >= o - 1 && from <= l.to && to >= l.from);
      if (line) {
        line.last = o;
        line.from = Math.min(line.from, from);
        line.to = Math.max(line.to, to);
      } else open.push({ from, to, first: o, last: o });
    }
    for (let k = open.length - 1; k >= 0; k--) {
      const line = open[k];
      if (line.last >= o - 1 && o < outer - 1) continue;
      open.splice(k, 1);
      if (line.last - line.first + 1 > MAX_THICKNESS) continue;
      done.push(direction === "h" ? { x0: line.from, x1: line.to, y0: line.first, y1: line.last } : { x0: line.first, x1: line.last, y0: line.from, y1: line.to });
    }
  }
  return done;
}
