/**
 * /api/documents: upload, status, pages, live updates. Validation, authentication and storage of
 * the upload happen here; the document's own Durable Object does everything after that.
 */
import { Hono, type Context } from "hono";
import {
  MaxFileSizeExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  parseMultipartRequest,
} from "@remix-run/multipart-parser";
import { z } from "zod";
import { bearerToken, identify, newCapabilityToken, tokenHash, type Principal } from "../auth";
import { settings, type Settings } from "../config";
import { idempotencyKeySchema, sameUpload, sealToken, unsealToken, uploadKeyName, type UploadFingerprint } from "../idempotency";
import { documentIdPattern, isIssuedDocumentId, newDocumentId, uploadKey } from "../ids";
import { log } from "../log";
import { pageImageKey, type Reader } from "../objects/document";
import { mediaTypes } from "../pdf/page-image";
import { PageRangeError, formatPageRanges, parsePageRanges } from "../pdf/page-ranges";
import type { DocumentSnapshot } from "../protocol";
import { UploadRejected, assertPdfHead, hashUpload, storeUpload, type ReadOptions } from "../uploads";
import { fail, validate } from "./errors";

export const documents = new Hono<{ Bindings: Env }>();

/** The WebSocket subprotocol; browsers cannot set headers on a WebSocket, so the token rides along as `bearer.<token>`. */
export const WS_PROTOCOL = "vessel-docs.v1";

const idParam = z.object({ id: z.string().regex(documentIdPattern, "document ids are 32 lowercase hex characters") });
const pageParam = idParam.extend({ n: z.coerce.number().int("page numbers are whole numbers").positive("pages count from 1") });
const listQuery = z.object({
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const NOT_FOUND = "no document with this id, or the access token does not open it";

/** The document's object; an id the Worker did not issue is answered here, as an unknown one is, and never reaches one. */
async function documentOf(c: Context<{ Bindings: Env }>, id: string) {
  if (!(await isIssuedDocumentId(id, settings(c.env).DOCUMENT_ID_SECRET))) fail(404, NOT_FOUND);
  return c.env.Document.getByName(id);
}

documents.post("/", async (c) => {
  const config = settings(c.env);
  const uploader = await authorizeUpload(c, config);
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
    const documentId = await newDocumentId(config.DOCUMENT_ID_SECRET);
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
    });
    await keyStub?.commit(documentId, { sha256: stored.sha256, ...options } satisfies UploadFingerprint);
    log({ event: "upload.accepted", documentId, bytes: stored.bytes, sha256: stored.sha256, replayed: false });
    return c.json(accepted(c, snapshot, token), 202);
  } catch (error) {
    if (error instanceof UploadRejected) {
      log({ event: "upload.rejected", status: error.status, reason: error.message });
      fail(error.status, error.message);
    }
    throw error;
  }
});

/** Operators only: the uploaded documents, newest keys last, as R2 lists them. */
documents.get("/", validate("query", listQuery), async (c) => {
  const who = await identify(c.req.raw, settings(c.env));
  if (who.kind !== "operator") fail(401, "listing documents needs an operator credential");
  const { cursor, limit } = c.req.valid("query");
  const listing = await c.env.DOCUMENTS_BUCKET.list({ prefix: "uploads/", cursor, limit, include: ["customMetadata"] });
  return c.json({
    documents: listing.objects.map((object) => ({
      id: object.key.slice("uploads/".length, -".pdf".length),
      filename: object.customMetadata?.filename ?? null,
      bytes: object.size,
      uploadedAt: object.uploaded.toISOString(),
    })),
    cursor: listing.truncated ? listing.cursor : null,
  });
});

documents.get("/:id", validate("param", idParam), async (c) => {
  const snapshot = await (await documentOf(c, c.req.valid("param").id)).snapshot(await readerOf(c));
  return snapshot ? c.json(snapshot) : fail(404, NOT_FOUND);
});

documents.get("/:id/pages/:n", validate("param", pageParam), async (c) => {
  const { id, n } = c.req.valid("param");
  const reader = await readerOf(c);
  const stub = await documentOf(c, id);
  const page = await stub.page(reader, n);
  if (page) return c.json(page);
  return (await stub.snapshot(reader)) ? fail(404, `the document has no page ${n} (yet)`) : fail(404, NOT_FOUND);
});

const entityQuery = z.object({
  label: z.string().regex(/^[A-Z_]{2,40}$/, "labels are like IMO_NUMBER").optional(),
  page: z.coerce.number().int().positive().optional(),
});

/** The vessel entities found so far, optionally of one label or one page. */
documents.get("/:id/entities", validate("param", idParam), validate("query", entityQuery), async (c) => {
  const entities = await (await documentOf(c, c.req.valid("param").id)).entities(await readerOf(c), c.req.valid("query"));
  return entities ? c.json({ entities }) : fail(404, NOT_FOUND);
});

documents.get("/:id/pages/:n/image", validate("param", pageParam), async (c) => {
  const { id, n } = c.req.valid("param");
  const page = await (await documentOf(c, id)).page(await readerOf(c), n);
  if (!page) fail(404, NOT_FOUND);
  const object = page.image ? await c.env.DOCUMENTS_BUCKET.get(pageImageKey(id, n, page.image)) : null;
  if (!page.image || !object) fail(404, `page ${n} has no image yet`);
  return new Response(object.body, {
    headers: { "content-type": mediaTypes[page.image], "cache-control": "private, max-age=3600" },
  });
});

/** The original PDF, as uploaded. */
documents.get("/:id/file", validate("param", idParam), async (c) => {
  const { id } = c.req.valid("param");
  const snapshot = await (await documentOf(c, id)).snapshot(await readerOf(c));
  const object = snapshot ? await c.env.DOCUMENTS_BUCKET.get(uploadKey(id)) : null;
  if (!snapshot || !object) fail(404, NOT_FOUND);
  return new Response(object.body, {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": contentDisposition(snapshot.filename),
      "cache-control": "private, no-store",
    },
  });
});

documents.post("/:id/cancel", validate("param", idParam), async (c) => {
  const snapshot = await (await documentOf(c, c.req.valid("param").id)).cancel(await readerOf(c));
  return snapshot ? c.json(snapshot) : fail(404, NOT_FOUND);
});

const reprocessQuery = z.object({
  pages: z.enum(["all", "failed"], { error: 'pages must be "all" or "failed"' }).default("all"),
});

/** A new run of a finished document (all pages, or `?pages=failed`); 409 while it is still running. */
documents.post("/:id/reprocess", validate("param", idParam), validate("query", reprocessQuery), async (c) => {
  const result = await (await documentOf(c, c.req.valid("param").id)).reprocess(await readerOf(c), c.req.valid("query").pages);
  if (!result) fail(404, NOT_FOUND);
  if (result.retryAfterS !== undefined) {
    c.header("Retry-After", String(result.retryAfterS));
    fail(429, `this document was processed again ${settings(c.env).REPROCESS_PER_HOUR} times in the last hour, the limit; retry in ${Math.ceil(result.retryAfterS / 60)} minutes`);
  }
  if (!result.started) fail(409, `the document is ${result.snapshot.stage}; only a finished document can be processed again`);
  return c.json(result.snapshot, 202);
});

documents.get("/:id/ws", validate("param", idParam), async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") fail(426, "this endpoint speaks WebSocket only");
  const stub = await documentOf(c, c.req.valid("param").id);
  if (!(await stub.snapshot(await readerOf(c)))) fail(404, NOT_FOUND);
  const upgraded = await stub.fetch(c.req.raw);
  if (!offeredProtocols(c.req.raw).includes(WS_PROTOCOL) || !upgraded.webSocket) return upgraded;
  // The browser closes a socket whose server does not pick one of the subprotocols it offered.
  return new Response(null, { status: 101, webSocket: upgraded.webSocket, headers: { "Sec-WebSocket-Protocol": WS_PROTOCOL } });
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

/** An operator, or whoever holds a token (checked by the document itself, in constant time). */
async function readerOf(c: Context<{ Bindings: Env }>): Promise<Reader> {
  const who = await identify(c.req.raw, settings(c.env));
  if (who.kind === "operator") return { kind: "operator" };
  const token = bearerToken(c.req.raw) ?? protocolToken(c.req.raw);
  if (!token) {
    c.header("WWW-Authenticate", 'Bearer realm="documents"');
    fail(401, "reading a document needs its access token (Authorization: Bearer <token>) or an operator credential");
  }
  return { kind: "token", tokenSha256: await tokenHash(token) };
}

function offeredProtocols(request: Request): string[] {
  return (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim()).filter(Boolean);
}

function protocolToken(request: Request): string | null {
  const offered = offeredProtocols(request).find((p) => p.startsWith("bearer."));
  return offered ? offered.slice("bearer.".length) || null : null;
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

/** `attachment` with an ASCII fallback and the exact name in RFC 5987 form: no quote or CRLF can escape. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
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
