import { EncryptedPDFError, PDFArray, PDFDocument, PDFRef, type PDFObject, type PDFPage } from "pdf-lib";
import { InflateLimitError, PdfError } from "./errors";
import { withInflateBudget } from "./inflate";
import { errorMessage } from "../lib/errors";

/**
 * Parses the whole file once; pages are then split out one at a time. What its object and
 * cross-reference streams inflate to is bounded by `maxInflateBytes`.
 */
export async function openPdf(bytes: Uint8Array, maxInflateBytes: number): Promise<PDFDocument> {
  let pdf: PDFDocument;
  let pages: number;
  try {
    pdf = await withInflateBudget(maxInflateBytes, () => PDFDocument.load(bytes, { updateMetadata: false }));
    pages = pdf.getPageCount(); // walks the page tree, which a damaged file may lack
  } catch (error) {
    if (error instanceof InflateLimitError) throw error;
    // pdf-lib's ES5 error classes lose their prototype (`Error.call` returns a plain Error), so
    // instanceof alone misses them: its message says it too.
    if (error instanceof EncryptedPDFError || (error instanceof Error && /is encrypted/.test(error.message))) {
      throw new PdfError("encrypted: password required", true);
    }
    throw new PdfError(`not a readable PDF: ${errorMessage(error)}`);
  }
  if (pages === 0) throw new PdfError("the PDF has no pages");
  return pdf;
}

/** A one-page PDF holding page `index` (0-based), so a renderer never sees the whole file. */
export async function extractPage(pdf: PDFDocument, index: number): Promise<Uint8Array> {
  const single = await PDFDocument.create({ updateMetadata: false });
  const [page] = await single.copyPages(pdf, [index]);
  single.addPage(page);
  return single.save({ useObjectStreams: false });
}

/** What a page's /Contents resolves to: one object, or each item of its array (streams, normally). */
export function pageContents(pdf: PDFDocument, page: PDFPage): Array<PDFObject | undefined> {
  const contents = page.node.Contents();
  const resolved = contents instanceof PDFRef ? pdf.context.lookup(contents) : contents;
  return resolved instanceof PDFArray ? resolved.asArray().map((item) => pdf.context.lookup(item)) : [resolved];
}
