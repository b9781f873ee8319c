/**
 * Text tesseract's page pass did not see. In sparse-text mode it skips whole cells of a dense
 * table now and then (a call sign and an MMSI gone from a row, with nothing read in their place),
 * so the engine looks for ink that no word it read covers and reads those places again, one line
 * at a time (./local-ocr.ts).
 */
import type Tesseract from "tesseract.js";
import type { Rect } from "../src/layout/geometry.ts";
import type { GrayImage } from "./image.ts";

/** Ink per square of CELL x CELL pixels: a small map of where the page is printed on. */
export interface InkMask {
  width: number;
  height: number;
  dark: Uint8Array;
}

const CELL = 4;
const DARK = 128;
/** Dark pixels a square needs to count as ink (JPEG noise and specks leave one or two). */
const INKED = 3;

export function inkMask(image: GrayImage): InkMask {
  const width = Math.ceil(image.width / CELL);
  const height = Math.ceil(image.height / CELL);
  const dark = new Uint8Array(width * height);
  for (let y = 0; y < image.height; y++) {
    const row = Math.floor(y / CELL) * width;
    for (let x = 0; x < image.width; x++) if (image.pixels[y * image.width + x] < DARK) dark[row + Math.floor(x / CELL)]++;
  }
  return { width, height, dark };
}

/**
 * Places with ink that none of `read` covers and that are shaped like text of the page's cap
 * height (not a speck, not a picture), each as a line-shaped box in the image's pixels, padded.
 */
export function missedText(mask: InkMask, read: readonly Rect[], cap: number): Rect[] {
  const { width, height } = mask;
  const inked = new Uint8Array(width * height);
  for (let i = 0; i < inked.length; i++) inked[i] = mask.dark[i] >= INKED ? 1 : 0;
  // A square round each word read, so its blurred edges are not taken for ink it missed.
  const margin = 1;
  for (const r of read) {
    const [x0, x1] = [Math.max(0, Math.floor(r.x0 / CELL) - margin), Math.min(width - 1, Math.ceil(r.x1 / CELL) + margin)];
    const [y0, y1] = [Math.max(0, Math.floor(r.y0 / CELL) - margin), Math.min(height - 1, Math.ceil(r.y1 / CELL) + margin)];
    for (let y = y0; y <= y1; y++) inked.fill(0, y * width + x0, y * width + x1 + 1);
  }
  // Letters of a word, and words of a cell, are joined across gaps narrower than a letter.
  const join = Math.max(1, Math.round((0.6 * cap) / CELL));
  const label = new Int32Array(width * height).fill(-1);
  const boxes: Array<{ x0: number; y0: number; x1: number; y1: number; ink: number }> = [];
  const stack: number[] = [];
  for (let start = 0; start < inked.length; start++) {
    if (!inked[start] || label[start] >= 0) continue;
    const box = { x0: width, y0: height, x1: 0, y1: 0, ink: 0 };
    label[start] = boxes.length;
    stack.push(start);
    while (stack.length) {
      const at = stack.pop()!;
      const x = at % width;
      const y = (at - x) / width;
      box.x0 = Math.min(box.x0, x);
      box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y);
      box.y1 = Math.max(box.y1, y);
      box.ink++;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        const reach = dy === 0 ? join : 1;
        for (let dx = -reach; dx <= reach; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (inked[next] && label[next] < 0) {
            label[next] = boxes.length;
            stack.push(next);
          }
        }
      }
    }
    boxes.push(box);
  }
  const capCells = cap / CELL;
  const pad = Math.round(0.5 * cap);
  // A place keeps the whole of the words it is part of: ink beside it that a word read nearby
  // covered is read again with it (the words already read are left out when the two are merged).
  const inkAt = (x: number, y0: number, y1: number) => {
    for (let y = y0; y <= y1; y++) if (mask.dark[y * width + x] >= INKED) return true;
    return false;
  };
  const widen = (b: (typeof boxes)[number]) => {
    let blank = 0;
    while (b.x0 - blank - 1 >= 0 && blank <= join) {
      if (inkAt(b.x0 - blank - 1, b.y0, b.y1)) [b.x0, blank] = [b.x0 - blank - 1, 0];
      else blank++;
    }
    blank = 0;
    while (b.x1 + blank + 1 < width && blank <= join) {
      if (inkAt(b.x1 + blank + 1, b.y0, b.y1)) [b.x1, blank] = [b.x1 + blank + 1, 0];
      else blank++;
    }
    return b;
  };
  return boxes
    .filter((b) => {
      const h = b.y1 - b.y0 + 1;
      const w = b.x1 - b.x0 + 1;
      return h >= 0.6 * capCells && h <= 2.2 * capCells && w >= 0.5 * capCells && b.ink >= 0.3 * capCells * capCells;
    })
    .map(widen)
    .map((b) => ({ x0: Math.max(0, b.x0 * CELL - pad), y0: Math.max(0, b.y0 * CELL - pad), x1: (b.x1 + 1) * CELL + pad, y1: (b.y1 + 1) * CELL + pad }));
}

/** `rect` of `image` as a PGM file, for tesseract. */
export function cropPgm(image: GrayImage, rect: Rect): Uint8Array {
  const x0 = Math.max(0, Math.floor(rect.x0));
  const y0 = Math.max(0, Math.floor(rect.y0));
  const x1 = Math.min(image.width, Math.ceil(rect.x1));
  const y1 = Math.min(image.height, Math.ceil(rect.y1));
  const header = new TextEncoder().encode(`P5\n${x1 - x0} ${y1 - y0}\n255\n`);
  const out = new Uint8Array(header.length + (x1 - x0) * (y1 - y0));
  out.set(header);
  for (let y = y0; y < y1; y++) out.set(image.pixels.subarray(y * image.width + x0, y * image.width + x1), header.length + (y - y0) * (x1 - x0));
  return out;
}

/** Tesseract's lines, out of its blocks and paragraphs. */
export const linesOf = (blocks: readonly Tesseract.Block[]): Tesseract.Line[] => blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines));

/** The height of the page's capitals, from its lines' baselines: the unit the places are sized in. */
export function capHeightOf(blocks: readonly Tesseract.Block[]): number {
  const heights = linesOf(blocks).map((l) => l.baseline.y0 - l.bbox.y0).filter((h) => h > 0);
  heights.sort((a, b) => a - b);
  return heights[heights.length >> 1] ?? 20;
}

/** Words read with no confidence at all in a place read again are noise. */
const MIN_REREAD_CONFIDENCE = 30;

/**
 * The page's words with those read again added, each read moved from its crop to the page. A word
 * read again over words the page pass read replaces them only if it is clearly longer (it read
 * letters they missed: "Lo" and "line" for "Longline"); otherwise the page pass's words stand.
 */
export function withReread(page: readonly Tesseract.Block[], reread: ReadonlyArray<{ at: Rect; blocks: Tesseract.Block[] }>): Tesseract.Block[] {
  const read = linesOf(page).flatMap((l) => l.words);
  const replaced = new Set<Tesseract.Word>();
  const added: Tesseract.Block[] = [];
  for (const { at, blocks } of reread) {
    const [dx, dy] = [Math.max(0, Math.floor(at.x0)), Math.max(0, Math.floor(at.y0))];
    for (const block of blocks) {
      for (const line of linesOf([block])) {
        for (const box of [line.bbox, line.baseline, ...line.words.map((w) => w.bbox)]) Object.assign(box, { x0: box.x0 + dx, x1: box.x1 + dx, y0: box.y0 + dy, y1: box.y1 + dy });
        line.words = line.words.filter((word) => {
          if (word.confidence < MIN_REREAD_CONFIDENCE) return false;
          const under = read.filter((w) => overlapShare(w.bbox, word.bbox) > 0.3);
          const covered = under.reduce((sum, w) => sum + w.bbox.x1 - w.bbox.x0, 0);
          if (under.length && covered * 1.25 > word.bbox.x1 - word.bbox.x0) return false;
          for (const w of under) replaced.add(w);
          return true;
        });
      }
      added.push(block);
    }
  }
  const kept = page.map((b) => ({ ...b, paragraphs: b.paragraphs.map((p) => ({ ...p, lines: p.lines.map((l) => ({ ...l, words: l.words.filter((w) => !replaced.has(w)) })) })) }));
  return [...kept, ...added];
}

/** How much of the smaller of two boxes the two share. */
function overlapShare(a: Tesseract.Bbox, b: Tesseract.Bbox): number {
  const shared = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  return shared / Math.max(1, Math.min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0)));
}
