/**
 * Extraction quality on documents built from the real RFMO vessel lists in ../shared/data/rfmo,
 * whose ground truth is known: an authorised-vessel table per list (its own column headers, as
 * DeepSeek-OCR writes tables), IUU-notice-style prose, and registry-certificate-style pages.
 * Entities are matched to the truth by (document, label, normalised value). Prints
 * `figure_name: value` lines.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import countries from "i18n-iso-countries";
import { it } from "vitest";
import { extractEntities, flagAlpha3, imoCheckDigitValid, mmsiCountry } from "../../src/entities/extract";
import { parseGrounded } from "../../src/ocr/grounding";
import { Tally } from "../harness/score";

const DATA = join(import.meta.dirname, "../../../shared/data/rfmo");
const ROWS_PER_LIST = 40;
const LABELS = ["IMO_NUMBER", "MMSI", "IRCS_CALL_SIGN", "FLAG_STATE", "VESSEL_NAME", "OWNER_NAME"] as const;
type Label = (typeof LABELS)[number];

/** Per list: which of its columns hold which label. */
const columns: Record<string, Partial<Record<Label, string>>> = {
  // FFA's "Registrant" may be the owner or a charterer ("Registrant Acting As"): not counted as owner.
  FFA: { VESSEL_NAME: "Name", IMO_NUMBER: "IMO Number", IRCS_CALL_SIGN: "International Radio Call Sign (IRCS)", MMSI: "MMSI", FLAG_STATE: "Flag" },
  IOTC: { VESSEL_NAME: "Name", IMO_NUMBER: "IMO", IRCS_CALL_SIGN: "IRCS", FLAG_STATE: "Flag State Code", OWNER_NAME: "Owner" },
  NAFO: { VESSEL_NAME: "name", IMO_NUMBER: "IMO", IRCS_CALL_SIGN: "IRCS", FLAG_STATE: "countryId" },
  NEAFC: { VESSEL_NAME: "NAME", IMO_NUMBER: "IMO_NUMBER", IRCS_CALL_SIGN: "IRCS", FLAG_STATE: "FLAG" },
  NPFC: { VESSEL_NAME: "vessel_name", IMO_NUMBER: "imo", IRCS_CALL_SIGN: "call_sign", MMSI: "mmsi", FLAG_STATE: "flag_state" },
  PNA: { VESSEL_NAME: "Vessel Name", IMO_NUMBER: "IMO #", IRCS_CALL_SIGN: "IRCS", FLAG_STATE: "Flag State" },
};

interface Truth {
  label: Label;
  value: string;
}

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The value a correct extraction would produce for a list's cell, or null if it holds none. */
function truthValue(label: Label, raw: string | undefined): string | null {
  const value = (raw ?? "").trim();
  if (!value || /^(n\/?a|na|ne|none|not available|-+|0)$/i.test(value)) return null;
  switch (label) {
    case "IMO_NUMBER":
      return /^\d{7}$/.test(value) ? value : null;
    case "MMSI":
      return /^\d{9}$/.test(value) ? value : null;
    case "IRCS_CALL_SIGN": {
      const compact = value.replace(/[\s-]/g, "");
      return /^[A-Z0-9]{3,8}$/.test(compact) && /[A-Z]/.test(compact) ? compact : null;
    }
    case "FLAG_STATE":
      return flagAlpha3(value);
    default:
      return value;
  }
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

interface Doc {
  kind: "table" | "notice" | "certificate";
  raw: string;
  truth: Truth[];
}

function documentsFor(list: string, rows: Record<string, string>[]): Doc[] {
  const map = columns[list];
  const labels = LABELS.filter((label) => map[label]);
  const docs: Doc[] = [];
  const truthOf = (row: Record<string, string>) =>
    labels.flatMap((label) => {
      const value = truthValue(label, row[map[label]!]);
      return value ? [{ label, value }] : [];
    });

  // 1. The list as a table, with its own headers.
  const header = `<tr>${labels.map((l) => `<td>${escape(map[l]!)}</td>`).join("")}</tr>`;
  const body = rows.map((row) => `<tr>${labels.map((l) => `<td>${escape(row[map[l]!] ?? "")}</td>`).join("")}</tr>`).join("");
  docs.push({
    kind: "table",
    raw: `<|ref|>title<|/ref|><|det|>[[50, 20, 950, 60]]<|/det|>\n# ${list} record of authorised vessels\n\n<|ref|>table<|/ref|><|det|>[[30, 80, 970, 980]]<|/det|>\n<table>${header}${body}</table>`,
    truth: rows.flatMap(truthOf),
  });

  // 2. IUU-notice prose and 3. registry certificates, a few rows each.
  for (const row of rows.slice(0, 8)) {
    const v = (label: Label) => row[map[label] ?? ""]?.trim() ?? "";
    const truth = truthOf(row).filter((t) => t.label !== "OWNER_NAME" || v("OWNER_NAME"));
    const name = v("VESSEL_NAME").toUpperCase();
    const parts = [`The fishing vessel ${name} (IMO ${v("IMO_NUMBER") || "not known"}), flying the flag of ${flagName(v("FLAG_STATE"))}`];
    if (v("IRCS_CALL_SIGN")) parts.push(`call sign ${v("IRCS_CALL_SIGN")}`);
    if (map.MMSI && v("MMSI")) parts.push(`MMSI ${v("MMSI")}`);
    let notice = `${parts.join(", ")}, was found fishing without authorisation in the Convention Area.`;
    if (map.OWNER_NAME && v("OWNER_NAME")) notice += ` The vessel is owned by ${v("OWNER_NAME")}.`;
    docs.push({
      kind: "notice",
      raw: `<|ref|>text<|/ref|><|det|>[[60, 100, 940, 300]]<|/det|>\n${escape(notice)}`,
      truth: truth.map((t) => (t.label === "VESSEL_NAME" ? { ...t, value: name } : t)),
    });
    const certificate = [
      `Name of vessel: ${v("VESSEL_NAME")}`,
      `IMO No.: ${v("IMO_NUMBER")}`,
      `Call sign: ${v("IRCS_CALL_SIGN")}`,
      map.MMSI ? `MMSI: ${v("MMSI")}` : "",
      `Flag: ${flagName(v("FLAG_STATE"))}`,
      map.OWNER_NAME ? `Owner: ${v("OWNER_NAME")}` : "",
    ].filter(Boolean);
    docs.push({ kind: "certificate", raw: `<|ref|>text<|/ref|><|det|>[[60, 100, 940, 600]]<|/det|>\n${escape(certificate.join("\n"))}`, truth });
  }
  return docs;
}

/** Prose says "Canada", not "CAN": write the country's name where a code is given. */
function flagName(value: string): string {
  const alpha3 = flagAlpha3(value);
  const alpha2 = alpha3 ? countries.alpha3ToAlpha2(alpha3) : undefined;
  return (alpha2 && countries.getName(alpha2, "en")) || value;
}

it("measures extraction on documents built from the RFMO lists", async () => {
  const random = seeded(20261128);
  const docs: Doc[] = [];
  let imoRows = 0;
  let imoBad = 0;
  let imoBadFlagged = 0;
  const mid = { rows: 0, unknown: 0, mismatched: 0, mismatchFlagged: 0 };
  for (const file of readdirSync(DATA).filter((f) => f.endsWith(".csv"))) {
    const list = file.split("_")[0];
    if (!columns[list]) continue;
    const all = parse(readFileSync(join(DATA, file), "utf8").replace(/^\uFEFF/, ""), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
    // Check digits across the whole real list: typos are flagged, not dropped.
    for (const row of all) {
      const imo = (row[columns[list].IMO_NUMBER!] ?? "").trim();
      if (!/^\d{7}$/.test(imo)) continue;
      imoRows++;
      if (!imoCheckDigitValid(imo)) {
        imoBad++;
        const found = extractEntities(`IMO ${imo}`, [], 1);
        if (found.some((e) => e.value === imo && e.flags.includes("imo_check_digit_failed"))) imoBadFlagged++;
      }
    }
    // MMSIs against the flag across the whole real list: reflagged vessels keep old MMSIs.
    const { MMSI: mmsiColumn, FLAG_STATE: flagColumn } = columns[list];
    for (const row of mmsiColumn && flagColumn ? all : []) {
      const mmsi = (row[mmsiColumn!] ?? "").trim();
      const flag = flagAlpha3(row[flagColumn!] ?? "");
      if (!/^\d{9}$/.test(mmsi) || !flag) continue;
      mid.rows++;
      const issuer = mmsiCountry(mmsi);
      if (!issuer) mid.unknown++;
      else if (issuer !== flag) {
        mid.mismatched++;
        const found = extractEntities(`Flag: ${flag}\nMMSI: ${mmsi}`, [], 1);
        if (found.some((e) => e.value === mmsi && e.flags.includes("mmsi_flag_mismatch"))) mid.mismatchFlagged++;
      }
    }
    const sample = Array.from({ length: Math.min(ROWS_PER_LIST, all.length) }, () => all[Math.floor(random() * all.length)]);
    docs.push(...documentsFor(list, sample));
  }

  const tally = new Tally();
  for (const doc of docs) {
    const parsed = parseGrounded(doc.raw, { width: 1000, height: 1000 });
    const found = extractEntities(parsed.text, parsed.blocks, 1).filter((e) => (LABELS as readonly string[]).includes(e.label));
    for (const e of found) if (parsed.text.slice(e.start, e.end) !== e.text) throw new Error("offset mismatch");
    for (const label of LABELS) {
      const expected = doc.truth.filter((t) => t.label === label).map((t) => t.value);
      const got = found.filter((e) => e.label === label).map((e) => e.value);
      for (const key of [label, `${label}@${doc.kind}`]) tally.add(key, expected, got);
    }
  }
  const lines = [`eval_documents: ${docs.length}`, ...tally.figures("")];
  lines.push(`imo_rows_checked: ${imoRows}`, `imo_check_digit_failures: ${imoBad}`, `imo_check_digit_failures_flagged: ${imoBadFlagged}`);
  lines.push(`mmsi_rows_checked: ${mid.rows}`, `mmsi_mid_unallocated: ${mid.unknown}`, `mmsi_mid_flag_mismatches: ${mid.mismatched}`, `mmsi_mid_flag_mismatches_flagged: ${mid.mismatchFlagged}`);
  console.log(lines.join("\n"));
});
