/**
 * Bulk ingest: files dropped straight into the bucket (rclone, the S3 API) under BULK_PREFIX are
 * processed like uploads. R2 sends an event notification per created object to a Queue; this
 * consumer starts the document's Durable Object for each. A document's id is derived from the
 * object's key and ETag, so a duplicated or replayed notification reaches the same document, which
 * ignores a second `receive`. Messages that fail are retried by the Queue and, after its
 * `max_retries`, kept in the dead-letter queue.
 */
import { z } from "zod";
import { hex } from "./lib/bytes";
import { documentIdFrom } from "./lib/ids";
import { settings } from "./config";
import { log } from "./lib/log";
import { errorMessage } from "./lib/errors";

/** The body of an R2 event notification (https://developers.cloudflare.com/r2/buckets/event-notifications/). */
export const r2Notification = z.object({
  account: z.string(),
  action: z.string(),
  bucket: z.string(),
  object: z.object({ key: z.string().min(1), size: z.number().int().nonnegative().optional(), eTag: z.string().optional() }),
  eventTime: z.string(),
  copySource: z.object({ bucket: z.string(), object: z.string() }).optional(),
});
export type R2Notification = z.infer<typeof r2Notification>;

const CREATE_ACTIONS = new Set(["PutObject", "CopyObject", "CompleteMultipartUpload"]);

/** An id from the object's key and ETag: the same object always gives the same document. */
export async function bulkDocumentId(key: string, etag: string, secret: string | undefined): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`bulk\n${key}\n${etag}`));
  return documentIdFrom(new Uint8Array(digest), secret);
}

export async function ingestNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = r2Notification.safeParse(message.body);
    if (!parsed.success) {
      // Never succeeds, but is not thrown away: after the Queue's retries it lands in the dead-letter queue.
      log({ event: "ingest.notification", key: "", outcome: "retry", error: `not an R2 event notification: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}` });
      message.retry();
      continue;
    }
    try {
      const result = await ingestObject(parsed.data, env);
      log({ event: "ingest.notification", key: parsed.data.object.key, ...result });
      message.ack();
    } catch (error) {
      log({ event: "ingest.notification", key: parsed.data.object.key, outcome: "retry", error: errorMessage(error) });
      message.retry({ delaySeconds: Math.min(300, 10 * 2 ** Math.min(message.attempts, 5)) });
    }
  }
}

async function ingestObject(
  notification: R2Notification,
  env: Env,
): Promise<{ outcome: "started" | "ignored"; documentId?: string; reason?: string; error?: string }> {
  const config = settings(env);
  const { key } = notification.object;
  if (!CREATE_ACTIONS.has(notification.action)) return { outcome: "ignored", reason: `action ${notification.action}` };
  if (!key.startsWith(config.BULK_PREFIX)) return { outcome: "ignored", reason: `outside ${config.BULK_PREFIX}` };
  const head = await env.DOCUMENTS_BUCKET.head(key);
  if (!head) return { outcome: "ignored", reason: "the object no longer exists" };
  // Overwritten since: the newer object has a notification of its own.
  if (notification.object.eTag && head.etag !== notification.object.eTag) return { outcome: "ignored", reason: "the object was replaced since" };
  if (head.size > config.MAX_UPLOAD_BYTES) {
    return { outcome: "ignored", reason: "too large", error: `${key} is ${head.size} bytes, over MAX_UPLOAD_BYTES (${config.MAX_UPLOAD_BYTES}); left in the bucket` };
  }
  const documentId = await bulkDocumentId(key, head.etag, config.DOCUMENT_ID_SECRET);
  const stub = env.Document.getByName(documentId);
  // A duplicate or replayed notification: known already, so do not read the whole file again.
  if (await stub.snapshot({ kind: "operator" })) return { outcome: "ignored", documentId, reason: "already received" };
  const { created } = await stub.receive({
    id: documentId,
    filename: key.slice(key.lastIndexOf("/") + 1) || key,
    bytes: head.size,
    sha256: await objectSha256(env.DOCUMENTS_BUCKET, key),
    r2Key: key,
    tokenSha256: null,
    source: "bulk",
    pages: null,
    textLayer: config.TEXT_LAYER,
  });
  return created ? { outcome: "started", documentId } : { outcome: "ignored", documentId, reason: "already received" };
}

/** SHA-256 of a stored object, streamed (bulk files can be large). */
async function objectSha256(bucket: R2Bucket, key: string): Promise<string> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`${key} disappeared while being read`);
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  return hex(new Uint8Array(await digest.digest));
}
