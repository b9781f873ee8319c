/**
 * A born-digital PDF as it comes back from a scanner: each page rendered at the scanner's
 * resolution, turned by a small angle, blurred, speckled with noise and saved as a JPEG, then put
 * back into a PDF one full-page image per page (as scanners write them).
 */
import { PDFiumLibrary } from "@hyzyla/pdfium";
import jpeg from "jpeg-js";
import { PDFDocument } from "pdf-lib";

export interface ScanOptions {
  dpi: number;
  /** Degrees, clockwise. */
  skew: number;
  /** Box-blur radius in pixels (0 = sharp). */
  blur: number;
  /** Standard deviation of the gray noise, 0..255. */
  noise: number;
  quality: number;
  seed: number;
}

let library: Promise<PDFiumLibrary> | undefined;

export async function scanPdf(pdf: Uint8Array, options: ScanOptions): Promise<Uint8Array> {
  const lib = await (library ??= PDFiumLibrary.init());
  const source = await lib.loadDocument(pdf);
  const out = await PDFDocument.create();
  const random = gaussian(options.seed);
  try {
    for (let i = 0; i < source.getPageCount(); i++) {
      const page = source.getPage(i);
      const { originalWidth, originalHeight } = page.getOriginalSize();
      const rendered = await page.render({ scale: options.dpi / 72, colorSpace: "Gray", render: async ({ data, width, height }) => Object.assign(data.slice(), { width, height }) });
      const gray = rendered.data as Uint8Array;
      let pixels = rotate(gray, rendered.width, rendered.height, (options.skew * Math.PI) / 180);
      if (options.blur > 0) pixels = boxBlur(pixels, rendered.width, rendered.height, options.blur);
      const rgba = new Uint8Array(rendered.width * rendered.height * 4);
      for (let p = 0; p < pixels.length; p++) {
        const v = Math.max(0, Math.min(255, pixels[p] + random() * options.noise));
        rgba[p * 4] = rgba[p * 4 + 1] = rgba[p * 4 + 2] = v;
        rgba[p * 4 + 3] = 255;
      }
      const encoded = jpeg.encode({ data: rgba, width: rendered.width, height: rendered.height }, options.quality).data;
      const image = await out.embedJpg(encoded);
      const target = out.addPage([originalWidth, originalHeight]);
      target.drawImage(image, { x: 0, y: 0, width: originalWidth, height: originalHeight });
    }
  } finally {
    source.destroy();
  }
  return out.save();
}

/** Turns the image about its centre by `angle` radians (bilinear), filling with white. */
function rotate(gray: Uint8Array, width: number, height: number, angle: number): Uint8Array {
  if (!angle) return gray;
  const out = new Uint8Array(gray.length).fill(255);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = cos * (x - cx) + sin * (y - cy) + cx;
      const sy = -sin * (x - cx) + cos * (y - cy) + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xx: number, yy: number) => gray[yy * width + xx];
      out[y * width + x] = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  return out;
}

function boxBlur(gray: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const pass = (src: Uint8Array, horizontal: boolean) => {
    const dst = new Uint8Array(src.length);
    const [outer, inner] = horizontal ? [height, width] : [width, height];
    for (let o = 0; o < outer; o++) {
      let sum = 0;
      const index = (i: number) => (horizontal ? o * width + i : i * width + o);
      for (let i = -radius; i <= radius; i++) sum += src[index(Math.min(inner - 1, Math.max(0, i)))];
      for (let i = 0; i < inner; i++) {
        dst[index(i)] = sum / (2 * radius + 1);
        sum += src[index(Math.min(inner - 1, i + radius + 1))] - src[index(Math.max(0, i - radius))];
      }
    }
    return dst;
  };
  return pass(pass(gray, true), false);
}

/** Standard normal noise from a seed (Box-Muller over an LCG). */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 1) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
