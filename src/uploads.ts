/**
 * Streams an upload into R2 without holding it in memory: small files go up in one put, larger ones
 * as a multipart upload of fixed-size parts (R2 wants every part but the last the same size). The
 * SHA-256 is computed on the way through, and the first bytes are checked before anything is stored.
 */
import { concat, hex } from "./bytes";

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

export interface StoreOptions {
  maxBytes: number;
  /** Longest wait for the next chunk: a slow drip is cut off, not waited on forever. */
  idleTimeoutMs: number;
  /** Longest time the whole upload may take. */
  totalTimeoutMs: number;
  /** Called once with at least the first `headBytes` bytes (or the whole body if shorter). */
  checkHead: (head: Uint8Array) => void;
  headBytes?: number;
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
  const headBytes = options.headBytes ?? 1024;
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const reader = body.getReader();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let headChecked = false;
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

  try {
    for (;;) {
      const { done, value } = await nextChunk();
      if (done) break;
      total += value.byteLength;
      if (total > options.maxBytes) {
        throw new UploadRejected(413, `file is larger than the limit of ${options.maxBytes} bytes`);
      }
      await hashing.write(value);
      pending.push(value);
      pendingBytes += value.byteLength;
      if (!headChecked && pendingBytes >= headBytes) {
        options.checkHead(concat(pending, pendingBytes));
        headChecked = true;
      }
      while (pendingBytes >= partBytes) {
        multipart ??= await bucket.createMultipartUpload(key, options.put);
        parts.push(await multipart.uploadPart(parts.length + 1, takePart()));
      }
    }
    if (total === 0) throw new UploadRejected(400, "empty body: send the PDF's bytes");
    if (!headChecked) options.checkHead(concat(pending, pendingBytes));

    if (multipart) {
      if (pendingBytes > 0) parts.push(await multipart.uploadPart(parts.length + 1, takePart()));
      await multipart.complete(parts);
    } else {
      await bucket.put(key, concat(pending, pendingBytes), options.put);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    await multipart?.abort().catch(() => undefined);
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
