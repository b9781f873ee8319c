/**
 * Registers this deployment's webhook in Argilla (response.created / response.updated to
 * `<PUBLIC_URL>/api/argilla/webhook`; an existing one for that URL is reused) and stores its signing
 * secret where the Worker reads it, without printing it: `wrangler secret put` by default, or
 * `.dev.vars` for local runs. Needs an owner's API key (Argilla lets only owners manage webhooks).
 *
 *   ARGILLA_URL=https://argilla.example.org ARGILLA_API_KEY=<owner key> \
 *   PUBLIC_URL=https://vessel-docs.example.org npm run argilla:webhook [-- --dev-vars | --env production]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const EVENTS = ["response.created", "response.updated"];

export async function registerWebhook(options: { argillaUrl: string; apiKey: string; publicUrl: string }): Promise<{ id: string; secret: string; created: boolean }> {
  const target = new URL("/api/argilla/webhook", options.publicUrl).toString();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, options.argillaUrl), {
      method,
      headers: { "x-argilla-api-key": options.apiKey, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Argilla ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<any>;
  };
  const existing = (await call("GET", "/api/v1/webhooks")).items.find((hook: { url: string }) => hook.url === target);
  if (existing) return { id: existing.id, secret: existing.secret, created: false };
  const hook = await call("POST", "/api/v1/webhooks", { url: target, events: EVENTS, description: "vessel-docs: expert corrections to the warehouse" });
  return { id: hook.id, secret: hook.secret, created: true };
}

/** Sets `name=value` in a dotenv-style file, keeping its other lines. */
export function setDevVar(file: string, name: string, value: string): void {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((line) => !line.startsWith(`${name}=`)) : [];
  while (lines.length && lines.at(-1) === "") lines.pop();
  writeFileSync(file, `${[...lines, `${name}=${value}`].join("\n")}\n`, { mode: 0o600 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { "dev-vars": { type: "boolean", default: false }, env: { type: "string" } } });
  const { ARGILLA_URL, ARGILLA_API_KEY, PUBLIC_URL } = process.env;
  if (!ARGILLA_URL || !ARGILLA_API_KEY || !PUBLIC_URL) {
    console.error("argilla:webhook needs ARGILLA_URL, ARGILLA_API_KEY (an owner's) and PUBLIC_URL (where Argilla reaches this Worker)");
    process.exit(1);
  }
  const hook = await registerWebhook({ argillaUrl: ARGILLA_URL, apiKey: ARGILLA_API_KEY, publicUrl: PUBLIC_URL });
  console.log(`${hook.created ? "registered" : "found"} webhook ${hook.id} -> ${new URL("/api/argilla/webhook", PUBLIC_URL)}`);
  if (values["dev-vars"]) {
    setDevVar(fileURLToPath(new URL("../.dev.vars", import.meta.url)), "ARGILLA_WEBHOOK_SECRET", hook.secret);
    console.log("its secret is in .dev.vars (ARGILLA_WEBHOOK_SECRET)");
  } else {
    const target = values.env ? ["--env", values.env] : [];
    const put = spawnSync("wrangler", ["secret", "put", "ARGILLA_WEBHOOK_SECRET", ...target], { input: hook.secret, stdio: ["pipe", "inherit", "inherit"] });
    if (put.status !== 0) process.exit(put.status ?? 1);
  }
}
