/**
 * Applies the warehouse migrations in ../migrations (DuckDB SQL, `NNNN_name.sql`) that are not yet
 * recorded in `schema_migrations`, each in its own transaction with its record, in order. Running
 * it twice changes nothing; a migration edited after it was applied is refused, not re-run.
 *
 *   npm run migrate                  the local DuckDB file (.wrangler/warehouse.duckdb)
 *   WAREHOUSE_URL=postgres://user@pg.<region>-aws.motherduck.com:5432/<db>?sslmode=require \
 *   WAREHOUSE_TOKEN=<token> npm run migrate
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startWarehouseStandin } from "./warehouse-standin.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));
export const LOCAL_WAREHOUSE_FILE = fileURLToPath(new URL("../.wrangler/warehouse.duckdb", import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migrations/${file}: expected a name like 0001_documents.sql`);
      const sql = readFileSync(join(dir, file), "utf8");
      return { version: Number(match[1]), name: match[2], sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) throw new Error(`migrations: expected version ${i + 1}, found ${migration.version} (${migration.name})`);
  });
  return migrations;
}

/** Applies what is pending; returns the names applied now. */
export async function migrate(client: pg.Client, migrations = readMigrations()): Promise<string[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    checksum   VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  )`);
  const { rows } = await client.query<{ version: number; name: string; checksum: string }>("SELECT version, name, checksum FROM schema_migrations");
  const applied = new Map(rows.map((row) => [Number(row.version), row]));
  const done: string[] = [];
  for (const migration of migrations) {
    const previous = applied.get(migration.version);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        throw new Error(`migration ${migration.version} (${migration.name}) was edited after it was applied; add a new migration instead`);
      }
      continue;
    }
    await client.query("BEGIN");
    try {
      await client.query(migration.sql);
      await client.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [migration.version, migration.name, migration.checksum]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new Error(`migration ${migration.version} (${migration.name}) failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    done.push(`${String(migration.version).padStart(4, "0")}_${migration.name}`);
  }
  return done;
}

export async function migrateUrl(url: string, password?: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, ...(password ? { password } : {}) });
  await client.connect();
  try {
    return await migrate(client);
  } finally {
    await client.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.WAREHOUSE_URL;
  let applied: string[];
  if (url) {
    applied = await migrateUrl(url, process.env.WAREHOUSE_TOKEN);
  } else {
    mkdirSync(dirname(LOCAL_WAREHOUSE_FILE), { recursive: true });
    const standin = await startWarehouseStandin({ file: LOCAL_WAREHOUSE_FILE }).catch((error: unknown) => {
      throw new Error(`cannot open ${LOCAL_WAREHOUSE_FILE} (is \`npm start\` running? it applies migrations itself): ${String(error)}`);
    });
    try {
      applied = await migrateUrl(standin.url);
    } finally {
      await standin.close();
    }
  }
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "nothing to apply: the warehouse is up to date");
}
