/**
 * The whole system on this machine: a local OCR engine (unless an OCR URL is given), the local
 * warehouse (a DuckDB file behind the Postgres wire protocol, migrated), a local Argilla stand-in
 * with this Worker's webhook registered (unless an Argilla URL is given), then `wrangler dev` with
 * local R2 and Durable Object storage. `npm start` and the browser tests both run it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { freePort } from "./free-port.ts";
import { startArgillaStandin, type ArgillaStandin } from "./argilla-standin.ts";
import { registerWebhook } from "./argilla-webhook.ts";
import { startLocalOcr } from "./local-ocr.ts";
import { migrateUrl } from "./migrate.ts";
import { startOcrStandin } from "./ocr-standin.ts";
import { startWarehouseStandin } from "./warehouse-standin.ts";

export interface LocalSystemOptions {
  /** 0: a free one. */
  port: number;
  /** wrangler's state, the warehouse file and local secrets live here. */
  stateDir: string;
  /** The local OCR engine: real OCR (tesseract) or the instant stand-in. */
  ocrEngine: "tesseract" | "standin";
  ocrStandinLatencyMs?: number;
  /** Tesseract workers of the local engine (one, as `npm start` runs it, unless more are wanted). */
  ocrWorkers?: number;
  /** More Worker vars (name -> value), e.g. a benchmark's upload mode. */
  vars?: Record<string, string>;
  /** Real services instead of the local ones. */
  ocrUrl?: string;
  warehouseUrl?: string;
  argillaUrl?: string;
  /** wrangler's output: shown (npm start) or kept quiet (tests). */
  stdio?: "inherit" | "ignore";
  log?: (line: string) => void;
}

export interface LocalSystem {
  base: string;
  ocrUrl: string;
  argilla: ArgillaStandin | null;
  wrangler: ChildProcess;
  close(): Promise<void>;
}

const root = resolve(import.meta.dirname, "..");

/**
 * Starts the system; `port: 0` picks a free port, and another if something takes it between the
 * choice and wrangler's bind (tests and benchmarks start several systems at once).
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  if (options.port !== 0) return startOnce(options);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, port: await freePort() });
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

async function startOnce(options: LocalSystemOptions): Promise<LocalSystem> {
  const log = options.log ?? (() => undefined);
  const base = `http://127.0.0.1:${options.port}`;
  mkdirSync(resolve(options.stateDir, "tmp"), { recursive: true });

  const ocr = options.ocrUrl
    ? null
    : options.ocrEngine === "tesseract"
      ? await startLocalOcr({ workers: options.ocrWorkers ?? 1 })
      : await startOcrStandin({ latencyMs: options.ocrStandinLatencyMs ?? 150 });
  const ocrUrl = options.ocrUrl ?? ocr!.url;
  log(ocr ? `local OCR engine (${options.ocrEngine}, no GPU) on ${ocrUrl}` : `OCR server: ${ocrUrl}`);

  const warehouseFile = resolve(options.stateDir, "warehouse.duckdb");
  const warehouse = options.warehouseUrl ? null : await startWarehouseStandin({ file: warehouseFile });
  if (warehouse) {
    const applied = await migrateUrl(warehouse.url);
    log(`local warehouse (DuckDB ${warehouseFile}) on ${warehouse.url.replace(/:[^:@/]+@/, ":***@")}${applied.length ? `; applied ${applied.join(", ")}` : ""}`);
  }

  const argilla = options.argillaUrl ? null : await startArgillaStandin();
  const vars: Record<string, string> = {
    SPARK_OCR_URL: ocrUrl,
    WAREHOUSE_URL: options.warehouseUrl ?? warehouse!.url,
    PUBLIC_URL: base,
    REVIEW_LINK_SECRET: localSecret(resolve(options.stateDir, "review-link-secret")),
    DOCUMENT_ID_SECRET: localSecret(resolve(options.stateDir, "document-id-secret")),
  };
  if (argilla) {
    const hook = await registerWebhook({ argillaUrl: argilla.url, apiKey: argilla.ownerApiKey, publicUrl: base });
    Object.assign(vars, { ARGILLA_URL: argilla.url, ARGILLA_API_KEY: argilla.ownerApiKey, ARGILLA_WEBHOOK_SECRET: hook.secret });
    log(`local Argilla stand-in on ${argilla.url} (API key ${argilla.ownerApiKey}; records live in memory)`);
  } else {
    vars.ARGILLA_URL = options.argillaUrl!;
  }
  Object.assign(vars, options.vars);

  // The values (secrets among them) reach wrangler in a file only this user can read, not on its
  // command line, where `ps` shows them to every user of the machine.
  const envFile = resolve(options.stateDir, "local.env");
  const lines = Object.entries(vars).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  writeFileSync(envFile, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(envFile, 0o600);

  // The operators' index (local D1, in the same state directory wrangler dev uses).
  const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", XDG_CONFIG_HOME: resolve(options.stateDir, "config"), TMPDIR: resolve(options.stateDir, "tmp") };
  const d1 = spawnSync("wrangler", ["d1", "migrations", "apply", "vessel-docs-index", "--local", "--persist-to", resolve(options.stateDir, "state")], {
    cwd: root,
    env: { ...wranglerEnv, CI: "true" },
    encoding: "utf8",
  });
  if (d1.status !== 0) throw new Error(`applying the index's D1 migrations failed: ${d1.stderr || d1.stdout}`);

  // wrangler's config, state and temp files stay in stateDir: reproducible, nothing global.
  const wrangler = spawn(
    "wrangler",
    ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--env-file", envFile, "--persist-to", resolve(options.stateDir, "state"), "--show-interactive-dev-session=false"],
    {
      cwd: root,
      // Kept quiet, its last words are still kept: they say why it stopped, if it does.
      stdio: (options.stdio ?? "inherit") === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        XDG_CONFIG_HOME: resolve(options.stateDir, "config"),
        TMPDIR: resolve(options.stateDir, "tmp"),
      },
    },
  );
  let lastWords = "";
  const keep = (chunk: Buffer) => (lastWords = (lastWords + chunk.toString()).slice(-4000));
  wrangler.stdout?.on("data", keep);
  wrangler.stderr?.on("data", keep);
  const close = async () => {
    wrangler.kill("SIGTERM");
    await Promise.allSettled([ocr?.close(), warehouse?.close(), argilla?.close()]);
  };
  for (let i = 0; ; i++) {
    if (wrangler.exitCode !== null) {
      await close();
      throw new Error(`wrangler dev exited (${wrangler.exitCode}) before it answered${lastWords ? `:\n${lastWords.trim()}` : ""}`);
    }
    try {
      // The Worker answers its own health (200, or 503 while, say, the OCR model still loads).
      const answer = (await (await fetch(`${base}/api/health`)).json().catch(() => null)) as { ok?: boolean } | null;
      if (typeof answer?.ok === "boolean") break;
    } catch {
      // not up yet
    }
    if (i > 240) {
      await close();
      throw new Error("wrangler dev did not answer within 2 minutes");
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, ocrUrl, argilla, wrangler, close };
}

/** A random secret kept in a local file, so signed links survive a restart. */
function localSecret(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}
