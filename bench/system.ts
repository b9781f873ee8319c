/**
 * The whole system end to end in workerd: `wrangler dev` with the real Worker, its Document and
 * OcrGate objects, SQLite, alarms and WebSockets, uploads through the API, and the GPU simulator
 * (dev/gpu-simulator.ts) behind HTTP as the OCR server. Run twice side by side: the gate deciding
 * each document's pages in flight, and today's fixed limit (OCR_PAGES_IN_FLIGHT=8).
 *
 * Scenario 1: 20 documents x 50 pages uploaded at once, 3 WebSocket subscribers on each.
 * Scenario 2: a 500-page document, and a 2-page one uploaded 2 s later: the small one's first page,
 * and the share of the box the big one gets (it is alone but for those 2 pages).
 * Scenario 3 (once): a 2,000-page document: its snapshot's size and time, the first WebSocket
 * message's size, and its events table during and after the run (read from the object's SQLite).
 *
 * The simulator is slow enough (12.8 pages/s at most) that the Worker's own CPU on this 2-core
 * machine is not what limits the run; the Worker's CPU (the workerd process) per page is reported
 * on its own.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { DatabaseSync as Database } from "node:sqlite";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { startGpuSimulator, type GpuSimulator, type SimulatorOptions } from "../dev/gpu-simulator.ts";
import { startLocalSystem, type LocalSystem } from "../dev/local-system.ts";

// node:sqlite (to read the objects' SQLite files) is still marked experimental in Node 22: say nothing of it.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning") console.warn(warning);
});
const { DatabaseSync } = await import("node:sqlite");

const SIM: SimulatorOptions = { slots: 16, baseMs: 500, alpha: 0.1, seed: 3 };
const ONE_PAGE_LATENCY_MS = SIM.baseMs * (1 + SIM.alpha * (SIM.slots - 1));
const OUT = resolve(import.meta.dirname, "results/system");
const KEY = "bench-system-operator-key-0b7e";
const FINAL = new Set(["done", "partial", "failed", "cancelled"]);

/** A PDF of `pages` small pages, each with its own text (so no two page images are alike). */
async function listPdf(name: string, pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([300, 400]);
    page.drawText(`${name} page ${n}`, { x: 30, y: 350, size: 14, font });
    page.drawText(`Vessel ${name.toUpperCase()}-${n} IMO 9074729`, { x: 30, y: 320, size: 10, font });
  }
  return pdf.save();
}

interface Uploaded {
  id: string;
  token: string;
  acceptedAt: number;
}

async function upload(system: LocalSystem, name: string, pdf: Uint8Array): Promise<Uploaded> {
  const response = await fetch(`${system.base}/api/documents?filename=${name}.pdf`, {
    method: "POST",
    body: Buffer.from(pdf),
    headers: { "content-type": "application/pdf", authorization: `Bearer ${KEY}` },
  });
  if (response.status !== 202) throw new Error(`${name}: upload answered ${response.status}: ${await response.text()}`);
  const { id, token } = (await response.json()) as { id: string; token: string };
  return { id, token, acceptedAt: Date.now() };
}

interface Subscriber {
  /** Transition delays: arrival here minus the transition's stored timestamp. */
  delays: number[];
  firstMessageBytes: number | null;
  firstDoneAt: number | null;
  finished: Promise<void>;
  close(): void;
}

function subscribe(system: LocalSystem, doc: Uploaded): Subscriber {
  const socket = new WebSocket(`${system.base.replace(/^http/, "ws")}/api/documents/${doc.id}/ws`, ["vessel-docs.v1", `bearer.${doc.token}`]);
  const subscriber: Subscriber = { delays: [], firstMessageBytes: null, firstDoneAt: null, finished: Promise.resolve(), close: () => socket.close() };
  subscriber.finished = new Promise<void>((done, fail) => {
    socket.onerror = () => fail(new Error(`${doc.id}: WebSocket error`));
    socket.onmessage = (message) => {
      const arrived = Date.now();
      const text = String(message.data);
      subscriber.firstMessageBytes ??= Buffer.byteLength(text);
      const event = JSON.parse(text) as { type: string; at?: string; stage?: string; page?: { status: string }; document?: { stage: string } };
      if (event.type === "document" || event.type === "page") subscriber.delays.push(arrived - Date.parse(event.at!));
      if (event.type === "page" && (event.page?.status === "done" || event.page?.status === "degraded")) subscriber.firstDoneAt ??= arrived;
      const stage = event.type === "snapshot" ? event.document?.stage : event.type === "document" ? event.stage : undefined;
      if (stage && FINAL.has(stage)) done();
    };
  });
  return subscriber;
}

/** CPU seconds used so far by the workerd processes under `root` (the Worker's own CPU). */
function workerdCpuSeconds(root: number): number {
  const ticks = 100; // USER_HZ on Linux
  const stats = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const close = stat.lastIndexOf(")");
        const name = stat.slice(stat.indexOf("(") + 1, close);
        const fields = stat.slice(close + 2).split(" ");
        return [{ pid: Number(pid), name, ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks }];
      } catch {
        return [];
      }
    });
  const under = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) if (!under.has(s.pid) && under.has(s.ppid)) (under.add(s.pid), (grew = true));
  }
  return stats.filter((s) => under.has(s.pid) && s.name.startsWith("workerd")).reduce((sum, s) => sum + s.cpu, 0);
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

async function withSystem<T>(
  label: string,
  vars: Record<string, string>,
  work: (system: LocalSystem, simulator: GpuSimulator) => Promise<T>,
  sim = SIM,
): Promise<T> {
  rmSync(resolve(OUT, label), { recursive: true, force: true });
  const simulator = await startGpuSimulator(sim);
  const system = await startLocalSystem({
    port: 0,
    stateDir: resolve(OUT, label),
    ocrEngine: "standin",
    ocrUrl: simulator.url,
    stdio: process.env.BENCH_VERBOSE ? "inherit" : "ignore",
    // Every page goes to the OCR server (the PDFs are born-digital); operators are not rate-limited.
    vars: { TEXT_LAYER: "off", OPERATOR_KEY_HASHES: createHash("sha256").update(KEY).digest("hex"), ...vars },
  });
  try {
    return await work(system, simulator);
  } finally {
    await system.close();
    await simulator.close();
  }
}

async function manyDocuments(system: LocalSystem, simulator: GpuSimulator) {
  const pdfs = await Promise.all(Array.from({ length: 20 }, (_, i) => listPdf(`many${i}`, 50)));
  const cpuBefore = workerdCpuSeconds(system.wrangler.pid!);
  const started = Date.now();
  const docs = await Promise.all(pdfs.map((pdf, i) => upload(system, `many${i}`, pdf)));
  const subscribers = docs.flatMap((doc) => [subscribe(system, doc), subscribe(system, doc), subscribe(system, doc)]);
  const total = 20 * 50;
  await waitFor(() => simulator.stats().completed >= total, 600_000, "every page OCRed");
  const ocrDone = Date.now();
  await Promise.all(subscribers.map((s) => s.finished));
  const cpu = workerdCpuSeconds(system.wrangler.pid!) - cpuBefore;
  subscribers.forEach((s) => s.close());
  const stats = simulator.stats();
  return {
    fractionOfMax: total / ((ocrDone - started) / 1000) / stats.maxPagesPerSecond,
    wsP99: percentile(subscribers.flatMap((s) => s.delays), 0.99),
    wsP50: percentile(subscribers.flatMap((s) => s.delays), 0.5),
    cpuMsPerPage: (cpu * 1000) / total,
    duplicates: stats.duplicatePages,
    requests: stats.requests,
    makespanS: (Date.now() - started) / 1000,
  };
}

async function bigThenSmall(system: LocalSystem, simulator: GpuSimulator) {
  const [bigPdf, smallPdf] = await Promise.all([listPdf("big", 500), listPdf("small", 2)]);
  const big = await upload(system, "big", bigPdf);
  const bigSubscriber = subscribe(system, big);
  await new Promise((r) => setTimeout(r, 2000));
  const small = await upload(system, "small", smallPdf);
  const subscriber = subscribe(system, small);
  await subscriber.finished;
  // The big one goes on nearly alone: how much of the box does it get?
  await waitFor(() => simulator.stats().completed >= 502, 600_000, "the big document's pages OCRed");
  const bigSeconds = (Date.now() - big.acceptedAt) / 1000;
  [subscriber, bigSubscriber].forEach((s) => s.close());
  return { ratio: (subscriber.firstDoneAt! - small.acceptedAt) / ONE_PAGE_LATENCY_MS, bigFractionOfMax: 502 / bigSeconds / simulator.stats().maxPagesPerSecond };
}

/** Every Document object's SQLite file in wrangler's local state (this scenario has one document). */
function documentDatabase(label: string): Database[] {
  const dir = resolve(OUT, label, "state/v3/do/vessel-docs-Document");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sqlite"))
    .map((file) => new DatabaseSync(resolve(dir, file), { readOnly: true }));
}

async function bigDocument(system: LocalSystem, label: string) {
  const pages = 2000;
  const doc = await upload(system, "huge", await listPdf("huge", pages));
  const get = () => fetch(`${system.base}/api/documents/${doc.id}`, { headers: { authorization: `Bearer ${doc.token}` } });
  let peakEvents = 0;
  const events = () =>
    documentDatabase(label).reduce((n, db) => {
      try {
        return n + Number((db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n);
      } catch {
        return n; // its schema is made on first use
      } finally {
        db.close();
      }
    }, 0);
  await waitFor(
    async () => {
      peakEvents = Math.max(peakEvents, events());
      const snapshot = (await (await get()).json()) as { stage: string };
      return FINAL.has(snapshot.stage);
    },
    900_000,
    "the 2,000-page document finished",
  );
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    bytes = Buffer.byteLength(await (await get()).text());
    times.push(performance.now() - t);
  }
  const subscriber = subscribe(system, doc);
  await subscriber.finished;
  subscriber.close();
  return { snapshotBytes: bytes, snapshotMs: percentile(times, 0.5), firstMessageBytes: subscriber.firstMessageBytes!, peakEvents, finalEvents: events() };
}

const fixed = (n: number, digits = 3) => Number(n.toFixed(digits));
/** Each figure is printed as soon as it is measured. */
const report = (name: string, value: number) => console.log(`${name}: ${value}`);
for (const [prefix, vars] of [
  ["system", {}],
  ["fixed_system", { OCR_PAGES_IN_FLIGHT: "8" }],
] as const) {
  const label = prefix === "system" ? "gate" : "fixed";
  const many = await withSystem(`${label}-many`, vars, manyDocuments);
  const fairness = await withSystem(`${label}-fairness`, vars, bigThenSmall);
  report(`${prefix}_fraction_of_max`, fixed(many.fractionOfMax));
  report(`${prefix}_ws_event_p99_ms`, many.wsP99);
  report(`${prefix}_ws_event_p50_ms`, many.wsP50);
  report(`${prefix}_small_doc_first_page_ratio`, fixed(fairness.ratio, 2));
  report(`${prefix}_big_doc_fraction_of_max`, fixed(fairness.bigFractionOfMax));
  report(`${prefix}_worker_cpu_ms_per_page`, fixed(many.cpuMsPerPage, 1));
  report(`${prefix}_duplicate_ocr_requests`, many.duplicates);
  report(`${prefix}_makespan_s`, fixed(many.makespanS, 1));
}
// A faster box here: this scenario is about the document's own size, not the GPU.
const huge = await withSystem("gate-huge", {}, (system) => bigDocument(system, "gate-huge"), { ...SIM, baseMs: 50 });
report("big_doc_pages", 2000);
report("big_doc_snapshot_bytes", huge.snapshotBytes);
report("big_doc_snapshot_ms", fixed(huge.snapshotMs, 1));
report("big_doc_ws_first_message_bytes", huge.firstMessageBytes);
report("big_doc_events_peak_rows", huge.peakEvents);
report("big_doc_events_final_rows", huge.finalEvents);
report("simulator_max_pages_per_s", fixed((SIM.slots / ONE_PAGE_LATENCY_MS) * 1000, 2));
