/**
 * `npm run bench -- bombs`: what a decompression bomb costs the running system. Each file is
 * uploaded to the local system as `npm start` runs it (wrangler dev, the Document objects), while
 * the resident memory of its workerd processes is sampled every 20 ms and the document's status is
 * polled; the peak growth over the memory before the upload is reported beside that of an
 * ordinary file of the same size, in the same run (a fresh system for each file):
 *
 * - an object stream (holding the page's font) that inflates to 2 GiB, in a 2 MB file (read whole)
 *   and in an 11 MB one (read by ranges);
 * - a page content stream that inflates to 2 GiB;
 * - the baselines: the same pages without the bombs, padded to the same sizes.
 *
 * Prints `figure_name: value` lines.
 */
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { deflate, handWritten, handWrittenWithStreams } from "../test/worker/raw-pdf.ts";
import { startBenchSystem, uploadDocument, type BenchSystem } from "./harness/system.ts";

const GIB = 1024 ** 3;
const latin1 = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join("");
const page = (contents: string) => [
  "<< /Type /Catalog /Pages 2 0 R >>",
  "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
  contents,
  "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
];
const text = "BT /F1 24 Tf 20 250 Td (VESSEL LIST) Tj ET";
const plainContents = `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;

const bombed = await deflate(new Uint8Array(0), 2 * GIB);
const bombs: Array<{ name: string; pdf: Uint8Array }> = [
  { name: "objstm", pdf: await handWrittenWithStreams(page(plainContents), { compressed: [5], objectStreamPadding: 2 * GIB }) },
  { name: "objstm_ranged", pdf: await handWrittenWithStreams(page(plainContents), { compressed: [5], objectStreamPadding: 2 * GIB, unreferencedBytes: 9 << 20 }) },
  { name: "content", pdf: handWritten(page(`<< /Length ${bombed.length} /Filter /FlateDecode >>\nstream\n${latin1(bombed)}\nendstream`)) },
];
const cases = [
  { name: "baseline", pdf: await handWrittenWithStreams(page(plainContents), { compressed: [5], unreferencedBytes: bombs[0].pdf.length }) },
  { name: "baseline_ranged", pdf: await handWrittenWithStreams(page(plainContents), { compressed: [5], unreferencedBytes: bombs[1].pdf.length }) },
  ...bombs,
];

const lines: string[] = [];
const growth = new Map<string, number>();
for (const { name, pdf } of cases) {
  // A fresh system for each file: what one case leaves in memory does not count against the next.
  const system = await startBenchSystem(resolve(import.meta.dirname, "results/bombs"), "bench-upload-key-b0a1");
  try {
    const result = await measure(system, name, pdf);
    lines.push(
      `bomb_${name}_file_mb: ${(pdf.length / 2 ** 20).toFixed(1)}`,
      `bomb_${name}_peak_rss_growth_mb: ${result.growthMb.toFixed(0)}`,
      `bomb_${name}_seconds_to_final: ${result.seconds.toFixed(1)}`,
      `bomb_${name}_slowest_status_ms: ${result.slowestStatusMs.toFixed(0)}`,
      `bomb_${name}_failed: ${result.stage === "failed" ? 1 : 0}`,
    );
    growth.set(name, result.growthMb);
    console.error(`${name}: ${result.stage} ${result.reason ?? ""}`);
  } finally {
    await system.close();
  }
}
const ratio = (bomb: string, baseline: string) => (growth.get(bomb)! / growth.get(baseline)!).toFixed(2);
lines.push(
  `bomb_objstm_growth_over_baseline: ${ratio("objstm", "baseline")}`,
  `bomb_objstm_ranged_growth_over_baseline: ${ratio("objstm_ranged", "baseline_ranged")}`,
  `bomb_content_growth_over_baseline: ${ratio("content", "baseline")}`,
);
console.log(lines.join("\n"));

/** Uploads `pdf`, samples memory and polls status until the document is final. */
async function measure(system: BenchSystem, name: string, pdf: Uint8Array) {
  const before = workerdRssMb(system);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, workerdRssMb(system))), 20);
  const started = Date.now();
  try {
    const { get } = await uploadDocument(system, name, pdf);
    let slowestStatusMs = 0;
    for (;;) {
      const asked = performance.now();
      const snapshot = (await get("")) as { stage: string; error: string | null };
      slowestStatusMs = Math.max(slowestStatusMs, performance.now() - asked);
      if (["done", "partial", "failed", "cancelled"].includes(snapshot.stage)) {
        return { growthMb: peak - before, seconds: (Date.now() - started) / 1000, slowestStatusMs, stage: snapshot.stage, reason: snapshot.error };
      }
      if (Date.now() - started > 300_000) throw new Error(`${name}: not final after 5 minutes (${snapshot.stage})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    clearInterval(sampler);
  }
}

/** Resident memory of every workerd process under this system's wrangler, in MiB. */
function workerdRssMb(system: BenchSystem): number {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const root = system.wrangler.pid!;
  const under = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 16; at = parents.get(at) ?? 0, hops++) if (at === root) return true;
    return false;
  };
  let kib = 0;
  for (const [pid, name] of names) {
    if (!name.startsWith("workerd") || !under(pid)) continue;
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kib / 1024;
}
