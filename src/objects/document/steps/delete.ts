/**
 * Deleting a document: everything it left anywhere, in an order that can stop and resume at any
 * point (each removal is idempotent): its page images, output files and upload in R2, its rows in
 * the warehouse, its records in Argilla, its row in the operators' index. The object's own storage
 * goes last, by the caller, once all of this is done.
 */
import { argillaOptions, warehouseOptions } from "../../../config";
import { deleteDocumentRows, withWarehouse } from "../../../outputs/warehouse";
import { deleteRecords } from "../../../review/argilla";
import { removeFromIndex } from "../../../storage/document-index";
import type { DocumentWork } from "../work";
import { ARGILLA_RECORD } from "./review";

export async function deleteEverything(work: DocumentWork): Promise<void> {
  const doc = work.doc();
  const bucket = work.env.DOCUMENTS_BUCKET;
  const pageImages: string[] = [];
  for (let cursor: string | undefined, more = true; more; ) {
    const listing = await bucket.list({ prefix: `pages/${doc.id}/`, cursor });
    pageImages.push(...listing.objects.map((object) => object.key));
    more = listing.truncated;
    cursor = listing.truncated ? listing.cursor : undefined;
  }
  const outputs = work.store.outputKeys();
  const keys = [...pageImages, ...outputs.filter((key) => !key.startsWith(ARGILLA_RECORD)), doc.r2_key];
  for (let at = 0; at < keys.length; at += 1000) await bucket.delete(keys.slice(at, at + 1000));

  const warehouse = warehouseOptions(work.config);
  if (warehouse) await withWarehouse(warehouse, (promise) => work.waitUntil(promise), (client) => deleteDocumentRows(client, doc.id));

  const argilla = argillaOptions(work.config);
  const records = [
    ...new Set([
      ...outputs.filter((key) => key.startsWith(ARGILLA_RECORD)).map((key) => key.slice(ARGILLA_RECORD.length)),
      ...work.store.pages().flatMap((page) => (page.review_record_id ? [page.review_record_id] : [])),
    ]),
  ];
  if (argilla && records.length) {
    const { datasetId } = await work.env.ReviewSync.getByName(work.config.ARGILLA_DATASET).dataset();
    await deleteRecords(argilla, datasetId, records);
  }

  await removeFromIndex(work.env.INDEX, doc.id);
}
