/**
 * A list's table runs over many pages, often with its header on the first one only: each page's
 * last table's column labels carry over to the next page, whose first table, if it has no header,
 * reads its columns by them. Pages finish out of order, so once every page has settled the
 * document walks its pages in order and reads again each page whose inheritance has changed.
 */
import { readEntities, type PageReading } from "../../entities/extract";
import { headerRowsOf } from "../../entities/tables";
import type { Block } from "../../ocr/grounding";
import type { Entity } from "../../domain/protocol";
import { hasResult } from "../../domain/lifecycle";
import type { Carry, Page } from "./page";

/** A page's entities and what it carries, reading its columns by `inherited` where it has no header. */
export function readPage(text: string, blocks: readonly Block[], page: number, reading: PageReading): { entities: Entity[]; carry: Carry } {
  const inherited = reading.inherited ?? null;
  const { entities, lastTable, inheritedUsed } = readEntities(text, blocks, page, reading);
  return { entities, carry: { inherited: inheritedUsed ? inherited : null, last: lastTable } };
}

/** The pages (in order) whose entities change once each inherits from the page before it as it now is. */
export function relink(pages: readonly Page[]): Array<{ page: number; entities: Entity[]; carry: Carry }> {
  const changed: Array<{ page: number; entities: Entity[]; carry: Carry }> = [];
  let previous: { page: number; carry: Carry | null } | null = null;
  for (const row of pages) {
    const inherited = previous?.page === row.page - 1 ? (previous.carry?.last ?? null) : null;
    let carry = row.carry;
    const parsed = hasResult(row.status) && row.clean_text !== null ? row.reading : null;
    const first = parsed?.blocks.find((block) => block.table)?.table;
    // Only a page that starts with a headerless table can read differently now.
    if (parsed && first && headerRowsOf(first) === 0) {
      const stored = row.entities ?? [];
      const spans = stored.filter((e) => e.source === "llm").map((e) => ({ label: e.label, start: e.start, end: e.end }));
      const read = readPage(row.clean_text!, parsed.blocks, row.page, { llmSpans: spans, inherited, ocr: row.ocr_path === "ocr" });
      if (JSON.stringify(read.entities) !== JSON.stringify(stored) || JSON.stringify(read.carry) !== JSON.stringify(row.carry)) changed.push({ page: row.page, ...read });
      carry = read.carry;
    }
    previous = hasResult(row.status) ? { page: row.page, carry } : null;
  }
  return changed;
}
