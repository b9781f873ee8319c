/**
 * The operator's command-line tools against the whole local system as `npm start` runs it: the
 * smoke test a deploy ends with, and the bulk upload (concurrent uploads followed live to the end,
 * a summary, a non-zero exit when a file fails).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalSystem, type LocalSystem } from "../../dev/local-system.ts";

const root = resolve(import.meta.dirname, "../..");
let system: LocalSystem;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "cli-"));
  system = await startLocalSystem({ port: 0, stateDir, ocrEngine: "standin", ocrStandinLatencyMs: 50, stdio: "ignore" });
}, 180_000);

afterAll(async () => {
  await system?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Runs a tool without blocking: the local services answer from this very process. */
function tool(script: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, "dev", script), ...args], { cwd: root });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

async function list(pages: number, label: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) pdf.addPage([400, 500]).drawText(`${label}, page ${i + 1}`, { x: 40, y: 440, size: 14, font });
  return pdf.save();
}

describe("the command-line tools", () => {
  it("smoke: health, a small PDF followed to done, its IMO number found", { timeout: 120_000 }, async () => {
    const run = await tool("smoke.ts", [system.base]);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^health: 200 ok$/m);
    expect(run.stdout).toMatch(/^smoke: ok in [\d.]+ s$/m);
  });

  it("upload: every PDF of a folder, followed to the end; a file that fails makes the exit non-zero", { timeout: 120_000 }, async () => {
    const folder = join(stateDir, "backfill");
    mkdirSync(join(folder, "2025"), { recursive: true });
    writeFileSync(join(folder, "iotc.pdf"), await list(3, "IOTC record"));
    writeFileSync(join(folder, "2025", "wcpfc.pdf"), await list(2, "WCPFC record"));
    writeFileSync(join(folder, "notes.txt"), "not picked up");
    writeFileSync(join(folder, "broken.pdf"), "<html>Download failed</html>");
    const run = await tool("upload.ts", [folder, "--url", system.base, "--json", "--concurrency", "2"]);
    expect(run.status).toBe(1);
    const outcomes = JSON.parse(run.stdout) as Array<{ file: string; stage: string; pages: number | null; error: string | null }>;
    const byName = Object.fromEntries(outcomes.map((o) => [o.file.split("/").pop(), o]));
    expect(Object.keys(byName).sort()).toEqual(["broken.pdf", "iotc.pdf", "wcpfc.pdf"]);
    expect(byName["iotc.pdf"]).toMatchObject({ stage: "done", pages: 3 });
    expect(byName["wcpfc.pdf"]).toMatchObject({ stage: "done", pages: 2 });
    expect(byName["broken.pdf"]).toMatchObject({ stage: "not uploaded", error: expect.stringMatching(/not a PDF/) });
    const good = await tool("upload.ts", [join(folder, "iotc.pdf"), "--url", system.base]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/iotc\.pdf.*done/);
  });
});
