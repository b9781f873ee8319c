/** A reason a PDF cannot be paged, worded for the person who uploaded it. */
export class PdfError extends Error {
  override name = "PdfError";
  constructor(
    message: string,
    /** Encrypted: pdf-lib cannot read it, PDFium may (with the empty user password). */
    readonly encrypted = false,
  ) {
    super(message);
  }
}

/**
 * A stream inflated past its budget: a decompression bomb, or a file too big to open here. Final:
 * no other reader is tried, since it would inflate the same streams.
 */
export class InflateLimitError extends PdfError {
  override name = "InflateLimitError";
}
