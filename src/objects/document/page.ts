/**
 * A page as the Document object's store hands it up: its columns, with what it read (blocks and
 * offsets, entities, the column labels it carries) decoded from their JSON once, here, and
 * encoded back here when it is written.
 */
import type { PageRow } from "../../domain/document";
import type { Entity } from "../../domain/protocol";
import type { ColumnLabels } from "../../entities/extract";
import type { Block, OffsetRun } from "../../ocr/grounding";

/** A list's column labels carried from page to page (./header-carry.ts). */
export interface Carry {
  /** What the page's first table inherited (null: nothing, or it had a header of its own). */
  inherited: ColumnLabels | null;
  /** The labels of its last table, for the next page. */
  last: ColumnLabels | null;
}

/** The page's result in structure: its blocks, and how the clean text maps onto the raw output. */
export interface Reading {
  blocks: Block[];
  offsets: OffsetRun[];
}

export type Page = Omit<PageRow, "parsed_json" | "carry_json" | "entities_json"> & {
  reading: Reading | null;
  carry: Carry | null;
  entities: Entity[] | null;
};

/** What a page transition may set besides its status. */
export type PagePatch = Partial<Omit<Page, "page" | "status" | "updated_at">>;

export function decoded<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}

export function pageOf({ parsed_json, carry_json, entities_json, ...columns }: PageRow): Page {
  return { ...columns, reading: decoded(parsed_json), carry: decoded(carry_json), entities: decoded(entities_json) };
}

export function columnsOf({ reading, carry, entities, ...columns }: Page): PageRow {
  const encoded = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return { ...columns, parsed_json: encoded(reading), carry_json: encoded(carry), entities_json: encoded(entities) };
}
