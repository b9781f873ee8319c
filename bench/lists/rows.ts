/**
 * Real vessel rows for list documents: the RFMO lists in ../shared/data/rfmo, each shown with its
 * own column headers. Rows are split once, by a seeded shuffle, into a tuning half and a held-out
 * half; the lists that carry neither owners nor MMSIs are held out whole.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

export const DATA = join(import.meta.dirname, "../../../shared/data/rfmo");

/** What a column holds, for the truth: the evaluated labels, or nothing measured. */
export type TruthLabel = "VESSEL_NAME" | "IMO_NUMBER" | "IRCS_CALL_SIGN" | "MMSI" | "FLAG_STATE" | "OWNER_NAME";

export interface Column {
  /** The list's own header for it. */
  header: string;
  field: string;
  label?: TruthLabel;
  numeric?: boolean;
}

export interface ListSpec {
  list: string;
  file: string;
  title: string;
  columns: Column[];
  split: "tune" | "heldout" | "both";
}

export const lists: ListSpec[] = [
  {
    list: "IOTC",
    file: "IOTC_vessels_2025-08-26.csv",
    title: "IOTC Record of Authorised Vessels",
    split: "both",
    columns: [
      { header: "IOTC Number", field: "IOTC Number" },
      { header: "Name", field: "Name", label: "VESSEL_NAME" },
      { header: "Flag State Code", field: "Flag State Code", label: "FLAG_STATE" },
      { header: "IMO", field: "IMO", label: "IMO_NUMBER" },
      { header: "IRCS", field: "IRCS", label: "IRCS_CALL_SIGN" },
      { header: "Gears Name", field: "Gears Name" },
      { header: "LOA (m)", field: "LOA (m)", numeric: true },
      { header: "GT", field: "GT", numeric: true },
      { header: "Owner", field: "Owner", label: "OWNER_NAME" },
    ],
  },
  {
    list: "FFA",
    file: "FFA_vessels_2025-08-26.csv",
    title: "FFA Vessel Register: vessels in good standing",
    split: "both",
    columns: [
      { header: "Name", field: "Name", label: "VESSEL_NAME" },
      { header: "Flag", field: "Flag", label: "FLAG_STATE" },
      { header: "IMO Number", field: "IMO Number", label: "IMO_NUMBER" },
      { header: "International Radio Call Sign (IRCS)", field: "International Radio Call Sign (IRCS)", label: "IRCS_CALL_SIGN" },
      { header: "MMSI", field: "MMSI", label: "MMSI" },
      { header: "Type", field: "Type" },
      { header: "Vessel Tonnage (GRT)", field: "Vessel Tonnage (GRT)", numeric: true },
      { header: "Owner Company Name", field: "Owner Company Name", label: "OWNER_NAME" },
    ],
  },
  {
    list: "NEAFC",
    file: "NEAFC_vessels_2025-08-26.csv",
    title: "NEAFC Authorised Vessels",
    split: "tune",
    columns: [
      { header: "NAME", field: "NAME", label: "VESSEL_NAME" },
      { header: "FLAG", field: "FLAG", label: "FLAG_STATE" },
      { header: "IRCS", field: "IRCS", label: "IRCS_CALL_SIGN" },
      { header: "IMO_NUMBER", field: "IMO_NUMBER", label: "IMO_NUMBER" },
      { header: "EXT_MARK", field: "EXT_MARK" },
      { header: "TYPE", field: "TYPE" },
      { header: "TONNAGE", field: "TONNAGE" },
      { header: "LENGTH", field: "LENGTH" },
    ],
  },
  {
    list: "NPFC",
    file: "NPFC_vessels_2025-08-26.csv",
    title: "NPFC Vessel Registry",
    split: "heldout",
    columns: [
      { header: "NPFC Vessel_id", field: "NPFC Vessel_id" },
      { header: "vessel_name", field: "vessel_name", label: "VESSEL_NAME" },
      { header: "flag_state", field: "flag_state", label: "FLAG_STATE" },
      { header: "imo", field: "imo", label: "IMO_NUMBER" },
      { header: "call_sign", field: "call_sign", label: "IRCS_CALL_SIGN" },
      { header: "mmsi", field: "mmsi", label: "MMSI" },
      { header: "vessel_type", field: "vessel_type" },
      { header: "length", field: "length", numeric: true },
      { header: "tonnage", field: "tonnage", numeric: true },
    ],
  },
  {
    list: "PNA",
    file: "PNA_TUNA_2025-09-08.csv",
    title: "PNA Vessel Register",
    split: "heldout",
    columns: [
      { header: "Vessel Name", field: "Vessel Name", label: "VESSEL_NAME" },
      { header: "Flag State", field: "Flag State", label: "FLAG_STATE" },
      { header: "Vessel Type", field: "Vessel Type" },
      { header: "IRCS", field: "IRCS", label: "IRCS_CALL_SIGN" },
      { header: "IMO #", field: "IMO #", label: "IMO_NUMBER" },
      { header: "Length Overall", field: "Length Overall", numeric: true },
      { header: "Gross Weight", field: "Gross Weight", numeric: true },
      { header: "Valid To", field: "Valid To" },
    ],
  },
  {
    list: "NAFO",
    file: "NAFO_vessels_2025-08-26.csv",
    title: "NAFO Vessel List",
    split: "heldout",
    columns: [
      { header: "countryId", field: "countryId", label: "FLAG_STATE" },
      { header: "name", field: "name", label: "VESSEL_NAME" },
      { header: "IRCS", field: "IRCS", label: "IRCS_CALL_SIGN" },
      { header: "IMO", field: "IMO", label: "IMO_NUMBER" },
      { header: "originalSource", field: "originalSource" },
    ],
  },
];

export type Row = Record<string, string>;

const cache = new Map<string, Row[]>();

export function readList(spec: ListSpec): Row[] {
  let rows = cache.get(spec.file);
  if (!rows) {
    const text = readFileSync(join(DATA, spec.file), "utf8").replace(/^\uFEFF/, "");
    rows = parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Row[];
    cache.set(spec.file, rows);
  }
  return rows;
}

export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Row indices of a list that belong to `split` (the same every run). */
export function splitRows(spec: ListSpec, split: "tune" | "heldout"): number[] {
  const rows = readList(spec);
  if (spec.split !== "both") return spec.split === split ? rows.map((_, i) => i) : [];
  const random = seeded(0x5eed + spec.list.length);
  return rows.map((_, i) => i).filter(() => (random() < 0.5 ? "tune" : "heldout") === split);
}

/** `count` distinct rows of the split, picked by `random`. */
export function sampleRows(spec: ListSpec, split: "tune" | "heldout", count: number, random: () => number): Row[] {
  const pool = splitRows(spec, split);
  const rows = readList(spec);
  const picked: Row[] = [];
  const used = new Set<number>();
  while (picked.length < Math.min(count, pool.length)) {
    const index = pool[Math.floor(random() * pool.length)];
    if (used.has(index)) continue;
    used.add(index);
    picked.push(rows[index]);
  }
  return picked;
}

/** A cell as printed: the list's text, trimmed, with line breaks inside a field as spaces. */
export function cellText(row: Row, column: Column): string {
  return (row[column.field] ?? "").replace(/\s+/g, " ").trim();
}

/** Placeholders lists write where a vessel has no value ("PENDING": its call sign not yet issued). */
export const isPlaceholder = (cell: string) => /^(n\/?a|na|ne|none|nil|pending|unknown|not available|-+|0)$/i.test(cell);
