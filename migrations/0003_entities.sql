-- The vessel entities found on each page of a run. Offsets are into raw_ocr.clean_text,
-- in UTF-16 units (start/end) and in code points (as Argilla counts).
CREATE TABLE entities (
    doc_id            VARCHAR   NOT NULL,
    run_id            INTEGER   NOT NULL,
    page              INTEGER   NOT NULL,
    ordinal           INTEGER   NOT NULL,  -- position on the page, by span
    label             VARCHAR   NOT NULL,
    text              VARCHAR   NOT NULL,
    value             VARCHAR   NOT NULL,  -- normalised (ISO alpha-3 flag, ISO date, GT/m/kW ...)
    start_offset      INTEGER   NOT NULL,
    end_offset        INTEGER   NOT NULL,
    start_code_point  INTEGER   NOT NULL,
    end_code_point    INTEGER   NOT NULL,
    confidence        DOUBLE    NOT NULL,
    source            VARCHAR   NOT NULL,  -- table | rule | llm
    flags             JSON      NOT NULL,  -- e.g. ["imo_check_digit_failed"]
    record            VARCHAR,             -- one table row = one vessel
    PRIMARY KEY (doc_id, run_id, page, ordinal)
);
