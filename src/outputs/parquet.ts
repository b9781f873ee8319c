/**
 * A finished run as Parquet files in R2, one per table, under Hive-style partitioned keys
 * (`warehouse/<table>/date=YYYY-MM-DD/doc_id=<id>/run_id=<n>/part-000.parquet`), zstd-compressed,
 * columns typed as in ./tables.ts (JSON as strings). Rewriting a run writes the same keys.
 */
import { Field, Float64, Int32, Int64, Schema, Table, TimestampMillisecond, Utf8, makeData, makeVector, tableToIPC, type Data, type DataType, type Vector } from "apache-arrow";
import { Compression, Table as WasmTable, WriterPropertiesBuilder, initSync, writeParquet } from "parquet-wasm/esm";
import parquetWasm from "parquet-wasm/esm/parquet_wasm_bg.wasm";
import { parquetKey } from "../storage/keys";
import { documentsTable, entitiesTable, pagesTable, type ColumnKind, type Row, type RunRows, type TableSpec, type Value } from "./tables";

let initialised = false;

/** parquet-wasm, instantiated from the module bundled with the Worker (workerd cannot fetch it). */
function ensureParquet(): void {
  if (initialised) return;
  initSync({ module: parquetWasm });
  initialised = true;
}

/** Writes the run's three files; returns their keys. */
export async function writeRunParquet(bucket: R2Bucket, rows: RunRows, finishedAt: number): Promise<string[]> {
  const { doc_id: docId, run_id: runId } = rows.documents[0] as { doc_id: string; run_id: number };
  const files: Array<[TableSpec, Row[]]> = [
    [pagesTable, rows.pages],
    [entitiesTable, rows.entities],
    [documentsTable, rows.documents],
  ];
  const keys: string[] = [];
  for (const [spec, tableRows] of files) {
    const key = parquetKey(spec.name, docId, runId, finishedAt);
    await bucket.put(key, encodeParquet(spec, tableRows), { httpMetadata: { contentType: "application/vnd.apache.parquet" } });
    keys.push(key);
  }
  return keys;
}

export function encodeParquet(spec: TableSpec, rows: readonly Row[]): Uint8Array {
  ensureParquet();
  const fields = spec.columns.map(([name, kind]) => new Field(name, arrowType(kind), true));
  const columns = Object.fromEntries(spec.columns.map(([name, kind], i) => [name, makeVector(columnData(fields[i].type, kind, rows.map((row) => row[name] ?? null)))]));
  const table = new Table(new Schema(fields), columns as Record<string, Vector>);
  const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, "stream")), properties);
}

function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case "string":
    case "json":
      return new Utf8();
    case "int":
      return new Int32();
    case "bigint":
      return new Int64();
    case "float":
      return new Float64();
    case "timestamp":
      return new TimestampMillisecond("UTC");
  }
}

/**
 * One column's Arrow data, built from buffers: apache-arrow's builders compile code with
 * `new Function`, which workerd forbids.
 */
function columnData(type: DataType, kind: ColumnKind, values: readonly Value[]): Data {
  const length = values.length;
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  values.forEach((value, i) => (value === null ? nullCount++ : (nullBitmap[i >> 3] |= 1 << (i & 7))));
  const common = { type, length, nullCount, nullBitmap: nullCount ? nullBitmap : undefined };
  if (kind === "string" || kind === "json") {
    const encoder = new TextEncoder();
    const encoded = values.map((value) => (value === null ? new Uint8Array(0) : encoder.encode(String(value))));
    const valueOffsets = new Int32Array(length + 1);
    encoded.forEach((bytes, i) => (valueOffsets[i + 1] = valueOffsets[i] + bytes.length));
    const data = new Uint8Array(valueOffsets[length]);
    encoded.forEach((bytes, i) => data.set(bytes, valueOffsets[i]));
    return makeData({ ...common, type: type as Utf8, data, valueOffsets });
  }
  if (kind === "int") return makeData({ ...common, type: type as Int32, data: Int32Array.from(values, (v) => Number(v ?? 0)) });
  if (kind === "float") return makeData({ ...common, type: type as Float64, data: Float64Array.from(values, (v) => Number(v ?? 0)) });
  const data = BigInt64Array.from(values, (v) => BigInt(Math.trunc(Number(v ?? 0))));
  return kind === "bigint" ? makeData({ ...common, type: type as Int64, data }) : makeData({ ...common, type: type as TimestampMillisecond, data });
}
