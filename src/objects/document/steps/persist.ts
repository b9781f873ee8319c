/**
 * persisting: the run's Parquet files to R2, then its rows to the warehouse, each skipped once
 * acknowledged for this run. Both writes are idempotent, so a retry after a failure half-way is
 * safe. On failure the document waits in `persist_retry` and tries again with backoff, for as long
 * as it takes: its own SQLite keeps everything meanwhile.
 */
import { argillaOptions, warehouseOptions } from "../../../config";
import type { DocumentRow } from "../../../domain/document";
import { errorMessage } from "../../../lib/errors";
import { log } from "../../../lib/log";
import { writeRunParquet } from "../../../outputs/parquet";
import { runRows, type RunRows } from "../../../outputs/tables";
import { withWarehouse, writeRun } from "../../../outputs/warehouse";
import { now, retryLater, type DocumentWork, type Next } from "../work";
import { finish } from "./review";

export async function persist(work: DocumentWork): Promise<Next> {
  const doc = work.doc();
  const finishedAt = doc.finished_at ?? Date.now();
  const rows = await runRows(doc, work.store.pages(), { runId: doc.run_id, source: doc.source, outcome: doc.outcome ?? "done", finishedAt });
  const attempt = doc.persist_attempts + 1;
  let output: "parquet" | "warehouse" = "parquet";
  let started = Date.now();
  try {
    if (doc.parquet_run !== doc.run_id) {
      work.store.recordOutputs(await writeRunParquet(work.env.DOCUMENTS_BUCKET, rows, finishedAt));
      work.store.markPersisted("parquet", doc.run_id);
      logPersist(doc, "parquet", "ok", attempt, started, { rows: rowCount(rows) });
    }
    output = "warehouse";
    started = Date.now();
    const warehouse = warehouseOptions(work.config);
    if (!warehouse) {
      logPersist(doc, "warehouse", "off", attempt, started, {});
    } else if (doc.warehouse_run !== doc.run_id) {
      const statements = await withWarehouse(warehouse, (promise) => work.waitUntil(promise), (client) => writeRun(client, rows, warehouse));
      work.store.markPersisted("warehouse", doc.run_id);
      logPersist(doc, "warehouse", "ok", attempt, started, { rows: rowCount(rows), statements });
    }
  } catch (error) {
    const message = errorMessage(error);
    logPersist(doc, output, "failed", attempt, started, { error: message });
    const { at, failures } = retryLater(work, "persist", work.config.WAREHOUSE_RETRY_BASE_MS);
    work.moveDocument("persist_retry", `writing to ${output === "parquet" ? "R2" : "the warehouse"} failed (attempt ${failures}): ${message}; retrying`);
    return { at };
  }
  if (argillaOptions(work.config)) work.moveDocument("review");
  else finish(work);
  return now;
}

function logPersist(
  doc: DocumentRow,
  output: "parquet" | "warehouse",
  outcome: "ok" | "failed" | "off",
  attempt: number,
  started: number,
  extra: { rows?: number; statements?: number; error?: string },
): void {
  log({ event: "persist.result", documentId: doc.id, run: doc.run_id, output, outcome, attempt, latencyMs: Date.now() - started, ...extra });
}

function rowCount(rows: RunRows): number {
  return rows.documents.length + rows.pages.length + rows.entities.length;
}
