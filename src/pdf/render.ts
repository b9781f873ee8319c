import { PDFiumLibrary } from "@hyzyla/pdfium";
import pdfiumWasm from "@hyzyla/pdfium/pdfium.wasm";
import { encode } from "fast-png";
import { PdfError } from "./document";

export interface RenderedPage {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Share of pixels darker than mid-gray: near 0 on a blank page. */
  inkRatio: number;
}

/** Longest side the OCR model gains anything from; bigger pages are scaled down to it. */
const MAX_SIDE_PX = 2560;

let library: Promise<PDFiumLibrary> | undefined;

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

/** Renders the first page of a one-page PDF to an 8-bit gray PNG at `dpi`. */
export async function renderPage(singlePagePdf: Uint8Array, dpi: number): Promise<RenderedPage> {
  const lib = await pdfium();
  let document;
  try {
    document = await lib.loadDocument(singlePagePdf);
  } catch (error) {
    throw new PdfError(`page could not be opened for rendering: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const page = document.getPage(0);
    const { originalWidth, originalHeight } = page.getOriginalSize();
    const scale = Math.min(dpi / 72, MAX_SIDE_PX / Math.max(originalWidth, originalHeight, 1));
    let inkRatio = 0;
    const rendered = await page.render({
      scale,
      colorSpace: "Gray",
      render: async ({ data, width, height }) => {
        inkRatio = darkShare(data);
        return encode({ width, height, data, channels: 1, depth: 8 });
      },
    });
    return { bytes: rendered.data, width: rendered.width, height: rendered.height, inkRatio };
  } finally {
    document.destroy();
  }
}

function darkShare(gray: Uint8Array): number {
  let dark = 0;
  for (let i = 0; i < gray.length; i++) if (gray[i] < 128) dark++;
  return gray.length ? dark / gray.length : 0;
}
