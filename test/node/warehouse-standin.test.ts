import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate, readMigrations } from "../../dev/migrate.ts";
import { startWarehouseStandin, type WarehouseStandin } from "../../dev/warehouse-standin.ts";

const dir = mkdtempSync(join(tmpdir(), "warehouse-standin-test-"));
let standin: WarehouseStandin;

beforeAll(async () => {
  standin = await startWarehouseStandin({ file: join(dir, "w.duckdb"), token: "secret-token" });
});
afterAll(async () => {
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(url = standin.url): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe("the Postgres-wire DuckDB stand-in", () => {
  it("refuses a wrong token with SQLSTATE 28P01", async () => {
    await expect(connect(standin.url.replace("secret-token", "wrong"))).rejects.toMatchObject({ code: "28P01" });
  });

  it("answers simple and parameterised queries with typed values, and errors with SQLSTATEs", async () => {
    const client = await connect();
    try {
      const { rows } = await client.query("SELECT 42::INTEGER AS i, 9007199254740993::BIGINT AS b, 1.5::DOUBLE AS d, true AS t, 'x' AS s, NULL AS n, [1, 2] AS l");
      expect(rows).toEqual([{ i: 42, b: "9007199254740993", d: 1.5, t: true, s: "x", n: null, l: [1, 2] }]);
      const param = await client.query("SELECT $1::VARCHAR || '!' AS v, $2::INTEGER + 1 AS n", ["O'Brien 🐟 $1", "41"]);
      expect(param.rows).toEqual([{ v: "O'Brien 🐟 $1!", n: 42 }]);
      await expect(client.query("SELEC 1")).rejects.toMatchObject({ code: "42601" });
      await expect(client.query("SELECT * FROM no_such_table")).rejects.toMatchObject({ code: "42P01" });
      await client.query("CREATE TABLE t (k INTEGER PRIMARY KEY)");
      const insert = await client.query("INSERT INTO t VALUES ($1), ($2)", [1, 2]);
      expect([insert.command, insert.rowCount]).toEqual(["INSERT", 2]);
      await expect(client.query("INSERT INTO t VALUES (1)")).rejects.toMatchObject({ code: "23505" });
      // A failed statement inside a transaction aborts it, as in Postgres.
      await client.query("BEGIN");
      await expect(client.query("INSERT INTO t VALUES (1)")).rejects.toMatchObject({ code: "23505" });
      await client.query("ROLLBACK");
      expect((await client.query("SELECT count(*) AS n FROM t")).rows).toEqual([{ n: "2" }]);
    } finally {
      await client.end();
    }
  });
});

describe("npm run migrate", () => {
  it("applies pending migrations once, and is safe to run again", async () => {
    const client = await connect();
    try {
      const first = await migrate(client);
      expect(first).toEqual(readMigrations().map((m) => `${String(m.version).padStart(4, "0")}_${m.name}`));
      expect(await migrate(client)).toEqual([]);
      const tables = (await client.query("SELECT table_name FROM information_schema.tables ORDER BY table_name")).rows.map((r) => r.table_name);
      for (const table of ["annotated", "documents", "entities", "entity_corrections", "raw_ocr", "schema_migrations"]) expect(tables).toContain(table);
    } finally {
      await client.end();
    }
  });

  it("refuses a migration edited after it was applied, and rolls back one that fails", async () => {
    const edited = mkdtempSync(join(tmpdir(), "migrations-"));
    for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith(".sql"))) copyFileSync(join(MIGRATIONS_DIR, file), join(edited, file));
    const client = await connect();
    try {
      writeFileSync(join(edited, "0001_documents.sql"), "CREATE TABLE documents (x INTEGER);");
      await expect(migrate(client, readMigrations(edited))).rejects.toThrow(/migration 1 \(documents\) was edited after it was applied/);
      copyFileSync(join(MIGRATIONS_DIR, "0001_documents.sql"), join(edited, "0001_documents.sql"));
      const next = readMigrations().length + 1;
      writeFileSync(join(edited, `${String(next).padStart(4, "0")}_broken.sql`), "CREATE TABLE half_done (x INTEGER); SELEC 1;");
      await expect(migrate(client, readMigrations(edited))).rejects.toThrow(new RegExp(`migration ${next} \\(broken\\) failed`));
      const tables = (await client.query("SELECT table_name FROM information_schema.tables")).rows.map((r) => r.table_name);
      expect(tables).not.toContain("half_done");
    } finally {
      await client.end();
      rmSync(edited, { recursive: true, force: true });
    }
  });
});
