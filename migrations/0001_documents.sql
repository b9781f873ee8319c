-- One row per processing run of a document. Times are UTC.
CREATE TABLE documents (
    doc_id          VARCHAR   NOT NULL,
    run_id          INTEGER   NOT NULL,
    filename        VARCHAR   NOT NULL,
    bytes           BIGINT    NOT NULL,
    sha256          VARCHAR   NOT NULL,
    source          VARCHAR   NOT NULL,  -- upload | bulk
    outcome         VARCHAR   NOT NULL,  -- done | partial
    page_count      INTEGER   NOT NULL,
    pages_read      INTEGER   NOT NULL,  -- pages with a result (done, degraded, blank)
    pages_failed    INTEGER   NOT NULL,
    entity_count    INTEGER   NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, run_id)
);
