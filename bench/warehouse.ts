/**
 * Warehouse write speed: entity rows/s through the Worker's whole write path (its warehouse module
 * in workerd, `pg` over the Postgres wire, the DuckDB stand-in on a file), batched as production
 * writes them, beside one-statement-per-row and 1000-row VALUES lists on the same connection.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrateUrl } from "../dev/migrate.ts";
import { startWarehouseStandin } from "../dev/warehouse-standin.ts";

const dir = mkdtempSync(join(tmpdir(), "warehouse-bench-"));
const warehouse = await startWarehouseStandin({ file: join(dir, "bench.duckdb") });
await migrateUrl(warehouse.url);

const figures = new Map<string, number>();
const collector = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk));
  req.on("end", () => {
    if (req.url === "/figure") {
      const { name, value } = JSON.parse(body) as { name: string; value: number };
      figures.set(name, value);
    }
    res.end("ok");
  });
});
await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));

let output = "";
const status = await new Promise<number | null>((done) => {
  const child = spawn("vitest", ["run", "--config", "bench/workerd/vitest.config.ts"], {
    cwd: resolve(import.meta.dirname, ".."),
    env: {
      ...process.env,
      BENCH_ONLY: "warehouse",
      BENCH_COLLECTOR: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      BENCH_WAREHOUSE_URL: warehouse.url,
    },
  });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  child.on("exit", done);
});
collector.close();
await warehouse.close();
rmSync(dir, { recursive: true, force: true });
if (status !== 0) {
  console.error(output);
  process.exit(1);
}
for (const [name, value] of figures) console.log(`${name}: ${Number(value.toFixed(name.includes("_over_") ? 2 : 0))}`);
