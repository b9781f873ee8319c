/**
 * Every key this deployment writes in its R2 bucket, in one place. A document's upload key is
 * stored with the document (a bulk document keeps the key it arrived under): read it from there,
 * never rebuild it.
 *
 *   uploads/<id>.pdf                      uploads through the API
 *   <BULK_PREFIX>...                      files dropped into the bucket (kept where they are)
 *   pages/<id>/<page>.jpg|png             page images sent to OCR and shown to reviewers
 *   warehouse/<table>/date=.../doc_id=.../run_id=.../part-000.parquet   each run's rows
 *   health/<random>                       the health check's round trip, deleted at once
 */
export const UPLOADS_PREFIX = "uploads/";

export function uploadKey(documentId: string): string {
  return `${UPLOADS_PREFIX}${documentId}.pdf`;
}

export function pageImageKey(documentId: string, page: number, kind: "png" | "jpeg"): string {
  return `pages/${documentId}/${String(page).padStart(5, "0")}.${kind === "jpeg" ? "jpg" : "png"}`;
}

export function parquetKey(table: string, docId: string, runId: number, finishedAt: number): string {
  const date = new Date(finishedAt).toISOString().slice(0, 10);
  return `warehouse/${table === "raw_ocr" ? "pages" : table}/date=${date}/doc_id=${docId}/run_id=${runId}/part-000.parquet`;
}

export function healthProbeKey(): string {
  return `health/${crypto.randomUUID()}`;
}
