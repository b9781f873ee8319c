/**
 * `npm start`: the whole system on this machine with embedded defaults (./local-system.ts), and
 * the upload page's URL once the Worker answers.
 *
 *   PORT=8787 (default)          the Worker's port
 *   SPARK_OCR_URL=...            use this OCR server (the real GPU box) instead of a local engine
 *   OCR_ENGINE=tesseract|standin the local engine: real OCR (default), or the instant fake
 *   WAREHOUSE_URL=postgres://... use this warehouse (MotherDuck; token in .dev.vars) instead of the local DuckDB
 *   ARGILLA_URL=https://...      use this Argilla (API key and webhook secret in .dev.vars) instead of the
 *                                local stand-in (which keeps its records in memory only)
 */
import { createServer } from "node:net";
import { resolve } from "node:path";
import { startLocalSystem } from "./local-system.ts";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) fatal(`PORT must be a port number, got "${process.env.PORT}"`);
await assertPortFree(port);
const engine = process.env.OCR_ENGINE ?? "tesseract";
if (engine !== "tesseract" && engine !== "standin") fatal(`OCR_ENGINE must be "tesseract" or "standin", got "${engine}"`);

const system = await startLocalSystem({
  port,
  stateDir: resolve(import.meta.dirname, "../.wrangler"),
  ocrEngine: engine,
  ocrStandinLatencyMs: Number(process.env.OCR_STANDIN_LATENCY_MS ?? 150),
  ocrUrl: process.env.SPARK_OCR_URL,
  warehouseUrl: process.env.WAREHOUSE_URL,
  argillaUrl: process.env.ARGILLA_URL,
  log: console.log,
}).catch((error: unknown) => fatal(error instanceof Error ? error.message : String(error)));
console.log(`\n  Upload page: ${system.base}/\n  API:         ${system.base}/api/documents\n`);

const stop = (code: number) => void system.close().finally(() => process.exit(code));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
system.wrangler.on("exit", (code) => stop(code ?? 1));

async function assertPortFree(wanted: number): Promise<void> {
  await new Promise<void>((done) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") fatal(`port ${wanted} is already in use: stop whatever holds it, or choose another with PORT=<port> npm start`);
      fatal(`cannot listen on port ${wanted}: ${error.message}`);
    });
    probe.listen(wanted, "127.0.0.1", () => probe.close(() => done()));
  });
}

function fatal(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}
