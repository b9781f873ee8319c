/**
 * Every byte a PDF's streams inflate to is counted as it is produced, so a decompression bomb stops
 * at its budget instead of being measured after it has filled memory (a Worker has 128 MB).
 *
 * Two inflaters run here. Content streams are sized by fflate, fed a few kilobytes at a time: at
 * most ~1,000x that is ever held. Object and cross-reference streams are inflated inside pdf-lib
 * while it parses (PDFDocument.load, and the ranged reader's parsers), with no limit of its own;
 * every pdf-lib decoder grows its output through `DecodeStream.prototype.ensureBuffer`, so that
 * one method is wrapped to charge the budget of the parse that is running (AsyncLocalStorage:
 * documents in one isolate parse concurrently). pdf-lib swallows errors thrown while it parses an
 * object, so a spent budget also stays spent and is reported when the parse returns.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Unzlib } from "fflate";
import { decodePDFRawStream, PDFContext } from "pdf-lib";
import { InflateLimitError } from "./errors";

/**
 * What one object or cross-reference stream may inflate to. Real ones hold a few hundred objects
 * or a few hundred thousand xref rows: kilobytes to a few megabytes. pdf-lib holds a stream's
 * output in one buffer it doubles, so the peak is about 1.5 times this: well inside a Worker's
 * 128 MB, as the total across streams would not be.
 */
const STREAM_LIMIT = 16 * 1024 * 1024;

class Budget {
  private spent = 0;
  exceeded = false;
  constructor(readonly limit: number) {}

  /** `bytes` more output, in a stream that has then grown to `streamBytes`. */
  charge(bytes: number, streamBytes: number): void {
    this.spent += bytes;
    if (this.spent > this.limit || streamBytes > STREAM_LIMIT) this.exceeded = true;
    if (this.exceeded) throw this.error();
  }

  error(): InflateLimitError {
    return new InflateLimitError(`its object or cross-reference streams expand past ${Math.min(this.limit, STREAM_LIMIT)} bytes (a decompression bomb?)`);
  }
}

const budgets = new AsyncLocalStorage<Budget>();

/** Runs `parse` with everything pdf-lib inflates meanwhile counted against `limit` bytes in total. */
export async function withInflateBudget<T>(limit: number, parse: () => Promise<T>): Promise<T> {
  const budget = new Budget(limit);
  const result = await budgets.run(budget, parse).catch((error: unknown) => {
    throw budget.exceeded ? budget.error() : error;
  });
  if (budget.exceeded) throw budget.error();
  return result;
}

type Decoder = { buffer: Uint8Array; minBufferLength: number; ensureBuffer(requested: number): Uint8Array };
const decoderPrototype = Object.getPrototypeOf(Object.getPrototypeOf(decodePDFRawStream(PDFContext.create().flateStream(new Uint8Array(0))))) as Decoder;
if (typeof decoderPrototype.ensureBuffer !== "function") throw new Error("pdf-lib's DecodeStream changed: the inflate budget cannot be applied");
const ensureBuffer = decoderPrototype.ensureBuffer;
decoderPrototype.ensureBuffer = function (this: Decoder, requested: number): Uint8Array {
  if (requested > this.buffer.byteLength) {
    // Charged before it is allocated: the buffer pdf-lib is about to make (it doubles).
    let size = this.minBufferLength;
    while (size < requested) size *= 2;
    budgets.getStore()?.charge(size - this.buffer.byteLength, size);
  }
  return ensureBuffer.call(this, requested);
};

/** Input fed to the inflater per step: deflate expands at most ~1,032x, so ~4 MB out per step. */
const STEP = 4096;

/** How many bytes zlib data inflates to, counting no further than `cap` (and holding none of it). */
export function inflatedSize(encoded: Uint8Array, cap: number): number {
  let size = 0;
  const inflater = new Unzlib((chunk) => {
    size += chunk.byteLength;
  });
  try {
    for (let at = 0; at < encoded.byteLength && size < cap; at += STEP) {
      inflater.push(encoded.subarray(at, at + STEP), at + STEP >= encoded.byteLength);
    }
  } catch {
    // Corrupt data: PDFium decides what to do with it; it is not a bomb.
  }
  return size;
}
