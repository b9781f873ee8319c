/**
 * /api/documents: upload, status, pages, live updates. Validation and storage happen here; the
 * document's own Durable Object does everything after the upload is safely in R2.
 */
import { Hono, type Context } from "hono";
import {
  MaxFileSizeExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  parseMultipartRequest,
} from "@remix-run/multipart-parser";
import { z } from "zod";
import { sha256Hex } from "../bytes";
import { settings } from "../config";
import { documentIdPattern, newDocumentId, uploadKey } from "../ids";
import { log } from "../log";
import { pageImageKey } from "../objects/document";
import { mediaTypes } from "../pdf/page-image";
import type { DocumentSnapshot } from "../protocol";
import { UploadRejected, assertPdfHead, storeUpload } from "../uploads";
import { fail, validate } from "./errors";

export const documents = new Hono<{ Bindings: Env }>();

const idParam = z.object({ id: z.string().regex(documentIdPattern, "document ids are 32 lowercase hex characters") });
const pageParam = idParam.extend({ n: z.coerce.number().int("page numbers are whole numbers").positive("pages count from 1") });
const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

documents.post("/", async (c) => {
  const config = settings(c.env);
  try {
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > config.MAX_UPLOAD_BYTES) fail(413, `file is larger than the limit of ${config.MAX_UPLOAD_BYTES} bytes`);
    const { body, filename } = await uploadSource(c.req.raw, config.MAX_UPLOAD_BYTES);

    const key = c.req.header("idempotency-key");
    const keyStub = key === undefined ? undefined : await uploadKeyStub(c.env, key);
    const claim = keyStub ? await keyStub.claim() : { outcome: "new" as const, documentId: newDocumentId() };
    if (claim.outcome !== "new") {
      await body.cancel().catch(() => undefined);
      if (claim.outcome === "in-progress") {
        c.header("Retry-After", "5");
        fail(409, "an upload with this Idempotency-Key is still in progress; retry shortly");
      }
      const snapshot = await c.env.Document.getByName(claim.documentId).snapshot();
      if (!snapshot) fail(500, "the document recorded for this Idempotency-Key is missing");
      log({ event: "upload.accepted", documentId: snapshot.id, bytes: snapshot.bytes, sha256: snapshot.sha256, replayed: true });
      c.header("Idempotent-Replayed", "true");
      return c.json(accepted(c, snapshot), 202);
    }

    const documentId = claim.documentId;
    const r2Key = uploadKey(documentId);
    let stored;
    try {
      stored = await storeUpload(c.env.DOCUMENTS_BUCKET, r2Key, body, {
        maxBytes: config.MAX_UPLOAD_BYTES,
        checkHead: assertPdfHead,
        put: { httpMetadata: { contentType: "application/pdf" }, customMetadata: { filename } },
      });
    } catch (error) {
      await keyStub?.release(documentId);
      throw error;
    }
    const snapshot = await c.env.Document.getByName(documentId).receive({ id: documentId, filename, r2Key, ...stored });
    await keyStub?.commit(documentId);
    log({ event: "upload.accepted", documentId, bytes: stored.bytes, sha256: stored.sha256, replayed: false });
    return c.json(accepted(c, snapshot), 202);
  } catch (error) {
    if (error instanceof UploadRejected) fail(error.status, error.message);
    throw error;
  }
});

documents.get("/:id", validate("param", idParam), async (c) => {
  const snapshot = await c.env.Document.getByName(c.req.valid("param").id).snapshot();
  return snapshot ? c.json(snapshot) : fail(404, "no document with this id");
});

documents.get("/:id/pages/:n", validate("param", pageParam), async (c) => {
  const { id, n } = c.req.valid("param");
  const stub = c.env.Document.getByName(id);
  const page = await stub.page(n);
  if (page) return c.json(page);
  return (await stub.snapshot()) ? fail(404, `the document has no page ${n} (yet)`) : fail(404, "no document with this id");
});

documents.get("/:id/pages/:n/image", validate("param", pageParam), async (c) => {
  const { id, n } = c.req.valid("param");
  const page = await c.env.Document.getByName(id).page(n);
  if (!page?.image) fail(404, `page ${n} has no image yet`);
  const object = await c.env.DOCUMENTS_BUCKET.get(pageImageKey(id, n, page.image));
  if (!object) fail(404, `page ${n} has no image yet`);
  return new Response(object.body, {
    headers: { "content-type": mediaTypes[page.image], "cache-control": "private, max-age=3600" },
  });
});

documents.post("/:id/cancel", validate("param", idParam), async (c) => {
  const snapshot = await c.env.Document.getByName(c.req.valid("param").id).cancel();
  return snapshot ? c.json(snapshot) : fail(404, "no document with this id");
});

documents.get("/:id/ws", validate("param", idParam), async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") fail(426, "this endpoint speaks WebSocket only");
  const stub = c.env.Document.getByName(c.req.valid("param").id);
  if (!(await stub.snapshot())) fail(404, "no document with this id");
  return stub.fetch(c.req.raw);
});

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
        const bytes = part.bytes;
        return { body: new Blob([bytes]).stream(), filename: cleanFilename(part.filename) };
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

/** A display name only (storage keys never use it): no paths, no control characters, bounded. */
export function cleanFilename(raw: string | null | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return clean || "document.pdf";
}

async function uploadKeyStub(env: Env, key: string) {
  const parsed = idempotencyKey.safeParse(key);
  if (!parsed.success) fail(400, `invalid Idempotency-Key: ${parsed.error.issues[0].message}`);
  return env.UploadKey.getByName(await sha256Hex(new TextEncoder().encode(key)));
}

function accepted(c: Context, snapshot: DocumentSnapshot) {
  const base = new URL(`/api/documents/${snapshot.id}`, c.req.url);
  const socket = new URL(`${base.pathname}/ws`, base);
  socket.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  return {
    id: snapshot.id,
    stage: snapshot.stage,
    filename: snapshot.filename,
    bytes: snapshot.bytes,
    sha256: snapshot.sha256,
    links: { status: base.href, pages: `${base.href}/pages/{n}`, websocket: socket.href },
  };
}
