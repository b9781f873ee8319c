import type { PDFDocument } from "pdf-lib";
import { extractPage } from "./document";
import { fullPageJpeg } from "./jpeg-passthrough";
import { renderPage, type RenderOptions } from "./render";

export type PageImageKind = "png" | "jpeg";

export interface PageImage {
  kind: PageImageKind;
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Share of dark pixels; a blank page is not worth GPU time. */
  inkRatio: number;
  /** The page's own text as grounded markdown, when asked for and usable (born-digital pages). */
  textLayer: string | null;
  /** When the text layer was asked for but not used: why. */
  textLayerRejected: string | null;
}

/** Below this share of dark pixels a page has nothing to read (a lone page number has ~0.0002). */
export const BLANK_INK_RATIO = 0.00005;

/** Resolution of the thumbnail that measures ink on a passed-through scan. */
const THUMBNAIL_DPI = 24;
/** Resolution it takes to tell whether a scan's invisible OCR text sits on its ink. */
const TEXT_CHECK_DPI = 72;

export const mediaTypes: Record<PageImageKind, string> = { png: "image/png", jpeg: "image/jpeg" };

/**
 * The image the OCR model gets for page `index` (0-based): the scan itself when possible.
 * `singlePage`: the bytes of `pdf` when it already is that one page, so it is not split out again.
 */
export async function pageImage(
  pdf: PDFDocument,
  index: number,
  dpi: number,
  options: RenderOptions = {},
  singlePage?: Uint8Array,
): Promise<PageImage> {
  const jpeg = fullPageJpeg(pdf, index);
  const single = singlePage ?? (await extractPage(pdf, index));
  if (jpeg) {
    const { inkRatio, textLayer, textLayerRejected } = await renderPage(single, options.withText ? TEXT_CHECK_DPI : THUMBNAIL_DPI, { withText: options.withText });
    return { kind: "jpeg", ...jpeg, inkRatio, textLayer, textLayerRejected };
  }
  return { kind: "png", ...(await renderPage(single, dpi, options)) };
}
