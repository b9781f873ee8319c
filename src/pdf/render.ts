import { PDFiumLibrary, type PDFiumDocument, type PDFiumPage } from "@hyzyla/pdfium";
import pdfiumWasm from "@hyzyla/pdfium/pdfium.wasm";
import { encode } from "fast-png";
import { groundedMarkdown } from "../layout/grounded";
import type { Rect } from "../layout/geometry";
import { layoutPage } from "../layout/page";
import { PdfError } from "./errors";
import { readTextLayer, type TextLayer } from "./text-layer";
import { judgeTextLayer } from "./text-layer-check";
import { errorMessage } from "../lib/errors";

export interface RenderedPage {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Share of pixels darker than mid-gray: near 0 on a blank page. */
  inkRatio: number;
  /** The page's own text as grounded markdown, when asked for and worth using. */
  textLayer: string | null;
  /** When the text layer was asked for but not used: why (shown on the page). */
  textLayerRejected: string | null;
}

export interface RenderOptions {
  maxPixels?: number;
  /** Read the page's text layer too. */
  withText?: boolean;
}

/** Longest side worth rendering, whatever the page's shape. */
const MAX_SIDE_PX = 4096;
/** Pixels the OCR model gains anything from (DeepSeek-OCR tiles at 1024-1280 px); see MAX_PAGE_PIXELS. */
export const DEFAULT_MAX_PIXELS = 8_000_000;

let library: Promise<PDFiumLibrary> | undefined;

/**
 * One render at a time in the whole isolate: documents sharing it (and the pages of one document)
 * take turns, so PDFium's memory holds one page's bitmap however many documents page at once.
 * Each turn starts on a fresh task: a render holds the thread for tens of milliseconds, and what
 * was sent before it (a transition to subscribers, a request to the GPU) goes out first.
 */
let renderTurn: Promise<unknown> = Promise.resolve();
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = renderTurn.then(nextTask).then(work);
  renderTurn = result.catch(() => undefined);
  return result;
}

function pdfium(): Promise<PDFiumLibrary> {
  // workerd cannot fetch or compile wasm at run time: hand PDFium the module bundled with the Worker.
  library ??= PDFiumLibrary.init({
    instantiateWasm(imports, receiveInstance) {
      const instance = new WebAssembly.Instance(pdfiumWasm, imports);
      (receiveInstance as unknown as (instance: WebAssembly.Instance) => void)(instance);
      return instance.exports;
    },
  }).catch((error: unknown) => {
    library = undefined;
    throw error;
  });
  return library;
}

/** Bytes of WASM memory PDFium holds (it only grows): the renderer's share of the isolate. */
export async function pdfiumMemoryBytes(): Promise<number> {
  const lib = (await pdfium()) as unknown as { module: { HEAPU8: Uint8Array } };
  return lib.module.HEAPU8.byteLength;
}

/** Opens a whole PDF in PDFium (used for encrypted files, which pdf-lib cannot split). */
export async function openWithPdfium(bytes: Uint8Array, password = ""): Promise<PDFiumDocument> {
  const lib = await pdfium();
  try {
    return await lib.loadDocument(bytes, password);
  } catch (error) {
    const reason = errorMessage(error);
    if (/password/i.test(reason)) throw new PdfError("encrypted: password required");
    if (/security/i.test(reason)) throw new PdfError("encrypted: unsupported security handler");
    throw new PdfError(`not a readable PDF: ${reason}`);
  }
}

/** Renders the first page of a one-page PDF to an 8-bit gray PNG at `dpi`. */
export async function renderPage(singlePagePdf: Uint8Array, dpi: number, options: RenderOptions = {}): Promise<RenderedPage> {
  const lib = await pdfium();
  let document;
  try {
    document = await lib.loadDocument(singlePagePdf);
  } catch (error) {
    throw new PdfError(`page could not be opened for rendering: ${errorMessage(error)}`);
  }
  try {
    return await renderLoadedPage(document.getPage(0), dpi, options);
  } finally {
    document.destroy();
  }
}

/**
 * Renders a page at `dpi`, scaled down where that would exceed `maxPixels` or the longest useful
 * side, so an absurd page size costs no more than a normal one.
 */
export function renderLoadedPage(page: PDFiumPage, dpi: number, options: RenderOptions = {}): Promise<RenderedPage> {
  return oneAtATime(() => renderNow(page, dpi, options));
}

async function renderNow(page: PDFiumPage, dpi: number, { maxPixels = DEFAULT_MAX_PIXELS, withText = false }: RenderOptions): Promise<RenderedPage> {
  const { originalWidth, originalHeight } = page.getOriginalSize();
  if (!(originalWidth > 0 && originalHeight > 0)) throw new PdfError("the page has no usable size");
  const scale = Math.min(
    dpi / 72,
    MAX_SIDE_PX / Math.max(originalWidth, originalHeight),
    Math.sqrt(maxPixels / (originalWidth * originalHeight)),
  );
  if (Math.floor(originalWidth * scale) < 1 || Math.floor(originalHeight * scale) < 1) {
    throw new PdfError(`the page is ${Math.round(originalWidth)} x ${Math.round(originalHeight)} pt, too thin to render`);
  }
  const layer = withText ? readTextLayerSafely(page) : null;
  let inkRatio = 0;
  let verdict: ReturnType<typeof judgeTextLayer> | null = null;
  const rendered = await page.render({
    scale,
    colorSpace: "Gray",
    render: async ({ data, width, height }) => {
      inkRatio = darkShare(data);
      // The pixels are at hand only now: an invisible OCR layer is checked against them here.
      if (withText) verdict = judgeTextLayer(layer, (rect) => darkShareIn(data, width, height, rect, width / originalWidth));
      return encode({ width, height, data, channels: 1, depth: 8 });
    },
  });
  const checked = verdict as ReturnType<typeof judgeTextLayer> | null;
  return {
    bytes: rendered.data,
    width: rendered.width,
    height: rendered.height,
    inkRatio,
    textLayer: checked?.usable && layer ? textLayerMarkdown(layer) : null,
    textLayerRejected: checked && !checked.usable ? checked.reason : null,
  };
}

/** A text layer PDFium cannot read is no text layer: the page goes to OCR. */
function readTextLayerSafely(page: PDFiumPage): TextLayer | null {
  try {
    return readTextLayer(page);
  } catch {
    return null;
  }
}

/** The text layer as the OCR model would have written the page: blocks, tables, boxes. */
export function textLayerMarkdown(layer: TextLayer): string {
  const blocks = layoutPage({ words: layer.words, rulings: layer.rulings });
  return groundedMarkdown(blocks, { imageWidth: layer.display.width, imageHeight: layer.display.height, toImage: layer.toDisplay });
}

function darkShare(gray: Uint8Array): number {
  let dark = 0;
  for (let i = 0; i < gray.length; i++) if (gray[i] < 128) dark++;
  return gray.length ? dark / gray.length : 0;
}

/** Share of dark pixels inside a rectangle of the displayed page (points), `scale` pixels a point. */
function darkShareIn(gray: Uint8Array, width: number, height: number, rect: Rect, scale: number): number {
  const x0 = Math.max(0, Math.floor(rect.x0 * scale));
  const x1 = Math.min(width, Math.ceil(rect.x1 * scale));
  const y0 = Math.max(0, Math.floor(rect.y0 * scale));
  const y1 = Math.min(height, Math.ceil(rect.y1 * scale));
  let dark = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (gray[y * width + x] < 128) dark++;
  const area = (x1 - x0) * (y1 - y0);
  return area > 0 ? dark / area : 0;
}
