import { PDFiumLibrary, type PDFiumDocument, type PDFiumPage } from "@hyzyla/pdfium";
import pdfiumWasm from "@hyzyla/pdfium/pdfium.wasm";
import { encode } from "fast-png";
import { PdfError } from "./document";
import { textLayer } from "./text-layer";

export interface RenderedPage {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Share of pixels darker than mid-gray: near 0 on a blank page. */
  inkRatio: number;
  /** The page's own text as grounded markdown, when asked for and worth using. */
  textLayer: string | null;
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
 */
let renderTurn: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = renderTurn.then(work);
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
    const reason = error instanceof Error ? error.message : String(error);
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
    throw new PdfError(`page could not be opened for rendering: ${error instanceof Error ? error.message : String(error)}`);
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
  const layer = withText ? textLayer(page) : null;
  let inkRatio = 0;
  const rendered = await page.render({
    scale,
    colorSpace: "Gray",
    render: async ({ data, width, height }) => {
      inkRatio = darkShare(data);
      return encode({ width, height, data, channels: 1, depth: 8 });
    },
  });
  return { bytes: rendered.data, width: rendered.width, height: rendered.height, inkRatio, textLayer: layer };
}
function darkShare(gray: Uint8Array): number {
  let dark = 0;
  for (let i = 0; i < gray.length; i++) if (gray[i] < 128) dark++;
  return gray.length ? dark / gray.length : 0;
}
