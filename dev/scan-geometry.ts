/**
 * What the local OCR engine does to a scan before tesseract reads it: find which way up it is and
 * how far it is turned (projection profiles: lines of text make the row sums of ink vary most when
 * they run straight across), then turn it straight and enlarge small type in one resampling pass.
 * The transform is kept, so the boxes tesseract finds map back onto the image the Worker sent.
 */
import type { GrayImage } from "./image.ts";

/** How a straightened image lies over the original: plain numbers, so they cross a thread. */
export interface Geometry {
  sourceWidth: number;
  sourceHeight: number;
  skew: number;
  quarterTurns: number;
  scale: number;
}

export interface Straightened {
  image: GrayImage;
  geometry: Geometry;
}

/** From the straightened image back to the original one. */
export function toOriginalOf({ sourceWidth, sourceHeight, skew, quarterTurns, scale }: Geometry): (x: number, y: number) => [number, number] {
  const [w0, h0] = quarterTurns % 2 === 1 ? [sourceHeight, sourceWidth] : [sourceWidth, sourceHeight];
  const cos = Math.cos(skew);
  const sin = Math.sin(skew);
  return (x, y) => {
    const ux = x / scale - w0 / 2;
    const uy = y / scale - h0 / 2;
    const rx = cos * ux - sin * uy + w0 / 2;
    const ry = sin * ux + cos * uy + h0 / 2;
    switch (((quarterTurns % 4) + 4) % 4) {
      case 1:
        return [ry, sourceHeight - rx];
      case 2:
        return [sourceWidth - rx, sourceHeight - ry];
      case 3:
        return [sourceWidth - ry, rx];
      default:
        return [rx, ry];
    }
  };
}

/** Width of the thumbnail the angle is measured on. */
const PROBE_WIDTH = 700;
/**
 * The resolution a page is enlarged to, if it was scanned at less. On the tuning scans 300 read
 * best: 400 read 2% fewer table cells right (enlarging a blurred scan adds no detail, and
 * tesseract's reads of it get worse), 200 and 250 about 0.5% fewer.
 */
const TARGET_DPI = 300;
const A4_LONG_SIDE_INCHES = 11.69;
/** The most pixels an enlarged page may have (bounds tesseract's time and memory). */
const MAX_PIXELS = 16_000_000;

/**
 * Which way the page is turned, and how far its text is skewed (radians, clockwise positive,
 * within ±4°, measured once it is turned upright): both measured on a small copy, so cheaply.
 */
export function measureOrientation(image: GrayImage): { sideways: boolean; skewFor(quarterTurns: number): number } {
  const factor = Math.min(1, PROBE_WIDTH / image.width);
  const probe = shrink(image, factor);
  const sideways = profileVariance(probe, 0, true) > 2.5 * Math.max(profileVariance(probe, 0, false), 1e-9);
  return {
    sideways,
    skewFor: (quarterTurns) => {
      let turned = probe;
      for (let i = 0; i < quarterTurns % 4; i++) turned = turnQuarter(turned);
      return bestSkew(turned);
    },
  };
}

function bestSkew(probe: GrayImage): number {
  let best = 0;
  let bestScore = -1;
  for (let degrees = -4; degrees <= 4.001; degrees += 0.1) {
    const value = profileVariance(probe, (degrees * Math.PI) / 180, false);
    if (value > bestScore) [best, bestScore] = [(degrees * Math.PI) / 180, value];
  }
  return best;
}

/** The probe turned a quarter clockwise. */
function turnQuarter(image: GrayImage): GrayImage {
  const { width, height, pixels } = image;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + (height - 1 - y)] = pixels[y * width + x];
  return { width: height, height: width, pixels: out };
}

/**
 * The image turned by `quarterTurns` (clockwise) and `-skew`, enlarged to about TARGET_DPI if it
 * is a page (its long side an A4's): tesseract misses small type at 200 dpi. Never shrunk, at
 * most three times, at most MAX_PIXELS.
 */
export function straighten(image: GrayImage, skew: number, quarterTurns: number): Straightened {
  const turned = quarterTurns % 2 === 1;
  const [w0, h0] = turned ? [image.height, image.width] : [image.width, image.height];
  const dpi = Math.max(w0, h0) / A4_LONG_SIDE_INCHES;
  const scale = Math.max(1, Math.min(3, TARGET_DPI / dpi, Math.sqrt(MAX_PIXELS / (w0 * h0))));
  const width = Math.round(w0 * scale);
  const height = Math.round(h0 * scale);
  const geometry: Geometry = { sourceWidth: image.width, sourceHeight: image.height, skew, quarterTurns, scale };
  const toOriginal = toOriginalOf(geometry);
  const pixels = new Uint8Array(width * height);
  const src = image.pixels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = toOriginal(x, y);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= image.width || y0 + 1 >= image.height) {
        pixels[y * width + x] = 255;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * image.width + x0;
      const top = src[i] * (1 - fx) + src[i + 1] * fx;
      const bottom = src[i + image.width] * (1 - fx) + src[i + image.width + 1] * fx;
      pixels[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { image: { width, height, pixels }, geometry };
}

function shrink(image: GrayImage, factor: number): GrayImage {
  if (factor >= 1) return image;
  const width = Math.max(1, Math.round(image.width * factor));
  const height = Math.max(1, Math.round(image.height * factor));
  const pixels = new Uint8Array(width * height);
  const step = 1 / factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // The darkest pixel of the block keeps thin strokes visible after shrinking.
      let min = 255;
      for (let dy = 0; dy < step; dy += 1) for (let dx = 0; dx < step; dx += 1) min = Math.min(min, image.pixels[Math.floor(y * step + dy) * image.width + Math.floor(x * step + dx)] ?? 255);
      pixels[y * width + x] = min;
    }
  }
  return { width, height, pixels };
}

/** Variance of the ink per row (or column) after shearing by `angle`: high when text lines are straight. */
function profileVariance(image: GrayImage, angle: number, vertical: boolean): number {
  const { width, height, pixels } = image;
  const tan = Math.tan(angle);
  const bins = new Float64Array(vertical ? width : height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] >= 128) continue;
      const bin = vertical ? Math.round(x + y * tan) : Math.round(y - x * tan);
      if (bin >= 0 && bin < bins.length) bins[bin]++;
    }
  }
  let sum = 0;
  let squares = 0;
  for (const v of bins) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / bins.length;
  return squares / bins.length - mean * mean;
}

/**
 * Evens out the paper: each pixel divided by the paper's brightness around it, so text on a shaded
 * band (a table's header, striped rows) is as dark against its background as text on white paper
 * (tesseract skips a shaded band as a picture). The paper is the image with its ink closed over
 * (a maximum, then a minimum, over a window wider than a stroke), on a copy four times smaller.
 */
export function flattenBackground(image: GrayImage): void {
  const { width, height, pixels } = image;
  const f = 4;
  const sw = Math.ceil(width / f);
  const sh = Math.ceil(height / f);
  let small: Uint8Array = new Uint8Array(sw * sh);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * sw;
    for (let x = 0; x < width; x++) {
      const i = row + Math.floor(x / f);
      if (pixels[y * width + x] > small[i]) small[i] = pixels[y * width + x];
    }
  }
  const window = 7;
  small = slide(slide(small, sw, sh, window, Math.max), sw, sh, window, Math.min);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * sw;
    for (let x = 0; x < width; x++) {
      const paper = Math.max(96, small[row + Math.floor(x / f)]);
      pixels[y * width + x] = Math.min(255, (pixels[y * width + x] * 255) / paper);
    }
  }
}

/** `pick` (max or min) over a square window, as two passes (rows, then columns). */
function slide(src: Uint8Array, width: number, height: number, window: number, pick: (...values: number[]) => number): Uint8Array {
  const half = window >> 1;
  const rows = new Uint8Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = src[y * width + x];
      for (let d = -half; d <= half; d++) if (x + d >= 0 && x + d < width) v = pick(v, src[y * width + x + d]);
      rows[y * width + x] = v;
    }
  }
  const out = new Uint8Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = rows[y * width + x];
      for (let d = -half; d <= half; d++) if (y + d >= 0 && y + d < height) v = pick(v, rows[(y + d) * width + x]);
      out[y * width + x] = v;
    }
  }
  return out;
}
