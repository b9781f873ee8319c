-- Expert review in Argilla. A record is one page of one run (external_id "<doc_id>:<run_id>:<page>").
-- Offsets are in code points of the page's clean text, as Argilla counts them.

-- What each expert did to each suggested span: accept | relabel | resize | reject | add.
CREATE TABLE entity_corrections (
    external_id         VARCHAR   NOT NULL,
    annotator           VARCHAR   NOT NULL,
    ordinal             INTEGER   NOT NULL,
    doc_id              VARCHAR   NOT NULL,
    run_id              INTEGER   NOT NULL,
    page                INTEGER   NOT NULL,
    action              VARCHAR   NOT NULL,
    original_label      VARCHAR,
    original_text       VARCHAR,
    original_start      INTEGER,
    original_end        INTEGER,
    corrected_label     VARCHAR,
    corrected_text      VARCHAR,
    corrected_start     INTEGER,
    corrected_end       INTEGER,
    response_updated_at TIMESTAMP NOT NULL,
    recorded_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (external_id, annotator, ordinal)
);

-- The spans an expert submitted for a record: the approved ground truth.
CREATE TABLE annotated (
    external_id         VARCHAR   NOT NULL,
    annotator           VARCHAR   NOT NULL,
    ordinal             INTEGER   NOT NULL,
    doc_id              VARCHAR   NOT NULL,
    run_id              INTEGER   NOT NULL,
    page                INTEGER   NOT NULL,
    label               VARCHAR   NOT NULL,
    text                VARCHAR   NOT NULL,
    start_code_point    INTEGER   NOT NULL,
    end_code_point      INTEGER   NOT NULL,
    response_updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (external_id, annotator, ordinal)
);
