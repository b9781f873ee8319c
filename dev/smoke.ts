/**
 * `npm run smoke -- <https://your-deployment> [--key KEY]`: after a deploy, checks that the
 * deployment works end to end: its health, then a small PDF uploaded and followed to `done`, with
 * the vessel's IMO number found. KEY is an upload (or operator) key where uploads need one; with an
 * operator key the health of each dependency is shown. Exits non-zero at the first failure.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { follow, uploadFile } from "./client.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { key: { type: "string", default: process.env.VESSEL_DOCS_KEY } } });
const base = (positionals[0] ?? "").replace(/\/+$/, "");
if (!/^https?:\/\//.test(base)) {
  console.error("usage: npm run smoke -- <https://your-deployment> [--key KEY]");
  process.exit(2);
}
const fail = (message: string): never => {
  console.error(`smoke: FAILED: ${message}`);
  process.exit(1);
};

const health = await fetch(`${base}/api/health`, { headers: values.key ? { authorization: `Bearer ${values.key}` } : {} });
const report = (await health.json().catch(() => null)) as { ok?: boolean; checks?: Record<string, { status: string; latencyMs: number | null; error?: string }> } | null;
console.log(`health: ${health.status} ${report?.ok ? "ok" : "not ok"}`);
for (const [name, check] of Object.entries(report?.checks ?? {})) console.log(`  ${name}: ${check.status}${check.latencyMs !== null ? ` (${check.latencyMs} ms)` : ""}${check.error ? `: ${check.error}` : ""}`);
if (!report?.ok) fail(`/api/health answered ${health.status}`);

const pdf = await PDFDocument.create();
const font = await pdf.embedFont(StandardFonts.Helvetica);
const page = pdf.addPage([595, 842]);
page.drawText("Smoke test: authorised vessel", { x: 60, y: 760, size: 16, font });
page.drawText("Name of vessel: SMOKE TEST STAR", { x: 60, y: 720, size: 12, font });
page.drawText("IMO number: 9074729", { x: 60, y: 700, size: 12, font });
const file = join(mkdtempSync(join(tmpdir(), "smoke-")), "smoke-test.pdf");
writeFileSync(file, await pdf.save());

const started = Date.now();
const uploaded = await uploadFile(base, file, values.key, () => undefined).catch((error: Error) => fail(`upload: ${error.message}`));
console.log(`uploaded: ${uploaded.id}`);
let last = "";
const final = await follow(base, uploaded, (progress) => {
  if (progress.stage !== last) console.log(`  ${(last = progress.stage)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}, 5 * 60_000).catch((error: Error) => fail(error.message));
if (final.stage !== "done") fail(`the document ended ${final.stage}${final.error ? `: ${final.error}` : ""}`);
const entities = (await (await fetch(`${base}/api/documents/${uploaded.id}/entities?label=IMO_NUMBER`, { headers: { authorization: `Bearer ${uploaded.token}` } })).json()) as {
  entities?: Array<{ value: string }>;
};
if (!entities.entities?.some((e) => e.value === "9074729")) fail(`IMO 9074729 was not found (got ${JSON.stringify(entities)})`);
console.log(`smoke: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
// Closed sockets may still be finishing their close handshake; nothing is left to wait for.
process.exit(0);
