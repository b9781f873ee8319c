/**
 * Vessel entities out of tables: each column gets a label from its header (every header row is
 * read, the most specific first, so "IMO" under "Identifiers" is an IMO number), or, on a page
 * that continues the previous page's table without repeating its header, from that header; a
 * column nothing names is known by its values when they check out (IMO check digits, MMSI MIDs,
 * country names, ITU call-sign series). The cells of one row are one vessel (one `record`).
 */
import type { Block, Table, TableCell } from "../ocr/grounding";
import { callSignAllocated } from "./call-signs";
import { headerKnown, labelForHeader, namesOwnerAndAddress } from "./headers";
import { capitalReadings, lastGlyph, likeItsPeers, OCR_DOUBTFUL, OCR_REPAIRED, unmisread } from "./ocr-repair";
import { companyAt, LEGAL_FORM } from "./phrases";
import { callSignShape, flagAlpha3, imoCheckDigitValid, imoDigits, mmsiCountry, validate, type Checked } from "./values";

export type EntitySource = "table" | "rule" | "tagger" | "llm";

export interface Candidate extends Checked {
  label: string;
  start: number;
  end: number;
  source: EntitySource;
  record: string | null;
}

/** A table's columns and their labels: what the next page inherits when its table has no header. */
export interface ColumnLabels {
  columns: number;
  labels: Array<string | null>;
}

/** A column's label for the owner's name and address in one cell (never an entity's label: its cells give OWNER_NAME). */
const OWNER_AND_ADDRESS = "OWNER_NAME_AND_ADDRESS";

const NOT_AVAILABLE = /^(n\/?a|na|ne|none|nil|not available|unknown|-+|\.+|—|–)$/i;

/** Labels a vessel row may carry twice (a validity period has two ends; a vessel several ids). */
const repeatableLabels = new Set(["VALIDITY_PERIOD", "AUTHORIZATION_NUMBER", "DATE"]);

/** The texts of a column's cells, row by row. */
const columnTexts = (body: readonly TableCell[][], column: number) => body.flatMap((row) => columnsOf(row).filter(([c]) => c === column).map(([, cell]) => cell.text));

/** Columns a cell covers, by its position and colspan. */
function columnsOf(row: readonly TableCell[]): Array<[number, TableCell]> {
  const out: Array<[number, TableCell]> = [];
  let column = 0;
  for (const cell of row) {
    out.push([column, cell]);
    column += cell.colspan;
  }
  return out;
}

/**
 * The table's header rows: as the parser found them, or, where it found none, a first row that
 * names at least two columns in words we know and holds no number (an OCR'd header whose cells
 * did not all come through, so it did not look like one).
 */
export function headerRowsOf(table: Table): number {
  if (table.headerRows > 0) return table.headerRows;
  const first = table.rows[0];
  if (!first || table.rows.length < 2) return 0;
  const named = first.filter((cell) => headerKnown(cell.text)).length;
  const numbers = first.filter((cell) => {
    const text = cell.text.replace(/\s/g, "");
    const digits = text.replace(/\D/g, "").length;
    return digits >= 3 && digits >= text.length * 0.5;
  }).length;
  return named >= 2 && numbers === 0 ? 1 : 0;
}

function columnCount(table: Table): number {
  return Math.max(0, ...table.rows.map((row) => row.reduce((n, cell) => n + cell.colspan, 0)));
}

/**
 * Each column's label: from the header rows (the lowest row's name first, then those above, then
 * all of them read together), else inherited, else from the values. Of two columns with one label
 * ("Flag State Code", "Flag State Name") the first counts.
 */
export function columnLabels(table: Table, inherited: ColumnLabels | null): ColumnLabels {
  const columns = columnCount(table);
  const headerRows = headerRowsOf(table);
  const header = table.rows.slice(0, headerRows);
  const body = table.rows.slice(headerRows);
  const labels: Array<string | null> = new Array(columns).fill(null);
  const named = new Array(columns).fill(false);
  if (header.length) {
    const names: string[][] = Array.from({ length: columns }, () => []);
    for (const row of header) for (const [start, cell] of columnsOf(row)) for (let c = start; c < start + cell.colspan && c < columns; c++) if (cell.text.trim()) names[c].push(cell.text);
    names.forEach((parts, column) => {
      // A header that says nothing we know (misread, or a word of its own) leaves the values to speak.
      named[column] = parts.some(headerKnown);
      const tries = [...[...parts].reverse(), parts.join(" ")];
      labels[column] = tries.map((text) => (namesOwnerAndAddress(text) ? OWNER_AND_ADDRESS : labelForHeader(text))).find((label) => label !== null) ?? null;
    });
  } else if (inherited && continues(table, inherited)) {
    inherited.labels.forEach((label, column) => (labels[column] = label));
    named.fill(true);
  }
  byValues(body, labels, named);
  const seen = new Set<string>();
  return {
    columns,
    labels: labels.map((label) => {
      if (!label || repeatableLabels.has(label)) return label;
      if (seen.has(label)) return null;
      seen.add(label);
      return label;
    }),
  };
}

/** Labels for columns no header named, where nearly all values check out as one kind. */
function byValues(body: readonly TableCell[][], labels: Array<string | null>, named: readonly boolean[]): void {
  const values = labels.map((_, column) => columnTexts(body, column).map((text) => text.trim()).filter((text) => text && !NOT_AVAILABLE.test(text)));
  const share = (column: number, test: (text: string) => boolean) => values[column].filter(test).length / values[column].length;
  const open = (column: number) => labels[column] === null && values[column].length >= 2;
  const taken = (label: string) => labels.includes(label);
  values.forEach((_, column) => {
    if (!open(column)) return;
    if (!taken("IMO_NUMBER") && share(column, (t) => imoCheckDigitValid(imoDigits(t) ?? "")) >= 0.7) labels[column] = "IMO_NUMBER";
    else if (!taken("MMSI") && share(column, (t) => /^\d{9}$/.test(t) && mmsiCountry(t) !== null) >= 0.7) labels[column] = "MMSI";
  });
  // Countries and call signs look like other things too: only where no header said anything.
  const unnamed = labels.map((label, column) => label === null && !named[column] && values[column].length >= 2);
  const flags = unnamed.flatMap((free, column) => (free && share(column, (t) => flagAlpha3(t) !== null) >= 0.8 ? [column] : []));
  if (!taken("FLAG_STATE") && flags.length === 1) labels[flags[0]] = "FLAG_STATE";
  unnamed.forEach((free, column) => {
    if (!free || labels[column] || taken("IRCS_CALL_SIGN")) return;
    const callSigns = share(column, (t) => !/\s/.test(t.trim()) && callSignAllocated(callSignShape(t) ?? ""));
    if (callSigns >= 0.8 && share(column, (t) => /\d/.test(t)) >= 0.3) labels[column] = "IRCS_CALL_SIGN";
  });
}

/**
 * Entities of the page's tables. `inherited`: the labels of the table that ends the previous page,
 * for a table here that continues it without a header (as a table continues the one above it on
 * the page). Returns them and the labels of this page's last table (for the next page).
 */
export function tableEntities(
  blocks: readonly Block[],
  page: number,
  inherited: ColumnLabels | null,
  ocr = false,
): { candidates: Candidate[]; last: ColumnLabels | null; inheritedUsed: boolean } {
  const candidates: Candidate[] = [];
  let last: ColumnLabels | null = null;
  let inheritedUsed = false;
  blocks.forEach((block, blockIndex) => {
    const table = block.table;
    if (!table || !table.rows.length) return;
    // A table without a header continues the one before it: on this page (a list the layout
    // split in two at a row it could not place), or the previous page's for the page's first.
    if (!last && inherited && continues(table, inherited)) inheritedUsed = true;
    const labels = columnLabels(table, last ?? inherited);
    last = labels;
    const body = table.rows.slice(headerRowsOf(table));
    const callSignPeers = ocr ? columnCallSigns(body, labels.labels.indexOf("IRCS_CALL_SIGN")) : [];
    body.forEach((row, rowIndex) => {
      const record = `p${page}-b${blockIndex}-r${rowIndex + 1}`;
      for (const [column, cell] of columnsOf(row)) {
        const label = labels.labels[column];
        if (!label || !cell.text || NOT_AVAILABLE.test(cell.text.trim())) continue;
        // A header the layout could not tell from the rows is still no value: "IRCS" under "IRCS".
        if (!/\d/.test(cell.text) && labelForHeader(cell.text) === label) continue;
        if (label === OWNER_AND_ADDRESS) {
          candidates.push(...ownerAndAddress(cell).map((found) => ({ ...found, source: "table" as const, record, flags: [], confidence: 0.85 })));
          continue;
        }
        const checked = ocr && label === "IRCS_CALL_SIGN" ? ocrCallSign(cell.text, callSignPeers) : validate(label, cell.text);
        if (checked) candidates.push({ label, start: cell.start, end: cell.end, source: "table", record, ...checked });
      }
    });
  });
  return { candidates, last, inheritedUsed };
}

/** A name-and-address cell's owner (to its legal form, else to the first comma) and the address after it. */
function ownerAndAddress(cell: TableCell): Array<{ label: string; start: number; end: number; value: string }> {
  const company = companyAt(cell.text, 0);
  if (!company) return [];
  const name = cell.text.slice(company.start, company.end);
  const comma = name.search(/[,;]/);
  const end = LEGAL_FORM.test(name.split(/\s+/).at(-1)!.replace(/[.,]+$/, "")) || comma < 0 ? company.end : company.start + comma;
  const part = (label: string, from: number, to: number) => ({ label, start: cell.start + from, end: cell.start + to, value: cell.text.slice(from, to) });
  const address = /^[\s,;]*/.exec(cell.text.slice(end))![0].length + end;
  return address < cell.text.trimEnd().length ? [part("OWNER_NAME", company.start, end), part("OWNER_ADDRESS", address, cell.text.trimEnd().length)] : [part("OWNER_NAME", company.start, end)];
}

/** The call signs an OCR'd column holds as read, in capitals and checking out: what its other cells are read by. */
function columnCallSigns(body: readonly TableCell[][], column: number): string[] {
  if (column < 0) return [];
  return columnTexts(body, column).flatMap((text) => {
    const checked = validate("IRCS_CALL_SIGN", unmisread(text));
    return checked && !checked.flags.length ? [checked.value] : [];
  });
}

/**
 * An OCR'd call-sign cell read as its column suggests (./ocr-repair.ts): misread glyphs undone,
 * small letters made capitals, a doubled glyph decided by the column's other call signs of the
 * series, a letter for a final digit read as the digit. A reading that changed the cell is flagged
 * as mended, one left in doubt as doubtful; a cell no reading puts right is checked as written.
 */
export function ocrCallSign(text: string, peers: readonly string[]): Checked | null {
  const asWritten = validate("IRCS_CALL_SIGN", text);
  const readings = capitalReadings(text);
  const read = readings && likeItsPeers([...new Set(readings.map(unmisread))], peers);
  if (!read) return asWritten;
  const { value, doubtful } = lastGlyph(read);
  const checked = validate("IRCS_CALL_SIGN", value);
  if (!checked || checked.flags.length) return asWritten;
  if (doubtful) return { ...checked, flags: [OCR_DOUBTFUL], confidence: 0.4 };
  const unchanged = asWritten && !asWritten.flags.length && asWritten.value === checked.value;
  return unchanged ? asWritten : { ...checked, flags: [OCR_REPAIRED], confidence: 0.7 };
}

/** Whether a table reads its columns by the previous page's: it has no header, and as many columns. */
export function continues(table: Table, inherited: ColumnLabels): boolean {
  return headerRowsOf(table) === 0 && columnCount(table) === inherited.columns;
}
