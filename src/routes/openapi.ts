/**
 * The API described for clients and tools: each route's summary and answers here, its parameters
 * from the zod schemas it validates with (hono-openapi reads them), served as OpenAPI 3.1 at
 * /api/openapi.json.
 */
import { describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import { documentSnapshot, entity } from "../domain/protocol";

const json = (schema: z.ZodType) => ({ "application/json": { schema: resolver(schema) } });
const error = z.object({ error: z.object({ status: z.number().int(), message: z.string() }) });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, { description: REASONS[code], content: json(error) }]));
const REASONS: Record<number, string> = {
  400: "a parameter or the body is malformed (the message names it)",
  401: "no credential, or one that does not open this",
  404: "no such document, or the token does not open it",
  409: "the document is still running, or the Idempotency-Key is in use",
  413: "the file is larger than MAX_UPLOAD_BYTES",
  415: "not a PDF",
  422: "the Idempotency-Key was used for another upload",
  429: "too many uploads, or too many new runs of this document",
};

export const describe = {
  upload: describeRoute({
    tags: ["documents"],
    summary: "Upload a PDF (raw body or multipart field `file`); optional `?pages=`, `?text_layer=`, `Idempotency-Key`",
    responses: { 202: { description: "accepted: the document's id, its capability token and links" }, ...errors(400, 401, 408, 409, 413, 415, 422, 429) },
  }),
  list: describeRoute({ tags: ["operators"], summary: "Every document from the index, newest first, filtered and paged", responses: { 200: { description: "a page of documents and the next cursor" }, ...errors(400, 401) } }),
  snapshot: describeRoute({ tags: ["documents"], summary: "The document's state: stage, pages, counts, timings", responses: { 200: { description: "the snapshot", content: json(documentSnapshot) }, ...errors(400, 401, 404) } }),
  page: describeRoute({ tags: ["documents"], summary: "One page: status, OCR output verbatim, clean text, blocks with boxes, offsets", responses: { 200: { description: "the page" }, ...errors(400, 401, 404) } }),
  entities: describeRoute({
    tags: ["documents"],
    summary: "The vessel entities found so far, optionally of one label or page",
    responses: { 200: { description: "the entities", content: json(z.object({ entities: z.array(entity.extend({ page: z.number().int() })) })) }, ...errors(400, 401, 404) },
  }),
  pageImage: describeRoute({ tags: ["documents"], summary: "The page image sent to OCR (PNG or JPEG)", responses: { 200: { description: "the image" }, ...errors(400, 401, 404) } }),
  file: describeRoute({ tags: ["documents"], summary: "The original file, as uploaded", responses: { 200: { description: "the PDF" }, ...errors(400, 401, 404) } }),
  cancel: describeRoute({ tags: ["documents"], summary: "Stop a live document; pages done keep their results", responses: { 200: { description: "the snapshot", content: json(documentSnapshot) }, ...errors(400, 401, 404) } }),
  remove: describeRoute({
    tags: ["documents"],
    summary: "Delete the document and everything it left",
    responses: { 204: { description: "deleted" }, 202: { description: "part of it to be tried again (it resumes by itself)" }, ...errors(400, 401, 404) },
  }),
  reprocess: describeRoute({ tags: ["documents"], summary: "Process a finished document again as a new run", responses: { 202: { description: "the new run's snapshot", content: json(documentSnapshot) }, ...errors(400, 401, 404, 409, 429) } }),
  socket: describeRoute({ tags: ["documents"], summary: "Live progress: a snapshot, then every transition (WebSocket, subprotocols `vessel-docs.v1`, `bearer.<token>`)", responses: { 101: { description: "switching to WebSocket" }, ...errors(401, 404) } }),
  health: describeRoute({ tags: ["operators"], summary: "Whether every dependency answers (details for operators); cached 5 s", responses: { 200: { description: "all up" }, 503: { description: "a dependency is down" } } }),
  stats: describeRoute({ tags: ["operators"], summary: "A summary of the documents, from the index", responses: { 200: { description: "the summary" }, ...errors(401) } }),
  webhook: describeRoute({ tags: ["review"], summary: "Argilla's signed webhook deliveries (Standard Webhooks)", responses: { 200: { description: "what the delivery did" }, ...errors(400, 401) } }),
  spec: describeRoute({ tags: ["operators"], summary: "This API as an OpenAPI 3.1 document", responses: { 200: { description: "the document" } } }),
  reviewImage: describeRoute({ tags: ["review"], summary: "A page image by a signed, expiring link (what Argilla shows reviewers)", responses: { 200: { description: "the image" }, 403: { description: "the signature or its expiry is not valid" } } }),
};
