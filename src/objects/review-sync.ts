/**
 * One object per review dataset: it provisions the dataset in Argilla once and keeps its ids, and it
 * is the only writer of expert corrections into the warehouse. Webhook deliveries and the scheduled
 * reconciliation both come here, so the same response is never applied twice at once: deliveries
 * are deduplicated on (response id, event type, updated_at), and a response version already applied
 * (by either path) is skipped.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { argillaOptions, settings, warehouseOptions, type Settings } from "../config";
import { entityLabels } from "../entities/labels";
import { log } from "../lib/log";
import { listRecords, parseExternalId, provision, recordSchema, recordSuggestions, spansOf, SPAN_QUESTION, TEXT_FIELD, type ReviewDataset, type Span } from "../review/argilla";
import { corrections } from "../review/corrections";
import type { Row } from "../outputs/tables";
import { replaceReview, withWarehouse } from "../outputs/warehouse";
import { migrate, sqlOf, type Sql } from "../lib/sql";

const schema = [
  /* 1: provisioning, deliveries seen, response versions applied */ `
  CREATE TABLE dataset (id INTEGER PRIMARY KEY CHECK (id = 1), workspace_id TEXT NOT NULL, dataset_id TEXT NOT NULL, question_id TEXT NOT NULL, at INTEGER NOT NULL);
  CREATE TABLE deliveries (key TEXT PRIMARY KEY, at INTEGER NOT NULL);
  CREATE TABLE applied (response_id TEXT NOT NULL, updated_at TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (response_id, updated_at));`,
];

/** An Argilla webhook body (Standard Webhooks envelope); `data` is checked per event type. */
export const webhookEvent = z.object({ type: z.string(), version: z.number().optional(), timestamp: z.string(), data: z.unknown() });
export type WebhookEvent = z.infer<typeof webhookEvent>;

const responseEvent = z.object({
  id: z.string(),
  status: z.enum(["submitted", "discarded", "draft"]),
  values: z.record(z.string(), z.object({ value: z.unknown() })).nullable(),
  updated_at: z.string(),
  user: z.object({ id: z.string(), username: z.string().optional() }),
  record: recordSchema.pick({ id: true, external_id: true, fields: true }),
});

/** A submitted response, with its record's text and suggested spans: all a review needs. */
interface Submitted {
  responseId: string;
  updatedAt: string;
  annotator: string;
  externalId: string;
  text: string;
  suggested: Span[];
  submitted: Span[];
}

export type WebhookOutcome = "applied" | "duplicate" | "ignored";

/** One submitted response and its record's suggestions, the same way for webhooks and reconciliation. */
function review(
  record: { external_id: string | null; fields: Record<string, unknown> },
  suggestions: ReadonlyArray<{ question_id: string; value: unknown }>,
  response: { id: string; updated_at: string; user_id: string; values: Record<string, { value: unknown }> | null },
  questionId: string,
): Submitted {
  return {
    responseId: response.id,
    updatedAt: response.updated_at,
    annotator: response.user_id,
    externalId: record.external_id!,
    text: String(record.fields[TEXT_FIELD] ?? ""),
    suggested: spansOf(suggestions.find((s) => s.question_id === questionId)?.value),
    submitted: spansOf(response.values?.[SPAN_QUESTION]?.value),
  };
}

export class ReviewSync extends DurableObject<Env> {
  private readonly sql: Sql;
  private provisioning: Promise<ReviewDataset> | null = null;
  private reconciling: Promise<unknown> = Promise.resolve();
  /** Response versions being written now, by either path. */
  private readonly applying = new Map<string, Promise<boolean>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = sqlOf(ctx.storage.sql);
    migrate(ctx.storage, schema);
  }

  /** The dataset's ids, provisioning it on first use. */
  async dataset(): Promise<ReviewDataset> {
    const [known] = this.sql<{ workspace_id: string; dataset_id: string; question_id: string }>`SELECT * FROM dataset`;
    if (known) return { workspaceId: known.workspace_id, datasetId: known.dataset_id, questionId: known.question_id };
    // Concurrent callers share one provisioning run.
    this.provisioning ??= provision(this.argilla(), entityLabels).then(
      (found) => {
        this.sql`INSERT OR REPLACE INTO dataset (id, workspace_id, dataset_id, question_id, at) VALUES (1, ${found.workspaceId}, ${found.datasetId}, ${found.questionId}, ${Date.now()})`;
        this.provisioning = null;
        return found;
      },
      (error: unknown) => {
        this.provisioning = null;
        throw error;
      },
    );
    return this.provisioning;
  }

  /** Drops the kept ids: the next `dataset()` provisions again (the dataset was deleted?). */
  forget(): void {
    this.sql`DELETE FROM dataset`;
  }

  /** A verified webhook delivery. Throws when the review cannot be stored now (the sender retries). */
  async webhook(event: WebhookEvent): Promise<WebhookOutcome> {
    if (!event.type.startsWith("response.") || event.type === "response.deleted") return "ignored";
    const data = responseEvent.safeParse(event.data);
    if (!data.success) throw new Error(`unexpected ${event.type} payload: ${z.prettifyError(data.error)}`);
    const response = data.data;
    const key = `${response.id}|${event.type}|${response.updated_at}`;
    if (this.sql`SELECT key FROM deliveries WHERE key = ${key}`.length) return "duplicate";
    let outcome: WebhookOutcome = "ignored";
    // Drafts and discards change nothing; a record that is not ours neither.
    if (response.status === "submitted" && response.record.external_id && parseExternalId(response.record.external_id)) {
      const { questionId } = await this.dataset();
      const suggestions = await recordSuggestions(this.argilla(), response.record.id);
      const submitted = review(response.record, suggestions, { ...response, user_id: response.user.id }, questionId);
      outcome = (await this.apply(submitted, settings(this.env))) ? "applied" : "duplicate";
    }
    this.sql`INSERT OR IGNORE INTO deliveries (key, at) VALUES (${key}, ${Date.now()})`;
    return outcome;
  }

  /**
   * Webhooks can be missed: read every record's responses and apply each submitted version not
   * applied yet. Returns how many were applied now. Runs one at a time: a caller arriving during
   * a run gets its own run after it, which sees everything up to its call.
   */
  reconcile(): Promise<{ applied: number; seen: number }> {
    const run = this.reconciling.then(() => this.reconcileOnce());
    this.reconciling = run.catch(() => undefined);
    return run;
  }

  private async reconcileOnce(): Promise<{ applied: number; seen: number }> {
    const config = settings(this.env);
    const { datasetId, questionId } = await this.dataset();
    let applied = 0;
    let seen = 0;
    const pageSize = 500;
    for (let offset = 0; ; offset += pageSize) {
      const page = await listRecords(this.argilla(), datasetId, offset, pageSize);
      for (const record of page.items) {
        if (!record.external_id || !parseExternalId(record.external_id)) continue;
        for (const response of record.responses ?? []) {
          if (response.status !== "submitted") continue;
          seen++;
          if (await this.apply(review(record, record.suggestions ?? [], response, questionId), config)) applied++;
        }
      }
      if (offset + pageSize >= page.total) break;
    }
    log({ event: "review.reconciled", applied, seen });
    return { applied, seen };
  }

  /**
   * Writes one response's corrections and spans, unless that version is in already or being
   * written now (a webhook and a reconciliation can bring the same version at once).
   */
  private async apply(response: Submitted, config: Settings): Promise<boolean> {
    const version = `${response.responseId}|${response.updatedAt}`;
    if (this.applying.has(version)) return this.applying.get(version)!.then(() => false);
    const applying = this.write(response, config).finally(() => this.applying.delete(version));
    this.applying.set(version, applying);
    return applying;
  }

  private async write(response: Submitted, config: Settings): Promise<boolean> {
    if (this.sql`SELECT 1 AS x FROM applied WHERE response_id = ${response.responseId} AND updated_at = ${response.updatedAt}`.length) return false;
    const warehouse = warehouseOptions(config);
    if (!warehouse) throw new Error("no warehouse is configured (WAREHOUSE_URL): corrections cannot be stored");
    const { documentId, runId, page } = parseExternalId(response.externalId)!;
    const updatedAt = Date.parse(response.updatedAt);
    const key = { external_id: response.externalId, annotator: response.annotator, doc_id: documentId, run_id: runId, page };
    const found = corrections(response.suggested, response.submitted, response.text);
    const correctionRows: Row[] = found.map((c, ordinal) => ({
      ...key,
      ordinal,
      action: c.action,
      original_label: c.original?.label ?? null,
      original_text: c.original?.text ?? null,
      original_start: c.original?.start ?? null,
      original_end: c.original?.end ?? null,
      corrected_label: c.corrected?.label ?? null,
      corrected_text: c.corrected?.text ?? null,
      corrected_start: c.corrected?.start ?? null,
      corrected_end: c.corrected?.end ?? null,
      response_updated_at: updatedAt,
      recorded_at: Date.now(),
    }));
    const characters = [...response.text];
    const annotatedRows: Row[] = [...response.submitted]
      .sort((a, b) => a.start - b.start)
      .map((span, ordinal) => ({
        ...key,
        ordinal,
        label: span.label,
        text: characters.slice(span.start, span.end).join(""),
        start_code_point: span.start,
        end_code_point: span.end,
        response_updated_at: updatedAt,
      }));
    const waits: Promise<unknown>[] = [];
    const review = { externalId: response.externalId, annotator: response.annotator, updatedAt, corrections: correctionRows, annotated: annotatedRows };
    const replaced = await withWarehouse(warehouse, (p) => waits.push(p), (client) => replaceReview(client, review, warehouse));
    this.ctx.waitUntil(Promise.all(waits));
    this.sql`INSERT OR IGNORE INTO applied (response_id, updated_at, at) VALUES (${response.responseId}, ${response.updatedAt}, ${Date.now()})`;
    if (!replaced) return false; // a newer version of this response is in already
    const count = (action: string) => found.filter((c) => c.action === action).length;
    log({
      event: "review.applied",
      documentId: parseExternalId(response.externalId)?.documentId ?? "",
      externalId: response.externalId,
      annotator: response.annotator,
      accept: count("accept"),
      relabel: count("relabel"),
      resize: count("resize"),
      reject: count("reject"),
      add: count("add"),
    });
    return true;
  }

  private argilla() {
    const options = argillaOptions(settings(this.env));
    if (!options) throw new Error("Argilla is not configured (ARGILLA_URL, ARGILLA_API_KEY)");
    return options;
  }
}
