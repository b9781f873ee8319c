/**
 * Argilla 2.x over its REST API (no SDK in a Worker): provisioning the review dataset, upserting
 * one record per page with the entities as span suggestions, and reading records, suggestions and
 * responses back. Every answer is checked with zod; every failure is a ServiceError saying whether
 * trying again can help.
 */
import { z } from "zod";
import { ServiceError, errorMessage, isRetryableStatus } from "../lib/errors";
import type { Entity } from "../domain/protocol";

export interface ArgillaOptions {
  url: string;
  apiKey: string;
  workspace: string;
  dataset: string;
  timeoutMs: number;
}

/** What provisioning found or made: suggestions must name their question by id. */
export interface ReviewDataset {
  workspaceId: string;
  datasetId: string;
  questionId: string;
}

/** The record's fields and the span question, by name. */
export const TEXT_FIELD = "text";
export const IMAGE_FIELD = "page_image";
export const SPAN_QUESTION = "entities";
/** Names the rules and tables as the suggestions' author in Argilla. */
export const SUGGESTION_AGENT = "vessel-docs-extractor";
/** Argilla's limit per bulk request. */
export const MAX_RECORDS_PER_REQUEST = 500;

const span = z.object({ label: z.string(), start: z.number().int(), end: z.number().int() });
export type Span = z.infer<typeof span>;
const named = z.object({ id: z.string(), name: z.string() });
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const datasetSchema = named.extend({ status: z.enum(["draft", "ready"]) });
const suggestionSchema = z.object({ question_id: z.string(), value: z.unknown() });
const responseSchema = z.object({
  id: z.string(),
  values: z.record(z.string(), z.object({ value: z.unknown() })).nullable(),
  status: z.enum(["submitted", "discarded", "draft"]),
  user_id: z.string(),
  updated_at: z.string(),
});
export const recordSchema = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
  suggestions: z.array(suggestionSchema).optional(),
  responses: z.array(responseSchema).optional(),
});
export type ArgillaRecord = z.infer<typeof recordSchema>;

async function call<T extends z.ZodType>(options: ArgillaOptions, method: string, path: string, body: unknown, schema: T): Promise<z.infer<T>> {
  let response: Response;
  try {
    response = await fetch(new URL(path, options.url), {
      method,
      headers: { "x-argilla-api-key": options.apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new ServiceError("argilla", `Argilla unreachable: ${errorMessage(error)}`, true);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ServiceError("argilla", `Argilla ${method} ${path}: ${response.status} ${detailOf(text)}`, isRetryableStatus(response.status), response.status);
  }
  const parsed = schema.safeParse(text ? JSON.parse(text) : null);
  if (!parsed.success) throw new ServiceError("argilla", `Argilla ${method} ${path}: unexpected answer: ${z.prettifyError(parsed.error)}`, false, response.status);
  return parsed.data;
}

function detailOf(text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    return typeof detail === "string" ? detail : JSON.stringify(detail);
  } catch {
    return text.slice(0, 300);
  }
}

/** Finds by name, or creates; a 409 means someone else just created it, so look again. */
async function findOrCreate<T extends { name: string }>(find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
  const found = await find();
  if (found) return found;
  try {
    return await create();
  } catch (error) {
    if (error instanceof ServiceError && error.status === 409) {
      const again = await find();
      if (again) return again;
    }
    throw error;
  }
}

/**
 * Makes sure the workspace and dataset exist with the text and image fields, metadata properties,
 * the span question over the text (options = the label set), and that the dataset is published.
 * Safe to run again: it only adds what is missing.
 */
export async function provision(options: ArgillaOptions, labels: readonly string[]): Promise<ReviewDataset> {
  const workspace = await findOrCreate(
    async () => (await call(options, "GET", "/api/v1/me/workspaces", undefined, list(named))).items.find((w) => w.name === options.workspace),
    () => call(options, "POST", "/api/v1/workspaces", { name: options.workspace }, named),
  );
  const findDataset = async () =>
    (await call(options, "GET", `/api/v1/me/datasets?workspace_id=${workspace.id}`, undefined, list(datasetSchema))).items.find((d) => d.name === options.dataset);
  const dataset = await findOrCreate(findDataset, () =>
    call(
      options,
      "POST",
      "/api/v1/datasets",
      {
        name: options.dataset,
        workspace_id: workspace.id,
        guidelines: "Check the vessel facts found on each page: keep, relabel, resize or remove each highlighted span, and add what was missed.",
        allow_extra_metadata: false,
      },
      datasetSchema,
    ),
  );
  const base = `/api/v1/datasets/${dataset.id}`;
  if (dataset.status === "draft") {
    const fields = (await call(options, "GET", `${base}/fields`, undefined, list(named))).items;
    const wanted = [
      { name: TEXT_FIELD, title: "Page text", required: true, settings: { type: "text", use_markdown: false } },
      { name: IMAGE_FIELD, title: "Page image", required: false, settings: { type: "image" } },
    ];
    for (const field of wanted) if (!fields.some((f) => f.name === field.name)) await call(options, "POST", `${base}/fields`, field, named);
  }
  const properties = (await call(options, "GET", `${base}/metadata-properties`, undefined, list(named))).items;
  const wantedProperties = [
    { name: "document_id", title: "Document", settings: { type: "terms" } },
    { name: "filename", title: "File", settings: { type: "terms" } },
    { name: "page", title: "Page", settings: { type: "integer" } },
    { name: "ocr_path", title: "Read by", settings: { type: "terms", values: ["ocr", "text-layer"] } },
    { name: "entity_count", title: "Entities found", settings: { type: "integer" } },
  ];
  for (const property of wantedProperties) {
    if (!properties.some((p) => p.name === property.name)) {
      await call(options, "POST", `${base}/metadata-properties`, { ...property, visible_for_annotators: true }, named);
    }
  }
  const questions = (await call(options, "GET", `${base}/questions`, undefined, list(named))).items;
  const question =
    questions.find((q) => q.name === SPAN_QUESTION) ??
    (await call(
      options,
      "POST",
      `${base}/questions`,
      {
        name: SPAN_QUESTION,
        title: "Vessel entities",
        description: "Spans of the page text and what each one is.",
        required: true,
        settings: { type: "span", field: TEXT_FIELD, options: labels.map((label) => ({ value: label, text: label })), visible_options: Math.min(labels.length, 20), allow_overlapping: false },
      },
      named,
    ));
  if (dataset.status === "draft") {
    await call(options, "PUT", `${base}/publish`, {}, datasetSchema).catch(async (error: unknown) => {
      // Published meanwhile by a concurrent provisioning: that is what we wanted.
      if (!(error instanceof ServiceError && error.status === 422 && (await findDataset())?.status === "ready")) throw error;
    });
  }
  return { workspaceId: workspace.id, datasetId: dataset.id, questionId: question.id };
}

export interface PageForReview {
  documentId: string;
  runId: number;
  page: number;
  filename: string;
  ocrPath: string | null;
  text: string;
  entities: readonly Entity[];
  /** A signed, expiring link to the page image, or null when links are not configured. */
  imageUrl: string | null;
}

/** A record's stable id: re-sending the same run's page updates its record, never adds one. */
export function externalId(documentId: string, runId: number, page: number): string {
  return `${documentId}:${runId}:${page}`;
}

export function parseExternalId(value: string): { documentId: string; runId: number; page: number } | null {
  const match = /^([0-9a-f]{32}):(\d+):(\d+)$/.exec(value);
  return match ? { documentId: match[1], runId: Number(match[2]), page: Number(match[3]) } : null;
}

/**
 * One page as an Argilla record item. Spans go in code points (Argilla counts Python characters);
 * where two entities overlap (the question does not allow it) the more confident one is suggested.
 */
export function pageRecord(page: PageForReview, questionId: string): Record<string, unknown> {
  const chosen: Entity[] = [];
  for (const entity of [...page.entities].sort((a, b) => b.confidence - a.confidence || a.start - b.start)) {
    if (chosen.every((other) => entity.endCodePoint <= other.startCodePoint || entity.startCodePoint >= other.endCodePoint)) chosen.push(entity);
  }
  chosen.sort((a, b) => a.startCodePoint - b.startCodePoint);
  return {
    external_id: externalId(page.documentId, page.runId, page.page),
    fields: { [TEXT_FIELD]: page.text, ...(page.imageUrl ? { [IMAGE_FIELD]: page.imageUrl } : {}) },
    metadata: { document_id: page.documentId, filename: page.filename, page: page.page, ocr_path: page.ocrPath ?? "ocr", entity_count: page.entities.length },
    suggestions: chosen.length
      ? [
          {
            question_id: questionId,
            type: "model",
            agent: SUGGESTION_AGENT,
            value: chosen.map((e) => ({ label: e.label, start: e.startCodePoint, end: e.endCodePoint })),
            score: chosen.map((e) => Math.min(1, Math.max(0, e.confidence))),
          },
        ]
      : [],
  };
}

/** Upserts records, at most 500 per request; returns Argilla's record id per external id. */
export async function upsertRecords(options: ArgillaOptions, datasetId: string, items: ReadonlyArray<Record<string, unknown>>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let at = 0; at < items.length; at += MAX_RECORDS_PER_REQUEST) {
    const batch = items.slice(at, at + MAX_RECORDS_PER_REQUEST);
    const answer = await call(options, "PUT", `/api/v1/datasets/${datasetId}/records/bulk`, { items: batch }, list(recordSchema));
    for (const record of answer.items) if (record.external_id) ids.set(record.external_id, record.id);
  }
  return ids;
}

export async function recordSuggestions(options: ArgillaOptions, recordId: string): Promise<Array<z.infer<typeof suggestionSchema>>> {
  return (await call(options, "GET", `/api/v1/records/${recordId}/suggestions`, undefined, list(suggestionSchema))).items;
}

/** One page of the dataset's records with their suggestions and responses. */
export async function listRecords(options: ArgillaOptions, datasetId: string, offset: number, limit: number): Promise<{ items: ArgillaRecord[]; total: number }> {
  return call(
    options,
    "GET",
    `/api/v1/datasets/${datasetId}/records?offset=${offset}&limit=${limit}&include=responses,suggestions`,
    undefined,
    z.object({ items: z.array(recordSchema), total: z.number().int() }),
  );
}

/** The spans of a suggestion's or a response's value for the span question (anything else: none). */
export function spansOf(value: unknown): Span[] {
  const parsed = z.array(span).safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** Whether Argilla answers with this API key: who the key belongs to (`GET /api/v1/me`). */
export async function pingArgilla(options: ArgillaOptions): Promise<void> {
  await call(options, "GET", "/api/v1/me", undefined, z.object({ id: z.string() }));
}

/** Argilla's limit of record ids per delete request. */
const MAX_DELETE_IDS = 100;

/** Removes records from a dataset (`DELETE /api/v1/datasets/{id}/records?ids=...`); ids already gone are no error. */
export async function deleteRecords(options: ArgillaOptions, datasetId: string, ids: readonly string[]): Promise<void> {
  for (let at = 0; at < ids.length; at += MAX_DELETE_IDS) {
    const batch = ids.slice(at, at + MAX_DELETE_IDS).join(",");
    await call(options, "DELETE", `/api/v1/datasets/${datasetId}/records?ids=${encodeURIComponent(batch)}`, undefined, z.unknown());
  }
}
