/**
 * POST /api/documents: an upload, checked and authenticated, streamed into R2 and handed to its
 * document's Durable Object, which does everything after that. An Idempotency-Key makes a retry
 * answer as the first time (../idempotency.ts).
 */
import { Hono, type Context } from "hono";
import {
  MaxFileSizeExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  parseMultipartRequest,
} from "@remix-run/multipart-parser";
import { identify, newCapabilityToken, tokenHash, type Principal } from "../auth";
import { settings, type Settings } from "../config";
import type { DocumentSnapshot } from "../domain/protocol";
import { idempotencyKeySchema, sameUpload, sealToken, unsealToken, uploadKeyName, type UploadFingerprint } from "../idempotency";
import { newDocumentId } from "../lib/ids";
import { currentRequestId, log } from "../lib/log";
import { PageRangeError, formatPageRanges, parsePageRanges } from "../pdf/page-ranges";
import { uploadKey } from "../storage/keys";
import { UploadRejected, assertPdfHead, hashUpload, storeUpload, type ReadOptions } from "../uploads";
import { WS_PROTOCOL } from "./documents";
import { fail } from "./errors";
import { describe } from "./openapi";

export const upload = new Hono<{ Bindings: Env }>();

upload.post("/", describe.upload, async (c) => {
  const config = settings(c.env);
  const uploader = await authorizeUpload(c, config);
  // Minted first, so that even a refusal can be logged against the document it would have been.
  const documentId = await newDocumentId(config.DOCUMENT_ID_SECRET);
  try {
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > config.MAX_UPLOAD_BYTES) fail(413, `file is larger than the limit of ${config.MAX_UPLOAD_BYTES} bytes`);
    const pages = pageSelection(c.req.query("pages"));
    const textLayer = textLayerChoice(c.req.query("text_layer"), config);
    const { body, filename } = await uploadSource(c.req.raw, config.MAX_UPLOAD_BYTES);

    const readLimits: ReadOptions = {
      maxBytes: config.MAX_UPLOAD_BYTES,
      idleTimeoutMs: config.UPLOAD_IDLE_TIMEOUT_MS,
      totalTimeoutMs: config.UPLOAD_TIMEOUT_MS,
      checkHead: assertPdfHead,
    };
    const options = { pages, textLayer };
    const token = newCapabilityToken();
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const scope = scopeOf(uploader);
    const keyStub = key === undefined ? undefined : c.env.UploadKey.getByName(await uploadKeyName(scope, key));
    if (keyStub && key !== undefined) {
      const { outcome, claim } = await keyStub.claim({ documentId, sealedToken: await sealToken(scope, key, token) });
      if (outcome === "in-progress") {
        await body.cancel().catch(() => undefined);
        c.header("Retry-After", "5");
        fail(409, "an upload with this Idempotency-Key is still in progress; retry shortly");
      }
      if (outcome === "replay") {
        // The same upload again answers as the first time; anything else under this key is refused.
        const sent = await hashUpload(body, readLimits);
        if (!claim.upload || !sameUpload(claim.upload, { sha256: sent.sha256, ...options })) {
          fail(422, "this Idempotency-Key was used for a different upload (another file or other options); use a new key for a new upload");
        }
        const snapshot = await c.env.Document.getByName(claim.documentId).snapshot({ kind: "operator" });
        if (!snapshot) fail(500, "the document recorded for this Idempotency-Key is missing");
        log({ event: "upload.accepted", documentId: snapshot.id, bytes: snapshot.bytes, sha256: snapshot.sha256, replayed: true });
        c.header("Idempotent-Replayed", "true");
        return c.json(accepted(c, snapshot, await unsealToken(scope, key, claim.sealedToken)), 202);
      }
    }

    const r2Key = uploadKey(documentId);
    let stored;
    try {
      stored = await storeUpload(c.env.DOCUMENTS_BUCKET, r2Key, body, {
        ...readLimits,
        put: { httpMetadata: { contentType: "application/pdf" }, customMetadata: { filename, uploader: scope } },
      });
    } catch (error) {
      await keyStub?.release(documentId);
      throw error;
    }
    const { snapshot } = await c.env.Document.getByName(documentId).receive({
      id: documentId,
      filename,
      r2Key,
      tokenSha256: await tokenHash(token),
      source: "upload",
      pages,
      textLayer,
      ...stored,
    }, currentRequestId());
    await keyStub?.commit(documentId, { sha256: stored.sha256, ...options } satisfies UploadFingerprint);
    log({ event: "upload.accepted", documentId, bytes: stored.bytes, sha256: stored.sha256, replayed: false });
    return c.json(accepted(c, snapshot, token), 202);
  } catch (error) {
    if (error instanceof UploadRejected) {
      log({ event: "upload.rejected", status: error.status, reason: error.message, documentId });
      fail(error.status, error.message);
    }
    throw error;
  }
});

/** `?pages=1-5,9`, checked before any byte is stored; null means every page. */
function pageSelection(query: string | undefined): string | null {
  if (query === undefined || query.trim() === "") return null;
  try {
    return formatPageRanges(parsePageRanges(query));
  } catch (error) {
    if (error instanceof PageRangeError) fail(400, `invalid pages: ${error.message}`);
    throw error;
  }
}

/** `?text_layer=off` sends born-digital pages to OCR anyway (`auto` reads their own text). */
function textLayerChoice(query: string | undefined, config: Settings): "auto" | "off" {
  if (query === undefined) return config.TEXT_LAYER;
  if (query === "auto" || query === "off") return query;
  fail(400, `invalid text_layer: "${query}" (auto or off)`);
}

/** Uploads as UPLOAD_AUTH says; operators may always upload. */
async function authorizeUpload(c: Context<{ Bindings: Env }>, config: Settings): Promise<Principal> {
  const who = await identify(c.req.raw, config);
  if (who.kind === "operator") return who;
  if (config.UPLOAD_AUTH === "apikey" && who.kind !== "uploader") {
    c.header("WWW-Authenticate", 'Bearer realm="uploads"');
    fail(401, "uploading needs an API key: Authorization: Bearer <key>");
  }
  if (config.UPLOAD_AUTH === "access") fail(401, "uploading needs a Cloudflare Access sign-in");
  const client = c.req.header("cf-connecting-ip") ?? "local";
  const { success } = await c.env.UPLOAD_RATE_LIMITER.limit({ key: `${who.kind === "uploader" ? who.id : client}` });
  if (!success) {
    c.header("Retry-After", "60");
    log({ event: "upload.rejected", status: 429, reason: "rate limited" });
    fail(429, "too many uploads from this client; retry in a minute");
  }
  return who.kind === "uploader" ? who : { kind: "anonymous" };
}

/** The PDF stream and its name, from a raw `application/pdf` body or the multipart field `file`. */
async function uploadSource(request: Request, maxBytes: number): Promise<{ body: ReadableStream<Uint8Array>; filename: string }> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/pdf") {
    if (!request.body) fail(400, "empty body: send the PDF's bytes");
    const url = new URL(request.url);
    return { body: request.body, filename: cleanFilename(url.searchParams.get("filename") ?? request.headers.get("x-filename")) };
  }
  if (type === "multipart/form-data") {
    try {
      for await (const part of parseMultipartRequest(request, { maxFileSize: maxBytes, maxTotalSize: maxBytes + 64 * 1024 })) {
        if (part.name !== "file") continue;
        return { body: new Blob([part.bytes]).stream(), filename: cleanFilename(part.filename) };
      }
    } catch (error) {
      if (error instanceof MaxFileSizeExceededError || error instanceof MaxTotalSizeExceededError) {
        fail(413, `file is larger than the limit of ${maxBytes} bytes`);
      }
      if (error instanceof MultipartParseError) fail(400, `malformed multipart body: ${error.message}`);
      throw error;
    }
    fail(400, 'multipart body has no field named "file"');
  }
  fail(415, `unsupported Content-Type "${type || "(none)"}": send the PDF as application/pdf or as the multipart field "file"`);
}

/**
 * A display name only (storage keys never use it): no paths, no control characters, no bidi
 * overrides that would make "list\u202Efdp.exe" read as "listexe.pdf", bounded.
 */
export function cleanFilename(raw: string | null | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, "").trim().slice(0, 200);
  return clean && clean !== "." && clean !== ".." ? clean : "document.pdf";
}

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) fail(400, `invalid Idempotency-Key: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

function scopeOf(principal: Principal): string {
  return principal.kind === "anonymous" ? "public" : principal.id;
}

function accepted(c: Context, snapshot: DocumentSnapshot, token: string) {
  const base = new URL(`/api/documents/${snapshot.id}`, c.req.url);
  const socket = new URL(`${base.pathname}/ws`, base);
  socket.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  return {
    id: snapshot.id,
    token,
    stage: snapshot.stage,
    filename: snapshot.filename,
    bytes: snapshot.bytes,
    sha256: snapshot.sha256,
    links: { status: base.href, pages: `${base.href}/pages/{n}`, websocket: socket.href },
    websocketProtocols: [WS_PROTOCOL, "bearer.<token>"],
  };
}
