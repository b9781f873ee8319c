/**
 * The Document object's SQLite schema, as append-only numbered migrations: entry N is version N+1.
 * Never edit an applied entry; add a new one.
 */
export const documentMigrations = [
  /* 1: the document, its pages, and every transition as an event */ `
  CREATE TABLE document (
    id          TEXT PRIMARY KEY,
    filename    TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    r2_key      TEXT NOT NULL,
    stage       TEXT NOT NULL,
    error       TEXT,
    page_count  INTEGER,
    seq         INTEGER NOT NULL DEFAULT 0,
    -- consecutive alarm runs that ended in an unexpected error
    failures    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE TABLE pages (
    page              INTEGER PRIMARY KEY,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    not_before        INTEGER,
    error             TEXT,
    image_key         TEXT,
    image_kind        TEXT,
    image_width       INTEGER,
    image_height      INTEGER,
    image_sha256      TEXT,
    render_ms         INTEGER,
    ocr_ms            INTEGER,
    ocr_text          TEXT,
    finish_reason     TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    updated_at        INTEGER NOT NULL
  );
  CREATE INDEX pages_by_status ON pages (status, not_before);
  CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    page       INTEGER,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    error      TEXT
  );`,
  /* 2: the hash of the document's capability token; documents from before have none (operators only) */ `
  ALTER TABLE document ADD COLUMN token_sha256 TEXT;`,
  /* 3: the parsed OCR result (clean text, blocks, tables, offset map), and a page's ink share */ `
  ALTER TABLE pages ADD COLUMN clean_text TEXT;
  ALTER TABLE pages ADD COLUMN parsed_json TEXT;
  ALTER TABLE pages ADD COLUMN ink_ratio REAL;`,
  /* 4: the uploader's page selection, and how often a page's rendering was started */ `
  ALTER TABLE document ADD COLUMN page_selection TEXT;
  ALTER TABLE pages ADD COLUMN render_tries INTEGER NOT NULL DEFAULT 0;`,
  /* 5: born-digital pages may be read from their text layer: per document whether to, per page which path */ `
  ALTER TABLE document ADD COLUMN text_layer TEXT NOT NULL DEFAULT 'auto';
  ALTER TABLE pages ADD COLUMN ocr_path TEXT;`,
  /* 6: the vessel entities found on each page */ `
  ALTER TABLE pages ADD COLUMN entities_json TEXT;`,
  /* 7: runs (re-processing starts a new one), where the document came from, and persisting its outputs */ `
  ALTER TABLE document ADD COLUMN run_id INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE document ADD COLUMN source TEXT NOT NULL DEFAULT 'upload';
  ALTER TABLE document ADD COLUMN outcome TEXT;
  ALTER TABLE document ADD COLUMN finished_at INTEGER;
  ALTER TABLE document ADD COLUMN persist_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE document ADD COLUMN parquet_run INTEGER;
  ALTER TABLE document ADD COLUMN warehouse_run INTEGER;`,
  /* 8: review in Argilla: the last run sent, attempts, and each page's record there */ `
  ALTER TABLE document ADD COLUMN review_run INTEGER;
  ALTER TABLE document ADD COLUMN review_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE pages ADD COLUMN review_record_id TEXT;`,
  /* 9: why a page with a text layer was read by OCR instead, and the column labels its tables carry over to the next page (issue 13) */ `
  ALTER TABLE pages ADD COLUMN path_reason TEXT;
  ALTER TABLE pages ADD COLUMN carry_json TEXT;`,
  /* 10: deletion (when it began, so it resumes), and every output written (R2 keys, Argilla records), so it can be removed */ `
  ALTER TABLE document ADD COLUMN deleting_since INTEGER;
  CREATE TABLE outputs (key TEXT PRIMARY KEY);`,
] as const;
