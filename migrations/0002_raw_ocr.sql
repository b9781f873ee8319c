-- One row per page and run: what the model (or the text layer) said, parsed, with sizes and timings.
CREATE TABLE raw_ocr (
    doc_id            VARCHAR   NOT NULL,
    run_id            INTEGER   NOT NULL,
    page              INTEGER   NOT NULL,
    status            VARCHAR   NOT NULL,  -- done | degraded | blank | failed
    ocr_path          VARCHAR,             -- ocr | text-layer
    raw_text          VARCHAR,             -- verbatim model output
    clean_text        VARCHAR,             -- markup removed; entity offsets point into this
    text_sha256       VARCHAR,             -- of clean_text
    blocks            JSON,                -- labelled regions with pixel boxes and spans
    tables            JSON,                -- the blocks' tables: rows of cells
    image_kind        VARCHAR,
    image_width       INTEGER,
    image_height      INTEGER,
    attempts          INTEGER   NOT NULL,
    render_ms         INTEGER,
    ocr_ms            INTEGER,
    finish_reason     VARCHAR,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    error             VARCHAR,
    PRIMARY KEY (doc_id, run_id, page)
);
