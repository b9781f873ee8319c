import { z } from "zod";

/**
 * Every setting the Worker reads, validated in one place. Vars come from wrangler.toml (strings),
 * secrets from `wrangler secret put` / `.dev.vars`. A bad value fails loudly at the first request
 * that needs it instead of misbehaving later.
 */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);
/** An optional secret; an empty value (as in a copied .dev.vars.example) counts as unset. */
const optionalSecret = z.preprocess(emptyToUndefined, z.string().optional());

const httpUrl = z.url({ protocol: /^https?$/ });

const settingsSchema = z.object({
  // Where this Worker runs: "local" (npm start, tests) allows loopback services and open uploads;
  // "staging" and "production" refuse what a deployment must not run with (see deploymentIssues).
  DEPLOYMENT: z.enum(["local", "staging", "production"]).default("local"),
  // Only for a deployment that really means to take uploads from anyone (rate-limited per IP).
  ALLOW_PUBLIC_UPLOADS: z.enum(["true", "false"]).default("false"),
  // The GPU box, or several separated by commas: one gate places pages over them all.
  SPARK_OCR_URL: z
    .string()
    .refine(
      (list) => {
        const urls = ocrEndpoints(list);
        return urls.length > 0 && urls.every((url) => httpUrl.safeParse(url).success);
      },
      { message: "must be an http(s) URL, or several separated by commas" },
    ),
  OCR_MODEL: z.string().min(1).default("deepseek-ai/DeepSeek-OCR"),
  OCR_PROMPT: z.string().min(1).default("<|grounding|>Convert the document to markdown."),
  // The server's context (vLLM --max-model-len) and what a page's image and prompt take of it:
  // max_tokens is what is left, so no request is refused for not fitting.
  OCR_MAX_MODEL_LEN: positiveInt(8192),
  OCR_PROMPT_TOKENS: positiveInt(1000),
  OCR_TIMEOUT_MS: positiveInt(120_000),
  OCR_MAX_ATTEMPTS: positiveInt(4),
  OCR_RETRY_BASE_MS: positiveInt(2000),
  // What one document's page images in flight at the OCR server may add up to; how many pages that
  // is, up to what the gate offers it, follows from the pages' sizes.
  OCR_BYTES_IN_FLIGHT: positiveInt(16 * 1024 * 1024),
  // A fixed cap on one document's pages in progress; empty: the gate decides.
  OCR_PAGES_IN_FLIGHT: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().optional()),
  // The shared gate's concurrency: where it starts, and the most it may ever allow.
  OCR_GATE_INITIAL_LIMIT: positiveInt(8),
  OCR_GATE_MAX_LIMIT: positiveInt(64),
  RENDER_DPI: positiveInt(144),
  // auto: born-digital pages with a usable text layer are read from it instead of by the GPU.
  TEXT_LAYER: z.enum(["auto", "off"]).default("auto"),
  MAX_UPLOAD_BYTES: positiveInt(100 * 1024 * 1024),
  // Limits on what a PDF may ask of the renderer, checked before it renders anything.
  MAX_PAGES: positiveInt(2000),
  // Finished documents older than this many days are deleted by the cron, with everything they
  // left (empty = kept for ever).
  RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().optional()),
  // New runs of one finished document per hour: each costs GPU time for every page.
  REPROCESS_PER_HOUR: positiveInt(3),
  MAX_PAGE_PIXELS: positiveInt(8_000_000),
  MAX_IMAGE_PIXELS: positiveInt(200_000_000),
  MAX_CONTENT_BYTES: positiveInt(64 * 1024 * 1024),
  // Files this big or bigger are read from R2 by ranges, one page's objects at a time.
  RANGED_MIN_BYTES: z.coerce.number().int().nonnegative().default(8 * 1024 * 1024),
  PAGES_PER_INVOCATION: positiveInt(24),
  UPLOAD_IDLE_TIMEOUT_MS: positiveInt(30_000),
  UPLOAD_TIMEOUT_MS: positiveInt(15 * 60_000),
  UPLOAD_AUTH: z.enum(["public", "apikey", "access"]).default("public"),
  ACCESS_TEAM_DOMAIN: z.preprocess(emptyToUndefined, httpUrl.optional()),
  ACCESS_AUD: z.preprocess(emptyToUndefined, z.string().optional()),
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((list) => list.split(",").map((origin) => origin.trim()).filter(Boolean)),
  // The optional language-model pass over each page's text (OpenAI-compatible, e.g. Ollama): off
  // unless LLM_URL is set.
  LLM_URL: z.preprocess(emptyToUndefined, httpUrl.optional()),
  LLM_MODEL: z.string().min(1).default("llama3.3:70b"),
  LLM_TIMEOUT_MS: positiveInt(60_000),
  LLM_API_TOKEN: optionalSecret,
  // The warehouse (MotherDuck's Postgres endpoint, or the local DuckDB stand-in); empty = off, in
  // which case runs end with their Parquet files in R2 only. The token is a secret.
  WAREHOUSE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  WAREHOUSE_TOKEN: optionalSecret,
  WAREHOUSE_TIMEOUT_MS: positiveInt(30_000),
  WAREHOUSE_RETRY_BASE_MS: positiveInt(5_000),
  WAREHOUSE_BATCH_BYTES: positiveInt(4 * 1024 * 1024),
  WAREHOUSE_BATCH_ROWS: positiveInt(10_000),
  // Expert review in Argilla; empty ARGILLA_URL = off. The API key (an owner's or admin's) and the
  // webhook's signing secret are secrets.
  ARGILLA_URL: z.preprocess(emptyToUndefined, httpUrl.optional()),
  ARGILLA_API_KEY: optionalSecret,
  ARGILLA_WORKSPACE: z.string().min(1).default("vessel-docs"),
  ARGILLA_DATASET: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only").default("vessel-entities"),
  ARGILLA_TIMEOUT_MS: positiveInt(30_000),
  ARGILLA_RETRY_BASE_MS: positiveInt(5_000),
  ARGILLA_WEBHOOK_SECRET: optionalSecret,
  // Where experts' browsers reach this Worker (page images in Argilla link here), and the secret
  // that signs those links; without it records carry no image.
  PUBLIC_URL: httpUrl.default("http://127.0.0.1:8787"),
  REVIEW_LINK_SECRET: optionalSecret,
  REVIEW_LINK_TTL_S: positiveInt(30 * 24 * 3600),
  // Signs document ids so a guessed id is refused by the Worker before it reaches a Durable Object.
  // Ids issued while it was unset (or under another value) are refused once it is set or changed.
  DOCUMENT_ID_SECRET: optionalSecret,
  // Objects created under this prefix (rclone, the S3 API) are processed like uploads.
  BULK_PREFIX: z.string().min(1).default("incoming/"),
  // Secrets: comma-separated SHA-256 hex digests of API keys (never the keys themselves).
  UPLOAD_KEY_HASHES: optionalSecret,
  OPERATOR_KEY_HASHES: optionalSecret,
  // Optional credentials for the GPU box behind Cloudflare Access / a bearer-protected vLLM.
  SPARK_ACCESS_CLIENT_ID: optionalSecret,
  SPARK_ACCESS_CLIENT_SECRET: optionalSecret,
  SPARK_API_TOKEN: optionalSecret,
}).superRefine((config, context) => {
  if (config.OCR_PROMPT_TOKENS >= config.OCR_MAX_MODEL_LEN) {
    context.addIssue({ code: "custom", path: ["OCR_PROMPT_TOKENS"], message: "must leave room for output below OCR_MAX_MODEL_LEN" });
  }
  // Never fail open: a mode whose credentials are not configured refuses to start.
  if (config.UPLOAD_AUTH === "apikey" && !config.UPLOAD_KEY_HASHES) {
    context.addIssue({ code: "custom", path: ["UPLOAD_KEY_HASHES"], message: 'UPLOAD_AUTH="apikey" needs UPLOAD_KEY_HASHES' });
  }
  if (config.ARGILLA_URL && !config.ARGILLA_API_KEY) {
    context.addIssue({ code: "custom", path: ["ARGILLA_API_KEY"], message: "ARGILLA_URL needs ARGILLA_API_KEY" });
  }
  if (config.UPLOAD_AUTH === "access" && !(config.ACCESS_TEAM_DOMAIN && config.ACCESS_AUD)) {
    context.addIssue({ code: "custom", path: ["ACCESS_AUD"], message: 'UPLOAD_AUTH="access" needs ACCESS_TEAM_DOMAIN and ACCESS_AUD' });
  }
  if (config.DEPLOYMENT !== "local") for (const [path, message] of deploymentIssues(config)) context.addIssue({ code: "custom", path: [path], message });
});

/** The URLs of a comma-separated list (one URL is a list of one), without trailing slashes. */
export function ocrEndpoints(list: string): string[] {
  return list
    .split(",")
    .map((url) => url.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)$/;

/** What a staging or production deployment must not run with: local services, plain HTTP, placeholders, open uploads. */
function deploymentIssues(config: { [key: string]: unknown }): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  for (const name of ["SPARK_OCR_URL", "WAREHOUSE_URL", "ARGILLA_URL", "LLM_URL", "PUBLIC_URL"]) {
    const value = config[name];
    if (typeof value !== "string" || !value) continue;
    // Several GPU boxes are a list; a URL that does not parse is the schema's to report.
    const urls = name === "SPARK_OCR_URL" ? ocrEndpoints(value) : [value];
    for (const url of urls.filter((each) => URL.canParse(each)).map((each) => new URL(each))) {
      if (LOOPBACK.test(url.hostname)) issues.push([name, `${name} points at this machine (${url.hostname}); a deployment needs the real service`]);
      else if (url.protocol === "http:") issues.push([name, `${name} is plain http; a deployment reaches its services over https`]);
    }
  }
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === "string" && (/change-?me/i.test(value) || /\.example(\/|:|$)/.test(value))) issues.push([name, `${name} is still a placeholder (${value})`]);
  }
  if (config.UPLOAD_AUTH === "public" && config.ALLOW_PUBLIC_UPLOADS !== "true") {
    issues.push(["UPLOAD_AUTH", 'UPLOAD_AUTH="public" lets anyone upload; use "access" or "apikey", or set ALLOW_PUBLIC_UPLOADS="true" if that is meant']);
  }
  if (!config.DOCUMENT_ID_SECRET) issues.push(["DOCUMENT_ID_SECRET", "a deployment needs DOCUMENT_ID_SECRET, so guessed ids never reach a Durable Object"]);
  if (config.ARGILLA_URL && !config.REVIEW_LINK_SECRET) issues.push(["REVIEW_LINK_SECRET", "review needs REVIEW_LINK_SECRET, or Argilla's records carry no page image"]);
  return issues;
}

/** The settings' problems, as messages: for `npm run check-config` before a deploy. */
export function configurationIssues(values: Record<string, unknown>): string[] {
  const result = settingsSchema.safeParse(values);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

export type Settings = z.infer<typeof settingsSchema>;

/** Argilla's connection settings, or null when review is off. */
export function argillaOptions(config: Settings) {
  if (!config.ARGILLA_URL || !config.ARGILLA_API_KEY) return null;
  return { url: config.ARGILLA_URL, apiKey: config.ARGILLA_API_KEY, workspace: config.ARGILLA_WORKSPACE, dataset: config.ARGILLA_DATASET, timeoutMs: config.ARGILLA_TIMEOUT_MS };
}

/** The warehouse's connection settings, or null when there is none. */
export function warehouseOptions(config: Settings) {
  if (!config.WAREHOUSE_URL) return null;
  return {
    url: config.WAREHOUSE_URL,
    token: config.WAREHOUSE_TOKEN,
    timeoutMs: config.WAREHOUSE_TIMEOUT_MS,
    batchBytes: config.WAREHOUSE_BATCH_BYTES,
    batchRows: config.WAREHOUSE_BATCH_ROWS,
  };
}

const cache = new WeakMap<object, Settings>();

/** The Worker's settings from its bindings (`env`), validated once per bindings object. */
export function settings(env: object): Settings {
  let parsed = cache.get(env);
  if (!parsed) {
    const result = settingsSchema.safeParse(env);
    if (!result.success) {
      throw new Error(`invalid configuration: ${z.prettifyError(result.error)}`);
    }
    parsed = result.data;
    cache.set(env, parsed);
  }
  return parsed;
}
