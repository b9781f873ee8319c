/**
 * `npm run upload -- <files or folders> [--url URL] [--key KEY] [--concurrency N] [--json]`: a
 * backfill. Every PDF found is uploaded (a few at a time), then followed live over its WebSocket
 * until it is final: one progress bar per file (bytes, then pages done) and one overall. Ends with
 * a summary table (or, with --json, one JSON array for scripts) and a non-zero exit when any file
 * failed.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MultiBar, Presets } from "cli-progress";
import { follow, uploadFile } from "./client.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: process.env.VESSEL_DOCS_URL ?? "http://127.0.0.1:8787" },
    key: { type: "string", default: process.env.VESSEL_DOCS_KEY },
    concurrency: { type: "string", default: "4" },
    json: { type: "boolean", default: false },
  },
});
const files = positionals.flatMap((path) => pdfsUnder(resolve(path)));
if (files.length === 0) {
  console.error("usage: npm run upload -- <PDF files or folders> [--url URL] [--key KEY] [--concurrency N] [--json]");
  process.exit(2);
}

interface Outcome {
  file: string;
  id: string | null;
  stage: string;
  pages: number | null;
  error: string | null;
  seconds: number;
}

const bars = values.json ? null : new MultiBar({ format: " {bar} {percentage}% | {name} | {what}", hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
const overall = bars?.create(files.length, 0, { name: "all files", what: `0 of ${files.length} finished` });
const outcomes: Outcome[] = [];
const queue = [...files];
await Promise.all(
  Array.from({ length: Math.max(1, Number(values.concurrency)) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) outcomes.push(await run(file));
  }),
);
bars?.stop();

if (values.json) console.log(JSON.stringify(outcomes, null, 2));
else console.table(outcomes.map((o) => ({ file: o.file, id: o.id ?? "", stage: o.stage, pages: o.pages ?? "", seconds: o.seconds, error: o.error ?? "" })));
process.exit(outcomes.every((o) => o.stage === "done") ? 0 : 1);

async function run(file: string): Promise<Outcome> {
  const started = Date.now();
  const name = file.length > 40 ? `...${file.slice(-37)}` : file;
  const bar = bars?.create(1, 0, { name, what: "uploading" });
  let outcome: Outcome;
  try {
    const uploaded = await uploadFile(values.url, file, values.key, (sent, total) => {
      bar?.setTotal(total);
      bar?.update(sent, { what: `uploading ${(sent / 2 ** 20).toFixed(1)} of ${(total / 2 ** 20).toFixed(1)} MB` });
    });
    const final = await follow(values.url, uploaded, (progress) => {
      if (progress.pageCount) bar?.setTotal(progress.pageCount);
      bar?.update(progress.pagesSettled, { what: `${progress.stage}: ${progress.pagesSettled} of ${progress.pageCount ?? "?"} pages` });
    });
    outcome = { file, id: uploaded.id, stage: final.stage, pages: final.pageCount, error: final.error, seconds: 0 };
  } catch (error) {
    outcome = { file, id: null, stage: "not uploaded", pages: null, error: error instanceof Error ? error.message : String(error), seconds: 0 };
    bar?.update({ what: `failed: ${outcome.error}` });
  }
  outcome.seconds = Math.round((Date.now() - started) / 100) / 10;
  overall?.increment(1, { what: `${outcomes.length + 1} of ${files.length} finished` });
  return outcome;
}

function pdfsUnder(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) {
    console.error(`no such file or folder: ${path}`);
    process.exit(2);
  }
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      return statSync(child).isDirectory() ? pdfsUnder(child) : name.toLowerCase().endsWith(".pdf") ? [child] : [];
    });
}
