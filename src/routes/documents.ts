/**
 * /api/documents/...: status, pages, entities, the file, live updates, cancelling and new runs,
 * and the operators' listing. Each call is answered by the document's own Durable Object, which
 * checks the reader; the upload itself is ./upload.ts.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { bearerToken, identify, tokenHash } from "../auth";
import { settings } from "../config";
import type { Reader } from "../domain/document";
import { documentIdPattern, isIssuedDocumentId } from "../lib/ids";
import { currentRequestId } from "../lib/log";
import { mediaTypes } from "../pdf/page-image";
import { documentStage } from "../domain/protocol";
import { listDocuments } from "../storage/document-index";
import { pageImageKey } from "../storage/keys";
import { fail, validate } from "./errors";
import { describe } from "./openapi";

export const documents = new Hono<{ Bindings: Env }>();

/** The WebSocket subprotocol; browsers cannot set headers on a WebSocket, so the token rides along as `bearer.<token>`. */
export const WS_PROTOCOL = "vessel-docs.v1";

const idParam = z.object({ id: z.string().regex(documentIdPattern, "document ids are 32 lowercase hex characters") });
const pageParam = idParam.extend({ n: z.coerce.number().int("page numbers are whole numbers").positive("pages count from 1") });
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "a date or time, as 2026-12-01 or 2026-12-01T08:00:00Z");
const listQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  stage: documentStage.optional(),
  source: z.enum(["upload", "bulk"]).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  filename: z.string().min(1).max(200).optional(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "64 hex characters").optional(),
});
const NOT_FOUND = "no document with this id, or the access token does not open it";

/** The document's object; an id the Worker did not issue is answered here, as an unknown one is, and never reaches one. */
async function documentOf(c: Context<{ Bindings: Env }>, id: string) {
  if (!(await isIssuedDocumentId(id, settings(c.env).DOCUMENT_ID_SECRET))) fail(404, NOT_FOUND);
  return c.env.Document.getByName(id);
}

/** Operators only: every document (uploads and bulk), newest first, from the index; filtered and paged. */
documents.get("/", describe.list, validate("query", listQuery), async (c) => {
  const who = await identify(c.req.raw, settings(c.env));
  if (who.kind !== "operator") fail(401, "listing documents needs an operator credential");
  const { cursor, limit, ...filter } = c.req.valid("query");
  return c.json(await listDocuments(c.env.INDEX, filter, limit, cursor));
});

documents.get("/:id", describe.snapshot, validate("param", idParam), async (c) => {
  const snapshot = await (await documentOf(c, c.req.valid("param").id)).snapshot(await readerOf(c));
  return snapshot ? c.json(snapshot) : fail(404, NOT_FOUND);
});

documents.get("/:id/pages/:n", describe.page, validate("param", pageParam), async (c) => {
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
documents.get("/:id/entities", describe.entities, validate("param", idParam), validate("query", entityQuery), async (c) => {
  const entities = await (await documentOf(c, c.req.valid("param").id)).entities(await readerOf(c), c.req.valid("query"));
  return entities ? c.json({ entities }) : fail(404, NOT_FOUND);
});

documents.get("/:id/pages/:n/image", describe.pageImage, validate("param", pageParam), async (c) => {
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
documents.get("/:id/file", describe.file, validate("param", idParam), async (c) => {
  const { id } = c.req.valid("param");
  // The document knows where its file is: an upload's key and a bulk document's differ.
  const file = await (await documentOf(c, id)).file(await readerOf(c));
  const object = file ? await c.env.DOCUMENTS_BUCKET.get(file.key) : null;
  if (!file || !object) fail(404, NOT_FOUND);
  return new Response(object.body, {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": contentDisposition(file.filename),
      "cache-control": "private, no-store",
    },
  });
});

documents.post("/:id/cancel", describe.cancel, validate("param", idParam), async (c) => {
  const snapshot = await (await documentOf(c, c.req.valid("param").id)).cancel(await readerOf(c), currentRequestId());
  return snapshot ? c.json(snapshot) : fail(404, NOT_FOUND);
});

/**
 * Deletes the document and everything it left: 204 when done; 202 when part of it must be tried
 * again (it resumes by itself; calling again is safe); 404 when there is no such document.
 */
documents.delete("/:id", describe.remove, validate("param", idParam), async (c) => {
  const result = await (await documentOf(c, c.req.valid("param").id)).delete(await readerOf(c), currentRequestId());
  if (!result) fail(404, NOT_FOUND);
  return result.deleted ? c.body(null, 204) : c.json({ deleting: true, error: result.error }, 202);
});

const reprocessQuery = z.object({
  pages: z.enum(["all", "failed"], { error: 'pages must be "all" or "failed"' }).default("all"),
});

/** A new run of a finished document (all pages, or `?pages=failed`); 409 while it is still running. */
documents.post("/:id/reprocess", describe.reprocess, validate("param", idParam), validate("query", reprocessQuery), async (c) => {
  const result = await (await documentOf(c, c.req.valid("param").id)).reprocess(await readerOf(c), c.req.valid("query").pages, currentRequestId());
  if (!result) fail(404, NOT_FOUND);
  if (result.retryAfterS !== undefined) {
    c.header("Retry-After", String(result.retryAfterS));
    fail(429, `this document was processed again ${settings(c.env).REPROCESS_PER_HOUR} times in the last hour, the limit; retry in ${Math.ceil(result.retryAfterS / 60)} minutes`);
  }
  if (!result.started) fail(409, `the document is ${result.snapshot.stage}; only a finished document can be processed again`);
  return c.json(result.snapshot, 202);
});

documents.get("/:id/ws", describe.socket, validate("param", idParam), async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") fail(426, "this endpoint speaks WebSocket only");
  const stub = await documentOf(c, c.req.valid("param").id);
  if (!(await stub.snapshot(await readerOf(c)))) fail(404, NOT_FOUND);
  const upgraded = await stub.fetch(c.req.raw);
  if (!offeredProtocols(c.req.raw).includes(WS_PROTOCOL) || !upgraded.webSocket) return upgraded;
  // The browser closes a socket whose server does not pick one of the subprotocols it offered.
  return new Response(null, { status: 101, webSocket: upgraded.webSocket, headers: { "Sec-WebSocket-Protocol": WS_PROTOCOL } });
});

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

/** `attachment` with an ASCII fallback and the exact name in RFC 5987 form: no quote or CRLF can escape. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
