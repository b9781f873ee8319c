/**
 * paging: opens the PDF once to learn its pages and applies the uploader's page selection; a PDF
 * that cannot be opened, or is over the limits, fails the document with the reason.
 */
import { PdfError } from "../../../pdf/errors";
import { parsePageRanges, selectPages } from "../../../pdf/page-ranges";
import { now, stop, type DocumentWork, type Next } from "../work";

export async function countPages(work: DocumentWork): Promise<Next> {
  const doc = work.doc();
  let count: number;
  try {
    const source = await work.loadPdf();
    count = source.pageCount;
    source.close();
  } catch (error) {
    if (!(error instanceof PdfError)) throw error;
    work.moveDocument("failed", error.message);
    return stop;
  }
  const { pages, outside } = selectPages(doc.page_selection ? parsePageRanges(doc.page_selection) : null, count);
  if (outside.length) {
    work.moveDocument("failed", `pages ${outside.join(",")} are not in this ${count}-page document`);
    return stop;
  }
  work.store.addPages(pages, count, Date.now());
  work.moveDocument("ocr");
  return now;
}
