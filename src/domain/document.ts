/**
 * A document and its pages as the Document object stores them (one row each in its SQLite), and
 * the words for who reads them and how they move. No I/O: every layer may use these.
 */
import type { DocumentStage, PageStatus } from "./lifecycle";

export interface NewDocument {
  id: string;
  filename: string;
  bytes: number;
  sha256: string;
  r2Key: string;
  /** SHA-256 (hex) of the capability token handed to the uploader; null for bulk ingest (operators only). */
  tokenSha256: string | null;
  /** An upload through the API, or a file dropped straight into the bucket. */
  source: "upload" | "bulk";
  /** The uploader's page selection (`1-5,9`), already validated; null for every page. */
  pages: string | null;
  /** Whether born-digital pages may be read from their text layer. */
  textLayer: "auto" | "off";
}

/** Who reads: an operator (already authenticated by the Worker), or the holder of a token. */
export type Reader = { kind: "operator" } | { kind: "token"; tokenSha256: string };

export type DocumentRow = {
  id: string;
  filename: string;
  bytes: number;
  sha256: string;
  r2_key: string;
  stage: DocumentStage;
  error: string | null;
  page_count: number | null;
  seq: number;
  failures: number;
  token_sha256: string | null;
  page_selection: string | null;
  text_layer: "auto" | "off";
  created_at: number;
  updated_at: number;
  run_id: number;
  source: "upload" | "bulk";
  /** How the current run's pages ended (done | partial), kept while its outputs are persisted. */
  outcome: "done" | "partial" | null;
  finished_at: number | null;
  persist_attempts: number;
  /** The last run whose Parquet files / warehouse rows were acknowledged. */
  parquet_run: number | null;
  warehouse_run: number | null;
  /** The last run whose pages were sent to Argilla for review. */
  review_run: number | null;
  review_attempts: number;
  /** Set once deletion began: the document does nothing else, and deletion resumes until done. */
  deleting_since: number | null;
};

export type PageRow = {
  page: number;
  status: PageStatus;
  attempts: number;
  not_before: number | null;
  error: string | null;
  image_key: string | null;
  image_kind: "png" | "jpeg" | null;
  image_width: number | null;
  image_height: number | null;
  image_sha256: string | null;
  render_ms: number | null;
  ocr_ms: number | null;
  ocr_text: string | null;
  finish_reason: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  clean_text: string | null;
  parsed_json: string | null;
  ink_ratio: number | null;
  render_tries: number;
  ocr_path: "ocr" | "text-layer" | null;
  /** Why a page with a text layer went to OCR instead. */
  path_reason: string | null;
  /** The column labels the page inherited for a headerless table, and those of its last table (JSON). */
  carry_json: string | null;
  entities_json: string | null;
  /** The page's record in Argilla (its current run's). */
  review_record_id: string | null;
  updated_at: number;
};

/** What a stored transition was, for the log and the subscribers. */
export interface Transition<State> {
  seq: number;
  at: number;
  from: State | null;
  to: State;
  /** Time spent in `from`. */
  durationMs: number | null;
}
