/**
 * How well a document's tables and entities came out, against its truth: cells (each truth row
 * matched to the output row sharing most of its cells, truth columns to the output columns they
 * most often land in), rows (every cell right), and entities by label (matched on their normalised
 * values; an entity flagged as failing its own check is not a fact and is not counted).
 */
import { createRequire } from "node:module";
import countries from "i18n-iso-countries";
import { failedCheckFlags } from "../../src/entities/failed-checks.ts";
import { scores } from "../harness/score.ts";
import type { TruthTable } from "./layouts.ts";
import { isPlaceholder, type TruthLabel } from "./rows.ts";

const require = createRequire(import.meta.url);
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));


export const LABELS: readonly TruthLabel[] = ["IMO_NUMBER", "IRCS_CALL_SIGN", "FLAG_STATE", "MMSI", "VESSEL_NAME", "OWNER_NAME"];

export interface Counts {
  cells: number;
  cellsRight: number;
  rows: number;
  rowsRight: number;
  entities: Record<string, { tp: number; fp: number; fn: number }>;
}

export const emptyCounts = (): Counts => ({ cells: 0, cellsRight: 0, rows: 0, rowsRight: 0, entities: Object.fromEntries(LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0 }])) });

export function addCounts(into: Counts, from: Counts): void {
  into.cells += from.cells;
  into.cellsRight += from.cellsRight;
  into.rows += from.rows;
  into.rowsRight += from.rowsRight;
  for (const label of LABELS) for (const key of ["tp", "fp", "fn"] as const) into.entities[label][key] += from.entities[label][key];
}

const norm = (text: string) => text.replace(/\s+/g, " ").trim();

export interface Miss {
  truth: string[];
  got: string[];
}

/** Cells and rows: output rows are the body rows of every table the document's pages have. */
export function measureTables(truth: readonly TruthTable[], output: readonly string[][]): { counts: Pick<Counts, "cells" | "cellsRight" | "rows" | "rowsRight">; misses: Miss[] } {
  const rows = output.map((row) => row.map(norm));
  const used = new Set<number>();
  let cells = 0;
  let cellsRight = 0;
  let rowCount = 0;
  let rowsRight = 0;
  const misses: Miss[] = [];
  for (const table of truth) {
    const matched = table.rows.map((row) => {
      const cellsOf = row.map(norm);
      let best = -1;
      let bestScore = 0;
      rows.forEach((candidate, i) => {
        if (used.has(i)) return;
        const score = cellsOf.filter((c) => c && candidate.includes(c)).length;
        if (score > bestScore) [best, bestScore] = [i, score];
      });
      if (best >= 0) used.add(best);
      return { truth: cellsOf, got: best >= 0 ? rows[best] : [] };
    });
    // Each truth column maps to the output column its values land in most often.
    const mapping = table.columns.map((_, column) => {
      const votes = new Map<number, number>();
      for (const { truth: t, got } of matched) if (t[column]) got.forEach((cell, i) => cell === t[column] && votes.set(i, (votes.get(i) ?? 0) + 1));
      return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? -1;
    });
    for (const { truth: t, got } of matched) {
      rowCount++;
      let right = 0;
      const filled = t.filter(Boolean).length;
      t.forEach((cell, column) => cell && got[mapping[column]] === cell && right++);
      cells += filled;
      cellsRight += right;
      const extra = got.filter(Boolean).length > filled;
      if (right === filled && !extra) rowsRight++;
      else misses.push({ truth: t, got });
    }
  }
  return { counts: { cells, cellsRight, rows: rowCount, rowsRight }, misses };
}

export interface FoundEntity {
  label: string;
  value: string;
  flags: string[];
}

/**
 * The value a correct extraction gives a truth cell, or null if the cell holds none. Written apart
 * from the extractor's own normalisation on purpose: the evaluation must not share its mistakes.
 */
function truthValue(label: TruthLabel, cell: string): string | null {
  if (!cell || isPlaceholder(cell)) return null;
  switch (label) {
    case "IMO_NUMBER": {
      if (!/^\d{7}$/.test(cell)) return null;
      const sum = [...cell.slice(0, 6)].reduce((total, digit, i) => total + Number(digit) * (7 - i), 0);
      return sum % 10 === Number(cell[6]) ? cell : null;
    }
    case "MMSI":
      // A ship station's MMSI starts with its MID, 2xx to 7xx.
      return /^[2-7]\d{8}$/.test(cell) ? cell : null;
    case "IRCS_CALL_SIGN": {
      const compact = cell.replace(/[\s-]/g, "").toUpperCase();
      return /^[A-Z0-9]{3,8}$/.test(compact) && /[A-Z]/.test(compact) ? compact : null;
    }
    case "FLAG_STATE": {
      if (/^[A-Za-z]{3}$/.test(cell) && countries.alpha3ToAlpha2(cell.toUpperCase())) return cell.toUpperCase();
      if (/^[A-Za-z]{2}$/.test(cell)) return countries.alpha2ToAlpha3(cell.toUpperCase()) ?? null;
      // The names RFMO lists give states that ISO's tables write otherwise.
      const names: Record<string, string> = { taiwan: "TWN", "chinese taipei": "TWN", korea: "KOR", "korea, republic of": "KOR", "micronesia, federated states of": "FSM" };
      const alpha2 = countries.getAlpha2Code(cell, "en") ?? countries.getSimpleAlpha2Code(cell, "en");
      return names[cell.toLowerCase()] ?? (alpha2 ? (countries.alpha2ToAlpha3(alpha2) ?? null) : null);
    }
    default:
      return cell;
  }
}

export function measureEntities(truth: readonly TruthTable[], found: readonly FoundEntity[], wrong?: Record<string, { missed: string[]; extra: string[] }>): Counts["entities"] {
  const out = emptyCounts().entities;
  for (const label of LABELS) {
    const expected = truth.flatMap((table) => {
      const column = table.columns.findIndex((c) => c.label === label);
      return column === -1 ? [] : table.rows.flatMap((row) => truthValue(label, norm(row[column])) ?? []);
    });
    const got = found.filter((e) => e.label === label && !e.flags.some((f) => failedCheckFlags.has(f))).map((e) => e.value);
    const remaining = [...expected];
    for (const value of got) {
      const at = remaining.indexOf(value);
      if (at >= 0) {
        out[label].tp++;
        remaining.splice(at, 1);
      } else out[label].fp++;
    }
    out[label].fn += remaining.length;
    if (wrong) {
      const extra = got.filter((value) => !expected.includes(value));
      if (remaining.length || extra.length) wrong[label] = { missed: remaining, extra };
    }
  }
  return out;
}

export function figures(prefix: string, counts: Counts): string[] {
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(3) : "1.000");
  const lines = [`${prefix}_cell_accuracy: ${ratio(counts.cellsRight, counts.cells)}`, `${prefix}_row_recall: ${ratio(counts.rowsRight, counts.rows)}`];
  for (const label of LABELS) {
    const { tp, fp, fn } = counts.entities[label];
    if (tp + fp + fn === 0) continue;
    const { precision, recall, f1 } = scores(counts.entities[label]);
    const name = `${prefix}_${label.toLowerCase()}`;
    lines.push(`${name}_precision: ${precision.toFixed(3)}`, `${name}_recall: ${recall.toFixed(3)}`, `${name}_f1: ${f1.toFixed(3)}`);
  }
  return lines;
}
