/**
 * Runs inside workerd (started by bench/warehouse.ts): entity rows written through the Worker's
 * warehouse module (`pg` over the Postgres wire, into the DuckDB stand-in), batched as production
 * writes them, beside two baselines on the same connection: one statement per row, and 1000-row
 * VALUES lists. Figures go to the Node side. Every statement is I/O, so Date.now() advances.
 */
import { env } from "cloudflare:test";
import type { Client } from "pg";
import { it } from "vitest";
import { entitiesTable, type Row, type RunRows } from "../../src/outputs/tables";
import { withWarehouse, writeRun } from "../../src/outputs/warehouse";

const bench = env as unknown as { BENCH_COLLECTOR: string; BENCH_WAREHOUSE_URL: string };
const options = { url: bench.BENCH_WAREHOUSE_URL, timeoutMs: 600_000, batchBytes: 4 * 1024 * 1024, batchRows: 10_000 };

async function figure(name: string, value: number): Promise<void> {
  await fetch(`${bench.BENCH_COLLECTOR}/figure`, { method: "POST", body: JSON.stringify({ name, value }) });
}

/** Entity rows like a 40-row vessel table's, over many pages. */
function entities(docId: string, count: number): Row[] {
  const labels = ["VESSEL_NAME", "FLAG_STATE", "IRCS_CALL_SIGN", "IMO_NUMBER", "MMSI", "OWNER_NAME"];
  return Array.from({ length: count }, (_, i) => {
    const page = Math.floor(i / 240) + 1;
    const ordinal = i % 240;
    const label = labels[ordinal % labels.length];
    const text = label === "IMO_NUMBER" ? String(9000000 + i) : `VALUE ${i} ÑANDÚ 'O''Brien'`;
    return {
      doc_id: docId,
      run_id: 1,
      page,
      ordinal,
      label,
      text,
      value: text,
      start_offset: ordinal * 20,
      end_offset: ordinal * 20 + text.length,
      start_code_point: ordinal * 20,
      end_code_point: ordinal * 20 + text.length,
      confidence: 0.95,
      source: "table",
      flags: "[]",
      record: `p${page}-b1-r${Math.floor(ordinal / 6) + 1}`,
    };
  });
}

const run = (rows: Row[]): RunRows => ({ pages: [], entities: rows, documents: [] });
const names = entitiesTable.columns.map(([name]) => name);

async function rowByRow(client: Client, rows: Row[]): Promise<void> {
  const sql = `INSERT INTO entities (${names.join(", ")}) VALUES (${names.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT (doc_id, run_id, page, ordinal) DO NOTHING`;
  for (const row of rows) await client.query(sql, names.map((name) => row[name]));
}

async function valuesLists(client: Client, rows: Row[], size: number): Promise<void> {
  for (let at = 0; at < rows.length; at += size) {
    const chunk = rows.slice(at, at + size);
    const tuples = chunk.map((_, r) => `(${names.map((_, c) => `$${r * names.length + c + 1}`).join(", ")})`);
    await client.query(
      `INSERT INTO entities (${names.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT (doc_id, run_id, page, ordinal) DO NOTHING`,
      chunk.flatMap((row) => names.map((name) => row[name])),
    );
  }
}

async function timed(work: (client: Client) => Promise<unknown>): Promise<number> {
  const waits: Promise<unknown>[] = [];
  const seconds = await withWarehouse(options, (p) => waits.push(p), async (client) => {
    await client.query("SELECT 1");
    const started = Date.now();
    await work(client);
    return (Date.now() - started) / 1000;
  });
  await Promise.all(waits);
  return seconds;
}

it("measures entity rows per second into the warehouse", async () => {
  const BATCHED_ROWS = 100_000;
  const BASELINE_ROWS = 2_000;
  const VALUES_ROWS = 20_000;
  const batched = entities("bench-batched", BATCHED_ROWS);
  const batchedSeconds = await timed((client) => writeRun(client, run(batched), options));
  const rewriteSeconds = await timed((client) => writeRun(client, run(batched), options));
  const values = entities("bench-values", VALUES_ROWS);
  const valuesSeconds = await timed((client) => valuesLists(client, values, 1000));
  const single = entities("bench-row-by-row", BASELINE_ROWS);
  const singleSeconds = await timed((client) => rowByRow(client, single));

  await figure("warehouse_batched_rows", BATCHED_ROWS);
  await figure("warehouse_batched_rows_per_s", BATCHED_ROWS / batchedSeconds);
  await figure("warehouse_batched_rewrite_rows_per_s", BATCHED_ROWS / rewriteSeconds);
  await figure("warehouse_values_1000_rows_per_s", VALUES_ROWS / valuesSeconds);
  await figure("warehouse_row_by_row_rows_per_s", BASELINE_ROWS / singleSeconds);
  await figure("batched_over_row_by_row", BASELINE_ROWS / singleSeconds > 0 ? BATCHED_ROWS / batchedSeconds / (BASELINE_ROWS / singleSeconds) : 0);
  await figure("batched_over_values_1000", BATCHED_ROWS / batchedSeconds / (VALUES_ROWS / valuesSeconds));
});
