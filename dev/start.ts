/**
 * `npm start`: the whole system on this machine with embedded defaults. Starts a local OCR engine
 * (unless SPARK_OCR_URL points at a real GPU box) and the local warehouse (a DuckDB file behind the
 * Postgres wire protocol, migrated), then `wrangler dev` with local R2 and Durable Object storage,
 * and prints the upload page's URL once the Worker answers.
 *
 *   PORT=8787 (default)          the Worker's port
 *   SPARK_OCR_URL=...            use this OCR server (the real GPU box) instead of a local engine
 *   OCR_ENGINE=tesseract|standin the local engine: real OCR (default), or the instant fake
 *   WAREHOUSE_URL=postgres://... use this warehouse (MotherDuck; token in .dev.vars) instead of the local DuckDB
 *   ARGILLA_URL=https://...      use this Argilla (API key and webhook secret in .dev.vars) instead of the
 *                                local stand-in (which keeps its records in memory only)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { startArgillaStandin } from "./argilla-standin.ts";
import { registerWebhook } from "./argilla-webhook.ts";
import { startLocalOcr } from "./local-ocr.ts";
import { LOCAL_WAREHOUSE_FILE, migrateUrl } from "./migrate.ts";
import { startOcrStandin } from "./ocr-standin.ts";
import { startWarehouseStandin } from "./warehouse-standin.ts";

const root = resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) fatal(`PORT must be a port number, got "${process.env.PORT}"`);

await assertPortFree(port);
const engine = process.env.OCR_ENGINE ?? "tesseract";
if (engine !== "tesseract" && engine !== "standin") fatal(`OCR_ENGINE must be "tesseract" or "standin", got "${engine}"`);
const standin = process.env.SPARK_OCR_URL
  ? null
  : engine === "tesseract"
    ? await startLocalOcr({ workers: 1 })
    : await startOcrStandin({ latencyMs: Number(process.env.OCR_STANDIN_LATENCY_MS ?? 150) });
const ocrUrl = process.env.SPARK_OCR_URL ?? standin!.url;
console.log(standin ? `local OCR engine (${engine}, no GPU) on ${ocrUrl}` : `OCR server: ${ocrUrl}`);

// Keep wrangler's config, state and temp files inside the project: reproducible, nothing global.
const state = resolve(root, ".wrangler");
mkdirSync(resolve(state, "tmp"), { recursive: true });

const warehouse = process.env.WAREHOUSE_URL ? null : await startWarehouseStandin({ file: LOCAL_WAREHOUSE_FILE });
if (warehouse) {
  const applied = await migrateUrl(warehouse.url);
  console.log(`local warehouse (DuckDB ${LOCAL_WAREHOUSE_FILE}) on ${warehouse.url.replace(/:[^:@/]+@/, ":***@")}${applied.length ? `; applied ${applied.join(", ")}` : ""}`);
}
const warehouseUrl = process.env.WAREHOUSE_URL ?? warehouse!.url;

// Expert review: a local Argilla stand-in with this Worker's webhook registered, unless a real one is given.
const base = `http://127.0.0.1:${port}`;
const argilla = process.env.ARGILLA_URL ? null : await startArgillaStandin();
const reviewVars: string[] = [`PUBLIC_URL:${base}`, `REVIEW_LINK_SECRET:${localSecret(resolve(state, "review-link-secret"))}`];
if (argilla) {
  const hook = await registerWebhook({ argillaUrl: argilla.url, apiKey: argilla.ownerApiKey, publicUrl: base });
  reviewVars.push(`ARGILLA_URL:${argilla.url}`, `ARGILLA_API_KEY:${argilla.ownerApiKey}`, `ARGILLA_WEBHOOK_SECRET:${hook.secret}`);
  console.log(`local Argilla stand-in on ${argilla.url} (API key ${argilla.ownerApiKey}; records live in memory)`);
} else {
  reviewVars.push(`ARGILLA_URL:${process.env.ARGILLA_URL}`);
}
const wrangler = spawn(
  "wrangler",
  ["dev", "--ip", "127.0.0.1", "--port", String(port), "--var", `SPARK_OCR_URL:${ocrUrl}`, "--var", `WAREHOUSE_URL:${warehouseUrl}`, ...reviewVars.flatMap((v) => ["--var", v]), "--persist-to", resolve(state, "state"), "--show-interactive-dev-session=false"],
  {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      XDG_CONFIG_HOME: resolve(state, "config"),
      TMPDIR: resolve(state, "tmp"),
    },
  },
);

const stop = (code: number) => {
  wrangler.kill("SIGTERM");
  void Promise.allSettled([standin?.close(), warehouse?.close(), argilla?.close()]).finally(() => process.exit(code));
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
wrangler.on("exit", (code) => stop(code ?? 1));

for (let i = 0; i < 240; i++) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) {
      console.log(`\n  Upload page: ${base}/\n  API:         ${base}/api/documents\n`);
      break;
    }
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 500));
}

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

/** A random secret kept in a local file, so signed links survive a restart. */
function localSecret(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

function fatal(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}
