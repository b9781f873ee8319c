/**
 * The rows a finished run of a document produces, and the columns they have: one description
 * shared by the Parquet files and the warehouse tables (migrations/0001-0003), so both always
 * carry the same columns with the same types.
 */
import { sha256Hex } from "../lib/bytes";
import type { DocumentRow, PageRow } from "../domain/document";
import type { Entity } from "../domain/protocol";
import type { Block } from "../ocr/grounding";

/** `timestamp` values are epoch milliseconds (UTC); `json` values are JSON text. */
export type ColumnKind = "string" | "int" | "bigint" | "float" | "timestamp" | "json";
export type Value = string | number | null;
export type Row = Record<string, Value>;

export interface TableSpec {
  name: "documents" | "raw_ocr" | "entities" | "entity_corrections" | "annotated";
  /** What makes a row unique: a retried or duplicated write never adds a second one. */
  key: readonly string[];
  columns: ReadonlyArray<readonly [name: string, kind: ColumnKind]>;
}

export const documentsTable: TableSpec = {
  name: "documents",
  key: ["doc_id", "run_id"],
  columns: [
    ["doc_id", "string"],
    ["run_id", "int"],
    ["filename", "string"],
    ["bytes", "bigint"],
    ["sha256", "string"],
    ["source", "string"],
    ["outcome", "string"],
    ["page_count", "int"],
    ["pages_read", "int"],
    ["pages_failed", "int"],
    ["entity_count", "int"],
    ["received_at", "timestamp"],
    ["finished_at", "timestamp"],
  ],
};

export const pagesTable: TableSpec = {
  name: "raw_ocr",
  key: ["doc_id", "run_id", "page"],
  columns: [
    ["doc_id", "string"],
    ["run_id", "int"],
    ["page", "int"],
    ["status", "string"],
    ["ocr_path", "string"],
    ["raw_text", "string"],
    ["clean_text", "string"],
    ["text_sha256", "string"],
    ["blocks", "json"],
    ["tables", "json"],
    ["image_kind", "string"],
    ["image_width", "int"],
    ["image_height", "int"],
    ["attempts", "int"],
    ["render_ms", "int"],
    ["ocr_ms", "int"],
    ["finish_reason", "string"],
    ["prompt_tokens", "int"],
    ["completion_tokens", "int"],
    ["error", "string"],
  ],
};

export const entitiesTable: TableSpec = {
  name: "entities",
  key: ["doc_id", "run_id", "page", "ordinal"],
  columns: [
    ["doc_id", "string"],
    ["run_id", "int"],
    ["page", "int"],
    ["ordinal", "int"],
    ["label", "string"],
    ["text", "string"],
    ["value", "string"],
    ["start_offset", "int"],
    ["end_offset", "int"],
    ["start_code_point", "int"],
    ["end_code_point", "int"],
    ["confidence", "float"],
    ["source", "string"],
    ["flags", "json"],
    ["record", "string"],
  ],
};

/** What one expert did to one record's suggestions (migrations/0004). */
export const correctionsTable: TableSpec = {
  name: "entity_corrections",
  key: ["external_id", "annotator", "ordinal"],
  columns: [
    ["external_id", "string"],
    ["annotator", "string"],
    ["ordinal", "int"],
    ["doc_id", "string"],
    ["run_id", "int"],
    ["page", "int"],
    ["action", "string"],
    ["original_label", "string"],
    ["original_text", "string"],
    ["original_start", "int"],
    ["original_end", "int"],
    ["corrected_label", "string"],
    ["corrected_text", "string"],
    ["corrected_start", "int"],
    ["corrected_end", "int"],
    ["response_updated_at", "timestamp"],
    ["recorded_at", "timestamp"],
  ],
};

/** The spans one expert submitted for one record: the approved truth (migrations/0004). */
export const annotatedTable: TableSpec = {
  name: "annotated",
  key: ["external_id", "annotator", "ordinal"],
  columns: [
    ["external_id", "string"],
    ["annotator", "string"],
    ["ordinal", "int"],
    ["doc_id", "string"],
    ["run_id", "int"],
    ["page", "int"],
    ["label", "string"],
    ["text", "string"],
    ["start_code_point", "int"],
    ["end_code_point", "int"],
    ["response_updated_at", "timestamp"],
  ],
};

export interface RunRows {
  documents: Row[];
  pages: Row[];
  entities: Row[];
}

export interface RunFacts {
  runId: number;
  source: "upload" | "bulk";
  outcome: "done" | "partial";
  finishedAt: number;
}

/** Everything one finished run wrote, as rows. Pages that never got a result are there too, with their error. */
/** A page as a run's rows need it: its columns, and what it read. */
export type RunPage = Omit<PageRow, "parsed_json" | "carry_json" | "entities_json"> & { reading: { blocks: Block[] } | null; entities: Entity[] | null };

export async function runRows(doc: DocumentRow, pages: readonly RunPage[], run: RunFacts): Promise<RunRows> {
  const key = { doc_id: doc.id, run_id: run.runId };
  const pageRows: Row[] = [];
  const entityRows: Row[] = [];
  for (const page of pages) {
    const blocks = page.reading?.blocks ?? null;
    pageRows.push({
      ...key,
      page: page.page,
      status: page.status,
      ocr_path: page.ocr_path,
      raw_text: page.ocr_text,
      clean_text: page.clean_text,
      text_sha256: page.clean_text === null ? null : await sha256Hex(new TextEncoder().encode(page.clean_text)),
      blocks: blocks && JSON.stringify(blocks),
      tables: blocks && JSON.stringify(blocks.flatMap((block) => (block.table ? [block.table] : []))),
      image_kind: page.image_kind,
      image_width: page.image_width,
      image_height: page.image_height,
      attempts: page.attempts,
      render_ms: page.render_ms,
      ocr_ms: page.ocr_ms,
      finish_reason: page.finish_reason,
      prompt_tokens: page.prompt_tokens,
      completion_tokens: page.completion_tokens,
      error: page.error,
    });
    const entities = page.entities ?? [];
    entities.forEach((entity, ordinal) =>
      entityRows.push({
        ...key,
        page: page.page,
        ordinal,
        label: entity.label,
        text: entity.text,
        value: entity.value,
        start_offset: entity.start,
        end_offset: entity.end,
        start_code_point: entity.startCodePoint,
        end_code_point: entity.endCodePoint,
        confidence: entity.confidence,
        source: entity.source,
        flags: JSON.stringify(entity.flags),
        record: entity.record,
      }),
    );
  }
  const failed = pages.filter((page) => page.status === "failed").length;
  const documentRow: Row = {
    ...key,
    filename: doc.filename,
    bytes: doc.bytes,
    sha256: doc.sha256,
    source: run.source,
    outcome: run.outcome,
    page_count: pages.length,
    pages_read: pages.length - failed,
    pages_failed: failed,
    entity_count: entityRows.length,
    received_at: doc.created_at,
    finished_at: run.finishedAt,
  };
  return { documents: [documentRow], pages: pageRows, entities: entityRows };
}
