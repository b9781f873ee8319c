/**
 * Vessel lists laid out the ways real lists are: as web pages printed to PDF by Chromium (the way
 * many RFMO lists reach analysts), in one of many layouts, with the list's own headers and real
 * rows. Each document knows its truth: the tables' cells as printed.
 */
import type { Browser } from "playwright-core";
import { cellText, sampleRows, type Column, type ListSpec, type Row } from "./rows.ts";

export interface TruthTable {
  columns: Column[];
  /** Cells as printed, a row per vessel. */
  rows: string[][];
}

export interface ListDocument {
  id: string;
  split: "tune" | "heldout";
  layout: string;
  list: string;
  pdf: Uint8Array;
  tables: TruthTable[];
}

interface LayoutSpec {
  name: string;
  rows: number;
  css: string;
  landscape?: boolean;
  /** Columns kept (by index into the list's columns), default all. */
  pick?: (columns: Column[]) => Column[];
  /** The body of the page, around the table's HTML. */
  page?: (title: string, table: string, second?: string) => string;
  tables?: number;
  rowNumbers?: boolean;
  blankCells?: number;
  groupHeader?: boolean;
  headerOnFirstPageOnly?: boolean;
}

const base = (font: string, size: number) => `body { font-family: '${font}'; font-size: ${size}px; margin: 0; } table { border-collapse: collapse; } th, td { text-align: left; padding: 3px 8px; } h1 { font-size: ${Math.round(size * 1.6)}px; } p { max-width: 680px; }`;

const layouts: LayoutSpec[] = [
  { name: "plain", rows: 25, css: "" },
  { name: "ruled", rows: 25, css: "th, td { border: 1px solid #000; }" },
  { name: "zebra", rows: 25, css: "thead th { background: #bbb; } tbody tr:nth-child(even) td { background: #e4e4e4; }" },
  { name: "two-line-header", rows: 22, css: "th { width: 52px; vertical-align: bottom; } td { white-space: nowrap; }" },
  { name: "wrapped-top", rows: 18, css: "td { vertical-align: top; } td.wrap { width: 110px; }" },
  { name: "wrapped-middle", rows: 18, css: "td { vertical-align: middle; border-bottom: 1px solid #999; } td.wrap { width: 110px; }" },
  { name: "numeric-right", rows: 25, css: "td.num, th.num { text-align: right; }", rowNumbers: true, blankCells: 0.12 },
  {
    name: "title-notes",
    rows: 18,
    css: "th { border-bottom: 1.5px solid #000; } .notes { font-size: 0.85em; margin-top: 14px; }",
    page: (title, table) =>
      `<h1>${title}</h1><p>The following vessels are authorised to fish for tuna and tuna-like species in the Convention Area, in accordance with the Commission's resolutions. Vessels not entered in the record are deemed not to be authorised.</p>${table}<p class="notes">Notes: 1. Gross tonnage as reported by the flag State. 2. Entries are listed in the order received. Information is provided by flag States and has not been verified by the Secretariat.</p><p class="notes">Page produced on 26 August 2025.</p>`,
  },
  {
    name: "two-tables",
    rows: 9,
    tables: 2,
    css: "h2 { font-size: 1.2em; margin: 18px 0 6px; } th { border-bottom: 1px solid #000; }",
    page: (title, table, second) => `<h1>${title}</h1><h2>Vessels added to the record</h2>${table}<h2>Vessels whose authorisation has ended</h2>${second}`,
  },
  { name: "multi-page", rows: 110, css: "th { border-bottom: 1px solid #000; } thead { display: table-header-group; }" },
  { name: "multi-page-first-header", rows: 110, css: "", headerOnFirstPageOnly: true },
  { name: "landscape", rows: 22, landscape: true, css: "th, td { border-bottom: 0.5px solid #888; }" },
  { name: "dense", rows: 60, css: "th, td { padding: 0 3px; } body { font-size: 7px; }" },
  { name: "merged-header", rows: 20, css: "th { border: 1px solid #000; } td { border-left: 1px solid #000; border-right: 1px solid #000; }", groupHeader: true },
];

export const layoutNames = layouts.map((l) => l.name);

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function tableHtml(columns: Column[], rows: string[][], spec: LayoutSpec): string {
  const numberHead = spec.rowNumbers ? "<th>No.</th>" : "";
  const cls = (c: Column) => [c.numeric ? "num" : "", c.label === "OWNER_NAME" ? "wrap" : ""].filter(Boolean).join(" ");
  let head: string;
  if (spec.groupHeader) {
    const ids = columns.filter((c) => c.label === "IMO_NUMBER" || c.label === "IRCS_CALL_SIGN" || c.label === "MMSI");
    const first = columns.findIndex((c) => ids.includes(c));
    const top = columns
      .map((c, i) => (ids.includes(c) ? (i === first ? `<th colspan="${ids.length}">Identifiers</th>` : "") : `<th rowspan="2" class="${cls(c)}">${escape(c.header)}</th>`))
      .join("");
    head = `<tr>${numberHead}${top}</tr><tr>${ids.map((c) => `<th>${escape(c.header)}</th>`).join("")}</tr>`;
  } else {
    head = `<tr>${numberHead}${columns.map((c) => `<th class="${cls(c)}">${escape(c.header)}</th>`).join("")}</tr>`;
  }
  const body = rows.map((row, i) => `<tr>${spec.rowNumbers ? `<td>${i + 1}</td>` : ""}${row.map((cell, j) => `<td class="${cls(columns[j])}">${escape(cell)}</td>`).join("")}</tr>`).join("");
  if (spec.headerOnFirstPageOnly) return `<table><tbody>${head.replace(/<th/g, '<td style="font-weight:bold"').replace(/<\/th>/g, "</td>")}${body}</tbody></table>`;
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** Columns as a layout shows them: the group header needs its identifiers side by side. */
function columnsFor(list: ListSpec, spec: LayoutSpec): Column[] {
  const columns = spec.pick ? spec.pick(list.columns) : list.columns;
  if (!spec.groupHeader) return columns;
  const ids = columns.filter((c) => c.label === "IMO_NUMBER" || c.label === "IRCS_CALL_SIGN" || c.label === "MMSI");
  const others = columns.filter((c) => !ids.includes(c));
  const at = Math.max(1, others.findIndex((c) => c.label === "FLAG_STATE") + 1);
  return [...others.slice(0, at), ...ids, ...others.slice(at)];
}

export interface Options {
  split: "tune" | "heldout";
  font: string;
  fontSize: number;
  seed: number;
  /** Rows per table instead of the layout's own count (short tables for test fixtures). */
  rows?: number;
  /** Only these layouts. */
  only?: readonly string[];
}

/** Every layout for one list, printed to PDF by Chromium. */
export async function listDocuments(browser: Browser, list: ListSpec, options: Options, random: () => number): Promise<ListDocument[]> {
  const docs: ListDocument[] = [];
  const page = await browser.newPage();
  try {
    for (const spec of layouts.filter((l) => !options.only || options.only.includes(l.name))) {
      const columns = columnsFor(list, spec);
      const tables: TruthTable[] = [];
      const html: string[] = [];
      for (let t = 0; t < (spec.tables ?? 1); t++) {
        const rows = sampleRows(list, options.split, options.rows ?? spec.rows, random).map((row: Row) =>
          columns.map((c) => (spec.blankCells && !c.label && random() < spec.blankCells ? "" : cellText(row, c))),
        );
        tables.push(spec.rowNumbers ? { columns: [{ header: "No.", field: "" }, ...columns], rows: rows.map((r, i) => [String(i + 1), ...r]) } : { columns, rows });
        html.push(tableHtml(columns, rows, spec));
      }
      const body = spec.page ? spec.page(escape(list.title), html[0], html[1]) : `<h1>${escape(list.title)}</h1>${html.join("")}`;
      await page.setContent(`<!doctype html><meta charset="utf-8"><style>${base(options.font, options.fontSize)} ${spec.css}</style>${body}`);
      const pdf = await page.pdf({ format: "A4", landscape: spec.landscape, printBackground: true, margin: { top: "14mm", bottom: "14mm", left: "12mm", right: "12mm" } });
      docs.push({ id: `${options.split}-${list.list}-${spec.name}`, split: options.split, layout: spec.name, list: list.list, pdf: new Uint8Array(pdf), tables });
    }
  } finally {
    await page.close();
  }
  return docs;
}
