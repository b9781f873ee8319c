/**
 * The Worker's Parquet writer, run in Node (the same module and wasm), read back by DuckDB.
 * Type-checked with the Worker's sources (tsconfig.json), since it imports them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { encodeParquet } from "../../src/outputs/parquet";
import { entitiesTable, type Row } from "../../src/outputs/tables";

const dir = mkdtempSync(join(tmpdir(), "parquet-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the Parquet writer", () => {
  it("writes files DuckDB's read_parquet reads back equal, with the declared types", async () => {
    const rows: Row[] = [
      { doc_id: "d1", run_id: 1, page: 1, ordinal: 0, label: "VESSEL_NAME", text: "ÑANDÚ '🐟'", value: "ÑANDÚ '🐟'", start_offset: 3, end_offset: 13, start_code_point: 3, end_code_point: 12, confidence: 0.85, source: "table", flags: "[]", record: "p1-b1-r1" },
      { doc_id: "d1", run_id: 1, page: 2, ordinal: 0, label: "IMO_NUMBER", text: "9074728", value: "9074728", start_offset: 0, end_offset: 7, start_code_point: 0, end_code_point: 7, confidence: 0.6, source: "rule", flags: '["imo_check_digit_failed"]', record: null },
    ];
    const file = join(dir, "entities.parquet");
    writeFileSync(file, encodeParquet(entitiesTable, rows));
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY page`);
      expect(read.getRowObjectsJson()).toEqual(rows.map((row) => ({ ...row })));
      const types = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`);
      expect(Object.fromEntries(types.getRows().map(([name, type]) => [String(name), String(type)]))).toMatchObject({
        page: "INTEGER",
        confidence: "DOUBLE",
        text: "VARCHAR",
        record: "VARCHAR",
      });
      const meta = await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`);
      expect(meta.getRows().map(([c]) => String(c))).toEqual(["ZSTD"]);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});
