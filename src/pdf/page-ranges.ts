/**
 * Page selections as uploaders write them (`pages=1-5,9`, as Docling, Azure and LlamaParse take
 * them): 1-based, inclusive, comma-separated; `7-` means "from 7 to the end".
 */
export type PageRange = [first: number, last: number | null];

export class PageRangeError extends Error {
  override name = "PageRangeError";
}

const MAX_RANGES = 100;

export function parsePageRanges(text: string): PageRange[] {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length > MAX_RANGES) throw new PageRangeError(`at most ${MAX_RANGES} page ranges`);
  return parts.map((part) => {
    const match = /^(\d{1,7})(?:\s*-\s*(\d{1,7})?)?$/.exec(part);
    if (!match) throw new PageRangeError(`"${part}" is not a page or a range like 1-5`);
    const first = Number(match[1]);
    const last = match[2] !== undefined ? Number(match[2]) : part.includes("-") ? null : first;
    if (first < 1) throw new PageRangeError("pages count from 1");
    if (last !== null && last < first) throw new PageRangeError(`"${part}" runs backwards`);
    return [first, last];
  });
}

/** The selected page numbers of a document with `count` pages, in order, each once. */
export function selectPages(ranges: readonly PageRange[] | null, count: number): { pages: number[]; outside: string[] } {
  if (!ranges) return { pages: Array.from({ length: count }, (_, i) => i + 1), outside: [] };
  const chosen = new Set<number>();
  const outside: string[] = [];
  for (const [first, last] of ranges) {
    const end = last ?? count;
    if (first > count) {
      outside.push(last === first ? String(first) : `${first}-${last ?? ""}`);
      continue;
    }
    if (end > count) outside.push(`${count + 1}-${end}`);
    for (let page = first; page <= Math.min(end, count); page++) chosen.add(page);
  }
  return { pages: [...chosen].sort((a, b) => a - b), outside };
}

export function formatPageRanges(ranges: readonly PageRange[]): string {
  return ranges.map(([first, last]) => (last === first ? String(first) : `${first}-${last ?? ""}`)).join(",");
}
