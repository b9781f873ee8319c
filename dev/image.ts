/** Decodes the page images the Worker sends (PNG or JPEG) to 8-bit gray pixels. */
import { decode as decodePng } from "fast-png";
import jpeg from "jpeg-js";

export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function decodeImage(mediaType: string, bytes: Uint8Array): GrayImage {
  if (mediaType === "image/png") {
    const png = decodePng(bytes);
    const channels = png.channels;
    const source = png.data;
    const pixels = new Uint8Array(png.width * png.height);
    const scale = png.depth === 16 ? 257 : 1;
    for (let i = 0; i < pixels.length; i++) {
      const at = i * channels;
      pixels[i] = channels >= 3 ? (source[at] + source[at + 1] + source[at + 2]) / 3 / scale : source[at] / scale;
    }
    return { width: png.width, height: png.height, pixels };
  }
  if (mediaType === "image/jpeg") {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    const pixels = new Uint8Array(decoded.width * decoded.height);
    for (let i = 0; i < pixels.length; i++) {
      pixels[i] = (decoded.data[i * 4] + decoded.data[i * 4 + 1] + decoded.data[i * 4 + 2]) / 3;
    }
    return { width: decoded.width, height: decoded.height, pixels };
  }
  throw new Error(`cannot decode ${mediaType}`);
}

export interface InkBand {
  top: number;
  bottom: number;
  left: number;
  right: number;
  ink: number;
}

/** Horizontal bands of dark pixels (text lines and table rows), merged across small gaps. */
export function inkBands(image: GrayImage, threshold = 128, gap = 6): InkBand[] {
  const { width, height, pixels } = image;
  const bands: InkBand[] = [];
  let current: InkBand | null = null;
  let blankRun = 0;
  for (let y = 0; y < height; y++) {
    let left = -1;
    let right = -1;
    let ink = 0;
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] < threshold) {
        if (left < 0) left = x;
        right = x;
        ink++;
      }
    }
    if (ink === 0) {
      if (current && ++blankRun > gap) {
        bands.push(current);
        current = null;
      }
      continue;
    }
    blankRun = 0;
    if (!current) current = { top: y, bottom: y, left, right, ink };
    else {
      current.bottom = y;
      current.left = Math.min(current.left, left);
      current.right = Math.max(current.right, right);
      current.ink += ink;
    }
  }
  if (current) bands.push(current);
  return bands;
}
