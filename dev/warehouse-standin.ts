/**
 * A stand-in for MotherDuck's Postgres wire endpoint, for tests and local runs: the Postgres v3
 * protocol (startup, password auth with the token, simple query, and the extended protocol `pg`
 * uses for parameterised statements) in front of a real embedded DuckDB file, so the Worker's
 * production code path (the `pg` driver, DuckDB SQL) runs unchanged. Values go out in text format
 * with Postgres type OIDs; DuckDB errors go out as ErrorResponse with a SQLSTATE.
 *
 * `controlUrl` (HTTP) takes `POST /_sim/outage {"ms": n}`: for that long every connection is cut
 * and new ones are refused, as when the warehouse is unreachable.
 *
 *   node dev/warehouse-standin.ts [--port 8795] [--file .wrangler/warehouse.duckdb] [--token t]
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBMaterializedResult } from "@duckdb/node-api";
import { readBody, json } from "./openai-http.ts";

export interface WarehouseStandin {
  /** `postgres://` URL to give the Worker (no TLS: the stand-in speaks plain TCP). */
  url: string;
  controlUrl: string;
  close(): Promise<void>;
}

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export async function startWarehouseStandin(options: { file: string; port?: number; token?: string }): Promise<WarehouseStandin> {
  const instance = await DuckDBInstance.create(options.file);
  const sockets = new Set<Socket>();
  let downUntil = 0;

  const server: Server = createServer((socket) => {
    if (Date.now() < downUntil) return void socket.destroy();
    socket.setNoDelay(true); // without it every round trip waits for delayed ACKs (~40 ms)
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    void new Session(socket, instance, options.token).run();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const control: HttpServer = createHttpServer((req, res) => {
    void (async () => {
      if (req.method === "POST" && req.url === "/_sim/outage") {
        const { ms } = JSON.parse((await readBody(req)).toString("utf8")) as { ms: number };
        downUntil = Date.now() + ms;
        for (const socket of sockets) socket.destroy();
        return json(res, 201, { ok: true });
      }
      json(res, 404, { error: "not found" });
    })();
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

  return {
    url: `postgres://standin:${encodeURIComponent(options.token ?? "local")}@127.0.0.1:${port}/warehouse`,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => control.close(() => resolve()));
      instance.closeSync();
    },
  };
}

/** A parsed statement waiting for Bind (the extended protocol's "prepared statement"). */
interface Prepared {
  sql: string;
}

/** A bound statement: run at Describe or Execute, whichever comes first. */
interface Portal {
  sql: string;
  params: Array<string | null>;
  result?: DuckDBMaterializedResult;
}

class ProtocolError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** One client connection: its own DuckDB connection, messages handled strictly in order. */
class Session {
  /** Received bytes not yet handled, as chunks: joined only once a whole message is there. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private started = false;
  private connection?: DuckDBConnection;
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  /** After an error in the extended protocol, messages are skipped until Sync. */
  private skipping = false;
  private transaction: "I" | "T" | "E" = "I";
  private pending: Promise<void> = Promise.resolve();
  private readonly socket: Socket;
  private readonly instance: DuckDBInstance;
  private readonly token: string | undefined;

  constructor(socket: Socket, instance: DuckDBInstance, token: string | undefined) {
    this.socket = socket;
    this.instance = instance;
    this.token = token;
  }

  async run(): Promise<void> {
    this.connection = await this.instance.connect();
    this.socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.pending = this.pending.then(() => this.drain()).catch(() => void this.socket.destroy());
    });
    this.socket.on("close", () => this.connection?.closeSync());
  }

  private async drain(): Promise<void> {
    for (;;) {
      // A startup message has no type byte: [length][body]; the rest are [type][length][body].
      const header = this.started ? 5 : 8;
      if (this.buffered < header) return;
      const head = this.peek(header);
      const size = this.started ? 1 + head.readInt32BE(1) : head.readInt32BE(0);
      if (this.buffered < size) return;
      const message = this.take(size);
      if (!this.started) this.startup(message.subarray(4));
      else await this.message(String.fromCharCode(message[0]), new Reader(message.subarray(5)));
    }
  }

  private peek(bytes: number): Buffer {
    if (this.chunks[0].length < bytes) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = all.length > bytes ? [all.subarray(bytes)] : [];
    this.buffered -= bytes;
    return all.subarray(0, bytes);
  }

  private startup(body: Buffer): void {
    const code = body.readInt32BE(0);
    if (code === SSL_REQUEST || code === GSS_REQUEST) return void this.socket.write("N");
    if (code === CANCEL_REQUEST) return void this.socket.end();
    if (code !== PROTOCOL_3) return this.fatal("08P01", `unsupported protocol version ${code}`);
    this.started = true;
    // Like MotherDuck: any user name, the token as the password.
    this.send("R", int32(3));
  }

  private async message(type: string, body: Reader): Promise<void> {
    if (type === "p") return this.password(body.cstring());
    if (type === "X") return void this.socket.end();
    if (type === "S") {
      this.skipping = false;
      return this.ready();
    }
    if (type === "H") return;
    if (this.skipping) return;
    try {
      switch (type) {
        case "Q":
          return await this.simpleQuery(body.cstring());
        case "P": {
          const name = body.cstring();
          this.statements.set(name, { sql: body.cstring() });
          return this.send("1");
        }
        case "B":
          return this.bind(body);
        case "D":
          return await this.describe(body.byte(), body.cstring());
        case "E":
          return await this.execute(body.cstring());
        case "C": {
          const kind = body.byte();
          (kind === "S" ? this.statements : this.portals).delete(body.cstring());
          return this.send("3");
        }
        default:
          throw new ProtocolError("08P01", `unsupported message type ${JSON.stringify(type)}`);
      }
    } catch (error) {
      this.error(error);
      if (type === "Q") this.ready();
      else this.skipping = true;
    }
  }

  private password(password: string): void {
    if (this.token !== undefined && password !== this.token) return this.fatal("28P01", "invalid token");
    this.send("R", int32(0));
    for (const [key, value] of [
      ["server_version", "15.0 (DuckDB stand-in)"],
      ["client_encoding", "UTF8"],
      ["DateStyle", "ISO, MDY"],
      ["integer_datetimes", "on"],
      ["standard_conforming_strings", "on"],
    ]) {
      this.send("S", Buffer.concat([cstring(key), cstring(value)]));
    }
    this.send("K", Buffer.concat([int32(process.pid), int32(0)]));
    this.ready();
  }

  private async simpleQuery(sql: string): Promise<void> {
    const extracted = await this.connection!.extractStatements(sql);
    if (extracted.count === 0) this.send("I");
    for (let i = 0; i < extracted.count; i++) {
      const prepared = await extracted.prepare(i);
      const result = await this.track(() => prepared.run(), sql);
      if (hasRows(result)) this.send("T", rowDescription(result));
      await this.dataRows(result);
      this.send("C", cstring(commandTag(result, statementText(sql, i, extracted.count))));
    }
    this.ready();
  }

  private bind(body: Reader): void {
    const portalName = body.cstring();
    const statement = this.statements.get(body.cstring());
    if (!statement) throw new ProtocolError("26000", "prepared statement does not exist");
    const formats = Array.from({ length: body.int16() }, () => body.int16());
    if (formats.some((format) => format !== 0)) throw new ProtocolError("0A000", "binary parameters are not supported");
    const params = Array.from({ length: body.int16() }, () => {
      const length = body.int32();
      return length < 0 ? null : body.bytes(length).toString("utf8");
    });
    this.portals.set(portalName, { sql: statement.sql, params });
    this.send("2");
  }

  private async describe(kind: string, name: string): Promise<void> {
    if (kind === "S") {
      // Parameters are sent as text; DuckDB casts them to what the statement needs.
      const statement = this.statements.get(name);
      if (!statement) throw new ProtocolError("26000", "prepared statement does not exist");
      const prepared = await this.connection!.prepare(statement.sql);
      this.send("t", Buffer.concat([int16(prepared.parameterCount), ...Array.from({ length: prepared.parameterCount }, () => int32(25))]));
      return this.send("n");
    }
    const portal = await this.runPortal(name);
    if (hasRows(portal.result!)) this.send("T", rowDescription(portal.result!));
    else this.send("n");
  }

  private async execute(name: string): Promise<void> {
    const portal = await this.runPortal(name);
    await this.dataRows(portal.result!);
    this.send("C", cstring(commandTag(portal.result!, portal.sql)));
    this.portals.delete(name);
  }

  private async runPortal(name: string): Promise<Portal> {
    const portal = this.portals.get(name);
    if (!portal) throw new ProtocolError("34000", "portal does not exist");
    if (!portal.result) {
      const prepared = await this.connection!.prepare(portal.sql);
      portal.params.forEach((value, i) => (value === null ? prepared.bindNull(i + 1) : prepared.bindVarchar(i + 1, value)));
      portal.result = await this.track(() => prepared.run(), portal.sql);
    }
    return portal;
  }

  /** Runs a statement and keeps the transaction status Postgres reports in ReadyForQuery. */
  private async track(run: () => Promise<DuckDBMaterializedResult>, sql: string): Promise<DuckDBMaterializedResult> {
    try {
      const result = await run();
      const verb = sql.trim().split(/\s+/)[0]?.toUpperCase();
      if (verb === "BEGIN" || verb === "START") this.transaction = "T";
      if (verb === "COMMIT" || verb === "END" || verb === "ROLLBACK" || verb === "ABORT") this.transaction = "I";
      return result;
    } catch (error) {
      if (this.transaction === "T") this.transaction = "E";
      throw error;
    }
  }

  private async dataRows(result: DuckDBMaterializedResult): Promise<void> {
    if (!hasRows(result)) return;
    const complex = result.columnTypes().map((type) => isComplex(type.typeId));
    // A materialised result can be read once; its JSON form has what the text format needs.
    for (const row of await result.getRowsJson()) {
      const cells = row.map((value, c) => {
        if (value === null) return int32(-1);
        const text = complex[c] ? JSON.stringify(value) : typeof value === "boolean" ? (value ? "t" : "f") : typeof value === "string" ? value : JSON.stringify(value);
        const bytes = Buffer.from(text, "utf8");
        return Buffer.concat([int32(bytes.length), bytes]);
      });
      this.send("D", Buffer.concat([int16(cells.length), ...cells]));
    }
  }

  private ready(): void {
    this.send("Z", Buffer.from(this.transaction));
  }

  private error(error: unknown): void {
    const message = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, "");
    const code = error instanceof ProtocolError ? error.code : sqlState(message);
    this.send("E", Buffer.concat([field("S", "ERROR"), field("V", "ERROR"), field("C", code), field("M", message), Buffer.from([0])]));
  }

  private fatal(code: string, message: string): void {
    this.send("E", Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", code), field("M", message), Buffer.from([0])]));
    this.socket.end();
  }

  private send(type: string, body: Buffer = Buffer.alloc(0)): void {
    if (this.socket.destroyed) return;
    this.socket.write(Buffer.concat([Buffer.from(type), int32(body.length + 4), body]));
  }
}

class Reader {
  private at = 0;
  private readonly body: Buffer;
  constructor(body: Buffer) {
    this.body = body;
  }
  byte(): string {
    return String.fromCharCode(this.body[this.at++]);
  }
  int16(): number {
    return this.body.readInt16BE((this.at += 2) - 2);
  }
  int32(): number {
    return this.body.readInt32BE((this.at += 4) - 4);
  }
  bytes(length: number): Buffer {
    return this.body.subarray(this.at, (this.at += length));
  }
  cstring(): string {
    const end = this.body.indexOf(0, this.at);
    const text = this.body.toString("utf8", this.at, end);
    this.at = end + 1;
    return text;
  }
}

const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(n);
  return bytes;
};
const cstring = (text: string) => Buffer.concat([Buffer.from(text, "utf8"), Buffer.from([0])]);
const field = (code: string, text: string) => Buffer.concat([Buffer.from(code), cstring(text)]);

/** Postgres type OIDs for DuckDB types; what has no counterpart goes out as text or JSON. */
function typeOid(result: DuckDBMaterializedResult, column: number): number {
  const type = result.columnType(column);
  if (result.columnLogicalType(column).alias === "JSON" || isComplex(type.typeId)) return 114;
  const oids: Partial<Record<DuckDBTypeId, number>> = {
    [DuckDBTypeId.BOOLEAN]: 16,
    [DuckDBTypeId.TINYINT]: 21,
    [DuckDBTypeId.SMALLINT]: 21,
    [DuckDBTypeId.UTINYINT]: 21,
    [DuckDBTypeId.INTEGER]: 23,
    [DuckDBTypeId.USMALLINT]: 23,
    [DuckDBTypeId.BIGINT]: 20,
    [DuckDBTypeId.UINTEGER]: 20,
    [DuckDBTypeId.UBIGINT]: 1700,
    [DuckDBTypeId.HUGEINT]: 1700,
    [DuckDBTypeId.DECIMAL]: 1700,
    [DuckDBTypeId.FLOAT]: 700,
    [DuckDBTypeId.DOUBLE]: 701,
    [DuckDBTypeId.DATE]: 1082,
    [DuckDBTypeId.TIMESTAMP]: 1114,
    [DuckDBTypeId.TIMESTAMP_TZ]: 1184,
    [DuckDBTypeId.UUID]: 2950,
    [DuckDBTypeId.BLOB]: 17,
  };
  return oids[type.typeId] ?? 25;
}

function isComplex(typeId: DuckDBTypeId): boolean {
  return typeId === DuckDBTypeId.LIST || typeId === DuckDBTypeId.STRUCT || typeId === DuckDBTypeId.MAP || typeId === DuckDBTypeId.ARRAY;
}

function hasRows(result: DuckDBMaterializedResult): boolean {
  // DuckDB reports a row count for INSERT/UPDATE/DELETE; Postgres sends rows only for queries and RETURNING.
  return result.returnType === 3; // QUERY_RESULT
}

function rowDescription(result: DuckDBMaterializedResult): Buffer {
  const columns = result.columnNames().map((name, i) =>
    Buffer.concat([cstring(name), int32(0), int16(0), int32(typeOid(result, i)), int16(-1), int32(-1), int16(0)]),
  );
  return Buffer.concat([int16(columns.length), ...columns]);
}

function commandTag(result: DuckDBMaterializedResult, sql: string): string {
  const verb = sql.trim().split(/\s+/)[0]?.toUpperCase() ?? "";
  if (verb === "INSERT") return `INSERT 0 ${result.rowsChanged}`;
  if (verb === "UPDATE" || verb === "DELETE" || verb === "MERGE") return `${verb} ${result.rowsChanged}`;
  if (hasRows(result)) return `SELECT ${result.rowCount}`;
  return sql.trim().split(/\s+/).slice(0, verb === "CREATE" || verb === "DROP" || verb === "ALTER" ? 2 : 1).join(" ").toUpperCase();
}

/** The text of statement `i` of a multi-statement query, for its command tag (a best effort). */
function statementText(sql: string, i: number, count: number): string {
  const parts = sql.split(";").map((part) => part.trim()).filter(Boolean);
  return parts.length === count ? parts[i] : sql;
}

/** SQLSTATE for a DuckDB error message, for the codes clients act on. */
function sqlState(message: string): string {
  const codes: Array<[RegExp, string]> = [
    [/^Parser Error/, "42601"],
    [/^Catalog Error: Table with name/, "42P01"],
    [/^Catalog Error/, "42704"],
    [/^Binder Error/, "42703"],
    [/^Constraint Error: Duplicate key/, "23505"],
    [/^Constraint Error: NOT NULL/, "23502"],
    [/^Constraint Error/, "23000"],
    [/^TransactionContext Error: .*[Cc]onflict/, "40001"],
    [/Current transaction is aborted/, "25P02"],
    [/^(Conversion|Invalid Input) Error/, "22P02"],
  ];
  return codes.find(([pattern]) => pattern.test(message))?.[1] ?? "XX000";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8795" }, file: { type: "string", default: ".wrangler/warehouse.duckdb" }, token: { type: "string" } } });
  const standin = await startWarehouseStandin({ file: values.file, port: Number(values.port), token: values.token });
  console.log(`warehouse stand-in (DuckDB ${values.file}) on ${standin.url.replace(/:[^:@/]+@/, ":***@")}`);
}
