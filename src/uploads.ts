/**
 * Streams an upload into R2 without holding it in memory: small files go up in one put, larger ones
 * as a multipart upload of fixed-size parts (R2 wants every part but the last the same size). The
 * SHA-256 is computed on the way through, and the first bytes are checked before anything is stored.
 * A replayed upload is only hashed, under the same limits, to be compared with the first.
 */
import { concat, hex } from "./lib/bytes";

export class UploadRejected extends Error {
  override name = "UploadRejected";
  constructor(
    readonly status: 400 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export interface StoredUpload {
  bytes: number;
  sha256: string;
}

export interface ReadOptions {
  maxBytes: number;
  /** Longest wait for the next chunk: a slow drip is cut off, not waited on forever. */
  idleTimeoutMs: number;
  /** Longest time the whole upload may take. */
  totalTimeoutMs: number;
  /** Called once with at least the first `headBytes` bytes (or the whole body if shorter). */
  checkHead: (head: Uint8Array) => void;
  headBytes?: number;
}

export interface StoreOptions extends ReadOptions {
  partBytes?: number;
  put?: R2PutOptions;
}

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export async function storeUpload(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  options: StoreOptions,
): Promise<StoredUpload> {
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let multipart: R2MultipartUpload | undefined;
  const parts: R2UploadedPart[] = [];

  const takePart = (): Uint8Array => {
    const all = concat(pending, pendingBytes);
    const part = all.subarray(0, partBytes);
    const rest = all.subarray(partBytes);
    pending = rest.byteLength ? [rest] : [];
    pendingBytes = rest.byteLength;
    return part;
  };

  try {
    const stored = await readUpload(body, options, async (chunk) => {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      while (pendingBytes >= partBytes) {
        multipart ??= await bucket.createMultipartUpload(key, options.put);
        parts.push(await multipart.uploadPart(parts.length + 1, takePart()));
      }
    });
    if (multipart) {
      if (pendingBytes > 0) parts.push(await multipart.uploadPart(parts.length + 1, takePart()));
      await multipart.complete(parts);
    } else {
      await bucket.put(key, concat(pending, pendingBytes), options.put);
    }
    return stored;
  } catch (error) {
    await multipart?.abort().catch(() => undefined);
    throw error;
  }
}

/** The size and SHA-256 of an upload, read under the same limits, keeping none of it. */
export function hashUpload(body: ReadableStream<Uint8Array>, options: ReadOptions): Promise<StoredUpload> {
  return readUpload(body, options, async () => undefined);
}

/**
 * Reads the body chunk by chunk into `take`, hashing it on the way: cut off when too big, stalled
 * or too slow, and its head checked before any of it is taken.
 */
async function readUpload(
  body: ReadableStream<Uint8Array>,
  options: ReadOptions,
  take: (chunk: Uint8Array) => Promise<void>,
): Promise<StoredUpload> {
  const headBytes = options.headBytes ?? 1024;
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const reader = body.getReader();
  let head: Uint8Array[] | null = [];
  let headLength = 0;
  let total = 0;

  const deadline = Date.now() + options.totalTimeoutMs;
  const nextChunk = async () => {
    const wait = Math.min(options.idleTimeoutMs, Math.max(0, deadline - Date.now()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const total = Date.now() >= deadline;
        reject(
          new UploadRejected(
            408,
            total ? `upload took longer than ${options.totalTimeoutMs} ms` : `upload stalled: no data for ${options.idleTimeoutMs} ms`,
          ),
        );
      }, wait);
    });
    try {
      return await Promise.race([reader.read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  /** The first bytes are held back until the head is checked, then passed on. */
  const checkHead = async () => {
    if (!head) return;
    options.checkHead(concat(head, headLength));
    const held = head;
    head = null;
    for (const chunk of held) await take(chunk);
  };

  try {
    for (;;) {
      const { done, value } = await nextChunk();
      if (done) break;
      total += value.byteLength;
      if (total > options.maxBytes) {
        throw new UploadRejected(413, `file is larger than the limit of ${options.maxBytes} bytes`);
      }
      await hashing.write(value);
      if (head) {
        head.push(value);
        headLength += value.byteLength;
        if (headLength >= headBytes) await checkHead();
      } else await take(value);
    }
    if (total === 0) throw new UploadRejected(400, "empty body: send the PDF's bytes");
    await checkHead();
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  await hashing.close();
  return { bytes: total, sha256: hex(await digest.digest) };
}

/** PDF readers accept the `%PDF-` header anywhere in the first 1024 bytes. */
export function assertPdfHead(head: Uint8Array): void {
  const text = new TextDecoder("latin1").decode(head.subarray(0, 1024));
  if (!text.includes("%PDF-")) throw new UploadRejected(415, "not a PDF: the file does not start with a %PDF- header");
}
