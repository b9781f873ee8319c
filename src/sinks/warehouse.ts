/**
 * MotherDuck (or the local DuckDB stand-in) over the Postgres wire protocol, with `pg`. A run's rows
 * go in batches, each batch one statement with one parameter: a JSON array that DuckDB unnests
 * into rows (one round trip per batch, not per row). Every insert is `ON CONFLICT DO NOTHING` on
 * the table's key, so a retried or duplicated write never adds a row; the documents row goes last
 * and so marks a run as complete.
 */
import { Client, type ClientConfig } from "pg";
import { CloudflareSocket } from "pg-cloudflare";
import { documentsTable, entitiesTable, pagesTable, type ColumnKind, type Row, type RunRows, type TableSpec } from "./tables";

export interface WarehouseOptions {
  url: string;
  /** MotherDuck's token, sent as the password. */
  token?: string;
  timeoutMs: number;
  /** A batch is cut when its JSON reaches this many bytes or rows. */
  batchBytes: number;
  batchRows: number;
}

export class WarehouseError extends Error {
  override name = "WarehouseError";
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
    throw new WarehouseError(error instanceof Error ? error.message : String(error));
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
      await client.query(insertStatement(spec), [batch]);
      statements++;
    }
  }
  return statements;
}

/** `INSERT ... SELECT` from the unnested JSON parameter, ignoring rows whose key is already there. */
export function insertStatement(spec: TableSpec): string {
  const names = spec.columns.map(([name]) => name);
  const structure = JSON.stringify(Object.fromEntries(spec.columns.map(([name, kind]) => [name, duckType(kind)])));
  const select = spec.columns.map(([name, kind]) => (kind === "timestamp" ? `epoch_ms(${name}) AS ${name}` : name));
  return (
    `INSERT INTO ${spec.name} (${names.join(", ")}) ` +
    `SELECT ${select.join(", ")} FROM (SELECT unnest(from_json($1::JSON, '[${structure}]'), recursive := true)) ` +
    `ON CONFLICT (${spec.key.join(", ")}) DO NOTHING`
  );
}

function duckType(kind: ColumnKind): string {
  // Timestamps travel as epoch milliseconds and are converted in SQL: no time-zone guessing on the way.
  return { string: "VARCHAR", int: "INTEGER", bigint: "BIGINT", float: "DOUBLE", timestamp: "BIGINT", json: "JSON" }[kind];
}

/**
 * The rows as JSON array texts of bounded size. JSON columns are spliced in as they are (they are
 * JSON text already), so DuckDB stores the structure, not a string holding it.
 */
export function* batches(spec: TableSpec, rows: readonly Row[], limits: Pick<WarehouseOptions, "batchBytes" | "batchRows">): Generator<string> {
  let parts: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const fields = spec.columns.map(([name, kind]) => {
      const value = row[name] ?? null;
      return `${JSON.stringify(name)}:${kind === "json" && value !== null ? String(value) : JSON.stringify(value)}`;
    });
    const object = `{${fields.join(",")}}`;
    if (parts.length && (parts.length >= limits.batchRows || bytes + object.length > limits.batchBytes)) {
      yield `[${parts.join(",")}]`;
      parts = [];
      bytes = 2;
    }
    parts.push(object);
    bytes += object.length + 1;
  }
  if (parts.length) yield `[${parts.join(",")}]`;
}
