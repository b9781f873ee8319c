/**
 * MotherDuck (or the local DuckDB stand-in) over the Postgres wire protocol, with `pg`. A run's rows
 * go in batches, each batch one statement with one parameter: a JSON array that DuckDB unnests
 * into rows (one round trip per batch, not per row). Each table has a primary key, so a retried or
 * duplicated write never adds a row: a batch is first sent as a plain INSERT (all or nothing, and
 * ~5x faster in DuckDB than one with ON CONFLICT), and only if that fails, because some of its rows
 * are already there, again with `ON CONFLICT DO NOTHING`. The documents row goes last and so marks
 * a run as complete.
 */
import { Client, type ClientConfig } from "pg";
import { CloudflareSocket } from "pg-cloudflare";
import { ServiceError, errorMessage } from "../lib/errors";
import { annotatedTable, correctionsTable, documentsTable, entitiesTable, pagesTable, type ColumnKind, type Row, type RunRows, type TableSpec } from "./tables";

export interface WarehouseOptions {
  url: string;
  /** MotherDuck's token, sent as the password. */
  token?: string;
  timeoutMs: number;
  /** A batch is cut when its JSON reaches this many bytes or rows. */
  batchBytes: number;
  batchRows: number;
}

/** One connection for one piece of work, closed afterwards (a `pg` Client must not outlive its invocation in workerd). */
export async function withWarehouse<T>(options: WarehouseOptions, waitUntil: (promise: Promise<unknown>) => void, work: (client: Client) => Promise<T>): Promise<T> {
  // pg lets the connection string override a separate `password`, so the token goes into the URL.
  const url = new URL(options.url);
  if (options.token) url.password = encodeURIComponent(options.token);
  const client = new Client({
    connectionString: url.toString(),
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs,
    // The workerd socket, handed over explicitly: pg's own lookup of it relies on package export
    // conditions that not every bundler (vitest's among them) applies to `require`.
    stream: ((config: { ssl?: unknown }) => new CloudflareSocket(Boolean(config.ssl))) as unknown as ClientConfig["stream"],
  });
  // Closing cancels a pending socket read, which `pg` reports as an error event.
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    throw new ServiceError("warehouse", errorMessage(error), true);
  } finally {
    waitUntil(client.end().catch(() => undefined));
  }
}

/** Writes a run: pages, entities, then the documents row. Returns the statements sent. */
export async function writeRun(client: Client, rows: RunRows, options: Pick<WarehouseOptions, "batchBytes" | "batchRows">): Promise<number> {
  let statements = 0;
  for (const [spec, tableRows] of [
    [pagesTable, rows.pages],
    [entitiesTable, rows.entities],
    [documentsTable, rows.documents],
  ] as const) {
    for (const batch of batches(spec, tableRows, options)) {
      statements++;
      try {
        await client.query(insertStatement(spec, "plain"), [batch]);
      } catch {
        // Some rows were written before (a retry, a duplicate event) or the write raced another.
        statements++;
        await client.query(insertStatement(spec, "skip-existing"), [batch]);
      }
    }
  }
  return statements;
}

/**
 * One expert's review of one record: their corrections and final spans replace whatever that
 * (record, expert) had before, in one transaction, so an updated response never leaves a mix. A
 * version older than the one stored (a late retry) changes nothing; returns whether it was written.
 */
export async function replaceReview(
  client: Client,
  review: { externalId: string; annotator: string; updatedAt: number; corrections: Row[]; annotated: Row[] },
  options: Pick<WarehouseOptions, "batchBytes" | "batchRows">,
): Promise<boolean> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ newest: string | null }>(
      "SELECT CAST(epoch_ms(max(response_updated_at)) AS VARCHAR) AS newest FROM entity_corrections WHERE external_id = $1 AND annotator = $2",
      [review.externalId, review.annotator],
    );
    if (rows[0]?.newest !== null && rows[0]?.newest !== undefined && Number(rows[0].newest) > review.updatedAt) {
      await client.query("ROLLBACK");
      return false;
    }
    for (const [spec, rows] of [
      [correctionsTable, review.corrections],
      [annotatedTable, review.annotated],
    ] as const) {
      await client.query(`DELETE FROM ${spec.name} WHERE external_id = $1 AND annotator = $2`, [review.externalId, review.annotator]);
      for (const batch of batches(spec, rows, options)) await client.query(insertStatement(spec, "plain"), [batch]);
    }
    await client.query("COMMIT");
    return true;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * `INSERT ... SELECT` from the JSON parameter, one array per column, unnested side by side;
 * `skip-existing` ignores rows whose key is already there.
 */
export function insertStatement(spec: TableSpec, mode: "plain" | "skip-existing"): string {
  const names = spec.columns.map(([name]) => name);
  const structure = JSON.stringify(Object.fromEntries(spec.columns.map(([name, kind]) => [name, [duckType(kind)]])));
  // Timestamps travel as epoch milliseconds and are converted in SQL: no time-zone guessing on the way.
  const select = spec.columns.map(([name, kind]) => (kind === "timestamp" ? `epoch_ms(unnest(batch.${name}))` : `unnest(batch.${name})`));
  return (
    `INSERT INTO ${spec.name} (${names.join(", ")}) ` +
    // VARCHAR, not ::JSON: the cast would parse and validate the whole text once more (2x slower,
    // and ~5x on text with apostrophes, in DuckDB 1.5); from_json parses it anyway.
    `SELECT ${select.join(", ")} FROM (SELECT from_json($1::VARCHAR, '${structure}') AS batch)` +
    (mode === "skip-existing" ? ` ON CONFLICT (${spec.key.join(", ")}) DO NOTHING` : "")
  );
}

function duckType(kind: ColumnKind): string {
  return { string: "VARCHAR", int: "INTEGER", bigint: "BIGINT", float: "DOUBLE", timestamp: "BIGINT", json: "JSON" }[kind];
}

/**
 * The rows as JSON texts of bounded size, column by column (`{"doc_id": [...], "page": [...]}`:
 * no key repeated per row). JSON columns are spliced in as they are (they are JSON text already),
 * so DuckDB stores the structure, not a string holding it.
 */
export function* batches(spec: TableSpec, rows: readonly Row[], limits: Pick<WarehouseOptions, "batchBytes" | "batchRows">): Generator<string> {
  let columns: string[][] = spec.columns.map(() => []);
  let count = 0;
  let bytes = 0;
  const batch = () => `{${spec.columns.map(([name], i) => `${JSON.stringify(name)}:[${columns[i].join(",")}]`).join(",")}}`;
  for (const row of rows) {
    const values = spec.columns.map(([name, kind]) => {
      const value = row[name] ?? null;
      return kind === "json" && value !== null ? String(value) : JSON.stringify(value);
    });
    const size = values.reduce((total, value) => total + value.length + 1, 0);
    if (count && (count >= limits.batchRows || bytes + size > limits.batchBytes)) {
      yield batch();
      columns = spec.columns.map(() => []);
      count = 0;
      bytes = 0;
    }
    values.forEach((value, i) => columns[i].push(value));
    count++;
    bytes += size;
  }
  if (count) yield batch();
}

/** Whether the warehouse answers a query (`select 1`). */
export async function pingWarehouse(options: WarehouseOptions, waitUntil: (promise: Promise<unknown>) => void): Promise<void> {
  await withWarehouse(options, waitUntil, (client) => client.query("select 1"));
}

/** Every row of one document, in every table: what deleting a document removes from the warehouse. */
export async function deleteDocumentRows(client: Client, docId: string): Promise<void> {
  await client.query("BEGIN");
  try {
    for (const table of ["annotated", "entity_corrections", "entities", "raw_ocr", "documents"]) await client.query(`DELETE FROM ${table} WHERE doc_id = $1`, [docId]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
