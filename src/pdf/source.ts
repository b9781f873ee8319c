/**
 * A PDF opened for paging, whatever it turned out to be: a large one read by byte ranges, one
 * page's objects at a time (./ranged.ts), so it is never in memory whole; a smaller one (or one the
 * ranged reader cannot follow) parsed whole by pdf-lib and split one page at a time; an encrypted
 * or damaged one opened by PDFium (with the empty user password) and rendered from the whole file. Limits are checked before any page is
 * rendered: too many pages fails the document, a page whose images or content would expand past
 * the limits fails that page, with the reason.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFStream, type PDFDocument } from "pdf-lib";
import { openPdf, pageContents } from "./document";
import { InflateLimitError, PdfError } from "./errors";
import { inflatedSize, withInflateBudget } from "./inflate";
import { pageImage, type PageImage } from "./page-image";
import { RangedPdf, type RangeReader } from "./ranged";
import { openWithPdfium, renderLoadedPage } from "./render";
import { errorMessage } from "../lib/errors";

export interface PdfLimits {
  maxPages: number;
  /** Pixels of the rendered page image; bigger pages are scaled down to fit. */
  maxPagePixels: number;
  /** Pixels of any one image embedded in a page. */
  maxImagePixels: number;
  /**
   * Bytes a page's content streams (its own and its forms') may expand to; also what the file's
   * object and cross-reference streams may expand to while it is opened, and while a page's
   * objects are read by ranges.
   */
  maxContentBytes: number;
  /** Files at least this big are read by ranges instead of whole. */
  rangedMinBytes?: number;
}

export interface PdfSource {
  readonly pageCount: number;
  /** Set when the file was encrypted (and opened with the empty user password). */
  readonly encrypted: boolean;
  /** Set when the file is read by ranges, a page at a time. */
  readonly ranged: boolean;
  /**
   * Page `index` (0-based) as the image the OCR model gets, and its text layer if `withText`;
   * PdfError names what is wrong with the page.
   */
  pageImage(index: number, dpi: number, withText?: boolean): Promise<PageImage>;
  close(): void;
}

/** Reads `bytes` as if by ranges: for files already in memory (tests, small uploads). */
export function bytesReader(bytes: Uint8Array): RangeReader {
  return { size: bytes.byteLength, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

export async function openSource(reader: RangeReader, limits: PdfLimits): Promise<PdfSource> {
  if (reader.size >= (limits.rangedMinBytes ?? Infinity)) {
    const ranged = await withInflateBudget(limits.maxContentBytes, () => RangedPdf.open(reader)).catch((error: unknown) => {
      // A bomb stays a bomb when read whole; anything else the whole-file readers may manage.
      if (error instanceof InflateLimitError) throw error;
      return null;
    });
    if (ranged) return rangedSource(ranged, limits);
  }
  return openWhole(await reader.read(0, reader.size), limits);
}

function rangedSource(ranged: RangedPdf, limits: PdfLimits): PdfSource {
  if (ranged.pageCount === 0) throw new PdfError("the PDF has no pages");
  assertPageCount(ranged.pageCount, limits);
  return {
    pageCount: ranged.pageCount,
    encrypted: false,
    ranged: true,
    pageImage: (index, dpi, withText = false) =>
      asPageError(async () => {
        const single = await withInflateBudget(limits.maxContentBytes, () => ranged.singlePage(index));
        const pdf = await openPdf(single, limits.maxContentBytes);
        assertPageWithinLimits(pdf, 0, limits);
        return pageImage(pdf, 0, dpi, { maxPixels: limits.maxPagePixels, withText }, single);
      }),
    close() {},
  };
}

async function openWhole(bytes: Uint8Array, limits: PdfLimits): Promise<PdfSource> {
  let pdf: PDFDocument;
  try {
    pdf = await openPdf(bytes, limits.maxContentBytes);
  } catch (error) {
    if (!(error instanceof PdfError) || error instanceof InflateLimitError) throw error;
    // Encrypted files pdf-lib cannot decrypt, and damaged ones it cannot parse (a lost xref table,
    // say), PDFium may open, as viewers do. If it cannot either, say why: its reason for an
    // encrypted file, pdf-lib's for a damaged one.
    try {
      return await openWholeWithPdfium(bytes, limits, error.encrypted);
    } catch (pdfiumError) {
      if (error.encrypted) throw pdfiumError instanceof PdfError ? pdfiumError : error;
      pdf = await openTruncated(bytes, limits).catch((repairError: unknown) => {
        throw repairError instanceof InflateLimitError ? repairError : error;
      });
    }
  }
  const pageCount = pdf.getPageCount();
  assertPageCount(pageCount, limits);
  return {
    pageCount,
    encrypted: false,
    ranged: false,
    pageImage: (index, dpi, withText = false) =>
      asPageError(async () => {
        assertPageWithinLimits(pdf, index, limits);
        return pageImage(pdf, index, dpi, { maxPixels: limits.maxPagePixels, withText });
      }),
    close() {},
  };
}

/**
 * A file cut off in transfer (no trailer, no cross-reference data, a last object half written), as
 * viewers repair it: everything up to the last complete object, which pdf-lib reads object by
 * object, finding the catalog without a trailer.
 */
async function openTruncated(bytes: Uint8Array, limits: PdfLimits): Promise<PDFDocument> {
  const end = lastIndexOf(bytes, ENDOBJ);
  if (end < 0) throw new PdfError("no complete object");
  return openPdf(bytes.subarray(0, end + ENDOBJ.length), limits.maxContentBytes);
}

const ENDOBJ = new TextEncoder().encode("endobj");

function lastIndexOf(bytes: Uint8Array, needle: Uint8Array): number {
  outer: for (let at = bytes.length - needle.length; at >= 0; at--) {
    for (let i = 0; i < needle.length; i++) if (bytes[at + i] !== needle[i]) continue outer;
    return at;
  }
  return -1;
}

/** Whatever goes wrong with one page is that page's reason, never an exception of the document. */
async function asPageError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PdfError) throw error;
    throw new PdfError(errorMessage(error));
  }
}

/** Encrypted (empty user password) or damaged files: PDFium reads the whole file and renders from it. */
async function openWholeWithPdfium(bytes: Uint8Array, limits: PdfLimits, encrypted: boolean): Promise<PdfSource> {
  const document = await openWithPdfium(bytes);
  const pageCount = document.getPageCount();
  if (pageCount === 0) {
    document.destroy();
    throw new PdfError("the PDF has no pages");
  }
  assertPageCount(pageCount, limits);
  return {
    pageCount,
    encrypted,
    ranged: false,
    pageImage: (index, dpi, withText = false) =>
      asPageError(async () => ({
        kind: "png" as const,
        ...(await renderLoadedPage(document.getPage(index), dpi, { maxPixels: limits.maxPagePixels, withText })),
      })),
    close() {
      document.destroy();
    },
  };
}

function assertPageCount(count: number, limits: PdfLimits): void {
  if (count > limits.maxPages) throw new PdfError(`too many pages: ${count} (the limit is ${limits.maxPages})`);
}

/** Cheap checks, before PDFium spends memory on a page built to exhaust it. */
function assertPageWithinLimits(pdf: PDFDocument, index: number, limits: PdfLimits): void {
  const page = pdf.getPage(index);
  const { width, height } = page.getMediaBox();
  if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) {
    throw new PdfError("the page has no usable size");
  }
  let contentBytes = 0;
  const charge = (stream: PDFRawStream) => {
    contentBytes += expandedSize(stream, limits.maxContentBytes - contentBytes + 1);
    if (contentBytes > limits.maxContentBytes) {
      throw new PdfError(`its content expands past ${limits.maxContentBytes} bytes (a decompression bomb?)`);
    }
  };
  for (const stream of pageContents(pdf, page)) if (stream instanceof PDFRawStream) charge(stream);
  walkXObjects(pdf, page.node.Resources(), 0, (name, stream) => {
    if (stream.dict.lookup(PDFName.of("Subtype")) === PDFName.of("Form")) {
      if (stream instanceof PDFRawStream) charge(stream);
      return;
    }
    const dict = stream.dict;
    const w = dict.lookupMaybe(PDFName.of("Width"), PDFNumber)?.asNumber() ?? 0;
    const h = dict.lookupMaybe(PDFName.of("Height"), PDFNumber)?.asNumber() ?? 0;
    if (w * h > limits.maxImagePixels) {
      throw new PdfError(`image ${name} is ${w} x ${h} pixels, over the limit of ${limits.maxImagePixels}`);
    }
  });
}

/** Images and forms (each visited; forms also walked for their own resources) of a resource dictionary. */
function walkXObjects(pdf: PDFDocument, resources: PDFDict | undefined, depth: number, visit: (name: string, image: PDFStream) => void): void {
  if (!resources || depth > 8) return;
  const xobjects = resources.lookupMaybe(PDFName.of("XObject"), PDFDict);
  if (!xobjects) return;
  for (const [name, ref] of xobjects.entries()) {
    const stream = pdf.context.lookup(ref);
    if (!(stream instanceof PDFStream)) continue;
    const subtype = stream.dict.lookup(PDFName.of("Subtype"));
    if (subtype === PDFName.of("Image")) visit(name.asString(), stream);
    else if (subtype === PDFName.of("Form")) {
      visit(name.asString(), stream);
      walkXObjects(pdf, stream.dict.lookupMaybe(PDFName.of("Resources"), PDFDict), depth + 1, visit);
    }
  }
}

/** How many bytes a content stream decodes to, counting no further than `cap`. */
function expandedSize(stream: PDFRawStream, cap: number): number {
  const encoded = stream.getContents();
  const filter = stream.dict.lookup(PDFName.of("Filter"));
  const flate = filter === PDFName.of("FlateDecode") || (filter instanceof PDFArray && filter.lookup(0) === PDFName.of("FlateDecode"));
  return flate ? inflatedSize(encoded, cap) : encoded.byteLength;
}
