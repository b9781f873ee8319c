/**
 * What crosses the wire: the document snapshot (REST and WebSocket) and the live events.
 * Both directions are zod schemas so clients (the page, tests) and the server agree by construction.
 */
// A namespace import, so the page's bundle (dev/build-page.ts) leaves out what it does not use.
import * as z from "zod";
import { documentStages, pageStatuses } from "./lifecycle";

export const documentStage = z.enum(documentStages);
export const pageStatus = z.enum(pageStatuses);

export const pageSummary = z.object({
  page: z.number().int().positive(),
  status: pageStatus,
  /** How the page's text was read: by the OCR model, or from the PDF's own text layer. */
  path: z.enum(["ocr", "text-layer"]).nullable(),
  /** Why a page went to OCR although the text layer was to be read (no text layer, junk, ...). */
  pathReason: z.string().nullable(),
  /** Vessel entities found on the page, once it has a result. */
  entities: z.number().int().nonnegative().nullable(),
  attempts: z.number().int().nonnegative(),
  error: z.string().nullable(),
  image: z.enum(["png", "jpeg"]).nullable(),
  renderMs: z.number().nullable(),
  ocrMs: z.number().nullable(),
  /** The page's record in Argilla, once sent for expert review. */
  reviewRecordId: z.string().nullable(),
  updatedAt: z.string(),
});
export type PageSummary = z.infer<typeof pageSummary>;

export const documentSnapshot = z.object({
  id: z.string(),
  filename: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  stage: documentStage,
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Milliseconds spent in each stage reached so far (the current one up to now). */
  stageMs: z.partialRecord(documentStage, z.number()),
  pageCount: z.number().int().nonnegative().nullable(),
  /** The pages the uploader asked for (`1-5,9`), or null for all. */
  pageSelection: z.string().nullable(),
  textLayer: z.enum(["auto", "off"]),
  pageCounts: z.record(pageStatus, z.number().int().nonnegative()),
  pages: z.array(pageSummary),
  /** The processing run: 1, and one more each time the document is re-processed. */
  run: z.number().int().positive(),
  source: z.enum(["upload", "bulk"]),
  /** Whether this run's outputs are stored: Parquet files in R2, rows in the warehouse, records in Argilla. */
  persisted: z.object({ parquet: z.boolean(), warehouse: z.boolean(), review: z.boolean() }),
  /** Sequence number of the last event applied to this snapshot. */
  seq: z.number().int().nonnegative(),
});
export type DocumentSnapshot = z.infer<typeof documentSnapshot>;

export const documentEvent = z.object({
  type: z.literal("document"),
  seq: z.number().int().positive(),
  at: z.string(),
  from: documentStage.nullable(),
  stage: documentStage,
  error: z.string().nullable(),
  pageCount: z.number().int().nonnegative().nullable(),
});

/** A vessel entity: its span is in the page's clean text, in UTF-16 units and in code points. */
export const entity = z.object({
  label: z.string(),
  text: z.string(),
  value: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  startCodePoint: z.number().int().nonnegative(),
  endCodePoint: z.number().int().nonnegative(),
  confidence: z.number(),
  source: z.enum(["rule", "table", "tagger", "llm"]),
  flags: z.array(z.string()),
  record: z.string().nullable(),
});

export type Entity = z.infer<typeof entity>;

export const pageEvent = z.object({
  type: z.literal("page"),
  seq: z.number().int().positive(),
  at: z.string(),
  page: pageSummary,
  from: pageStatus.nullable(),
  /** The page's vessel entities, on the event that gives the page its result. */
  entities: z.array(entity).optional(),
});

export const serverMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), document: documentSnapshot }),
  documentEvent,
  pageEvent,
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;
export type TransitionEvent = z.infer<typeof documentEvent> | z.infer<typeof pageEvent>;

/** Client -> server. `snapshot` asks for a fresh snapshot, e.g. after a gap in `seq`. */
export const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("snapshot") }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** The biggest client message worth parsing; anything longer is rejected unread. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
