/**
 * Reading text out of DeepSeek-OCR's grounded markdown: every block is
 * `<|ref|>label<|/ref|><|det|>[[x1, y1, x2, y2], ...]<|/det|>` followed by its content, and tables
 * are HTML. This gives the readable text of a page; the full block parser with boxes and an offset
 * map belongs to the OCR-fidelity work (issue 4).
 */
const groundingTag = /<\|ref\|>[\s\S]*?<\|\/ref\|>(?:<\|det\|>[\s\S]*?<\|\/det\|>)?\n?/g;
const specialToken = /<\|[a-z_/]+\|>/gi;
const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " " };

export function plainText(raw: string): string {
  return raw
    .replace(groundingTag, "")
    .replace(specialToken, "")
    .replace(/<\/t[dh]>\s*(?=<t[dh][\s>])/gi, "\t")
    .replace(/<\/tr>|<br\s*\/?>/gi, "\n")
    .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, "")
    .replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (entity) => entities[entity])
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
