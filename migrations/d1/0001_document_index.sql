-- The operators' index of every document (D1): one row per document, kept current by its Durable
-- Object on every stage change. The document's own SQLite stays the source of truth.
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  filename TEXT NOT NULL,
  source TEXT NOT NULL,
  stage TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  page_count INTEGER,
  run INTEGER NOT NULL,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- The document's event sequence number when this row was written: an older write never wins.
  seq INTEGER NOT NULL
);
CREATE INDEX documents_by_time ON documents (created_at DESC, id DESC);
CREATE INDEX documents_by_stage ON documents (stage, created_at DESC);
CREATE INDEX documents_by_sha256 ON documents (sha256);
