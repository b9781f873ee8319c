/** A document's upload, opened for paging: read by ranges from R2 when it is big (never whole in memory), else whole. */
import type { Settings } from "../../config";
import { PdfError } from "../../pdf/errors";
import { openSource, type PdfSource } from "../../pdf/source";

export async function openUpload(bucket: R2Bucket, key: string, config: Settings): Promise<PdfSource> {
  const head = await bucket.head(key);
  if (!head) throw new PdfError("the uploaded file is missing from storage");
  const read = async (offset: number, length: number) => {
    const object = await bucket.get(key, { range: { offset, length } });
    if (!object) throw new PdfError("the uploaded file is missing from storage");
    return new Uint8Array(await object.arrayBuffer());
  };
  const limits = {
    maxPages: config.MAX_PAGES,
    maxPagePixels: config.MAX_PAGE_PIXELS,
    maxImagePixels: config.MAX_IMAGE_PIXELS,
    maxContentBytes: config.MAX_CONTENT_BYTES,
    rangedMinBytes: config.RANGED_MIN_BYTES,
  };
  return openSource({ size: head.size, read }, limits);
}
