import type { PDFDocument } from "pdf-lib";
import { extractPage } from "./document";
import { fullPageJpeg } from "./jpeg-passthrough";
import { renderPage } from "./render";

export type PageImageKind = "png" | "jpeg";

export interface PageImage {
  kind: PageImageKind;
  bytes: Uint8Array;
  width: number;
  height: number;
}

export const mediaTypes: Record<PageImageKind, string> = { png: "image/png", jpeg: "image/jpeg" };

/** The image the OCR model gets for page `index` (0-based): the scan itself when possible. */
export async function pageImage(pdf: PDFDocument, index: number, dpi: number): Promise<PageImage> {
  const jpeg = fullPageJpeg(pdf, index);
  if (jpeg) return { kind: "jpeg", ...jpeg };
  const rendered = await renderPage(await extractPage(pdf, index), dpi);
  return { kind: "png", ...rendered };
}
