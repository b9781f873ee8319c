/**
 * A page's text as stored: verbatim, parsed (clean text, blocks, offsets), and its entities, with
 * the language model's if one is configured (its failure costs the page nothing). Tables that go
 * on from the page before read their columns by that page's header.
 */
import { llmEntities, llmOptions, type LocatedSpan } from "../../../entities/llm";
import { log } from "../../../lib/log";
import { parseGrounded, type ParsedPage } from "../../../ocr/grounding";
import { pageSummary } from "../page-views";
import { readPage, relink } from "../header-carry";
import type { PagePatch } from "../page";
import type { DocumentWork } from "../work";

export async function readResult(
  work: DocumentWork,
  raw: string,
  image: { width: number; height: number },
  page: number,
  { ocr, parsed = parseGrounded(raw, image) }: { ocr: boolean; parsed?: ParsedPage },
): Promise<PagePatch> {
  const llm = llmOptions(work.config);
  let spans: LocatedSpan[] = [];
  if (llm && parsed.text.trim()) {
    const result = await llmEntities(parsed.text, llm);
    spans = result.spans;
    log({ event: "entities.llm", documentId: work.doc().id, page, spans: spans.length, dropped: result.dropped, ...(result.error ? { error: result.error } : {}) });
  }
  // A table continuing the previous page's without its header reads its columns by that header.
  const before = page > 1 ? work.store.carryOf(page - 1) : null;
  const { entities, carry } = readPage(parsed.text, parsed.blocks, page, { llmSpans: spans, inherited: before?.last ?? null, ocr });
  return {
    ocr_text: raw,
    clean_text: parsed.text,
    reading: { blocks: parsed.blocks, offsets: parsed.offsets },
    entities,
    carry,
  };
}

/**
 * Pages finish out of order: once all have settled, each headerless table reads its columns by
 * the header of the page before it as that page now stands, and subscribers hear of the pages
 * whose entities changed.
 */
export function carryHeaders(work: DocumentWork): void {
  for (const { page, entities, carry } of relink(work.store.pages())) {
    const { seq, at, from, row } = work.store.updateEntities(page, entities, carry);
    log({ event: "page.entities", documentId: work.doc().id, page, entities: entities.length, reason: `column header carried over from page ${page - 1}` });
    work.announce({ type: "page", seq, at: new Date(at).toISOString(), from, page: pageSummary(row), entities });
  }
}
