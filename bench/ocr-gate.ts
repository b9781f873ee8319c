/**
 * The OCR gate against a simulated batching GPU (dev/gpu-simulator.ts), beside two naive clients,
 * on the same simulator settings in the same run:
 *   - gate:      every document asks the shared gate (fair queue + adaptive limit) for each request;
 *   - unbounded: every page is sent at once (what a client without a gate does to vLLM);
 *   - serial:    each document sends one page at a time.
 * Scenario 1: 20 documents x 50 pages, all at once (throughput, makespan, client CPU per page).
 * Scenario 2: a 500-page document, and a 2-page one submitted 2 s later (first-page latency).
 * The gate's logic is the one the OcrGate Durable Object runs (src/ocr/gate-core.ts); the object
 * adds an RPC round trip per page, not measured here.
 */
import { ConcurrencyLimit, FairQueue, type LimitState } from "../src/ocr/gate-core.ts";
import { parseGrounded } from "../src/ocr/grounding.ts";
import { startGpuSimulator, type GpuSimulator } from "../dev/gpu-simulator.ts";

const SIM = { slots: 16, baseMs: 100, alpha: 0.1, seed: 7 };
/** One page's latency on a box that is busy but not overloaded: a full batch, no queue. */
const ONE_PAGE_LATENCY_MS = SIM.baseMs * (1 + SIM.alpha * (SIM.slots - 1));
const PAGES_IN_FLIGHT_PER_DOCUMENT = 8; // OCR_PAGES_IN_FLIGHT's default

type Strategy = "gate" | "unbounded" | "serial";

interface Gate {
  acquire(document: string): Promise<void>;
  release(latencyMs: number): void;
  limit(): number;
  state(): LimitState;
}

function newGate(learned?: LimitState): Gate {
  const waiting = new FairQueue<() => void>();
  // OCR_GATE_INITIAL_LIMIT and OCR_GATE_MAX_LIMIT defaults.
  const limit = new ConcurrencyLimit({ initial: 8, min: 1, max: 64 }, learned);
  let inFlight = 0;
  const pump = () => {
    while (inFlight < limit.limit) {
      const next = waiting.shift();
      if (!next) return;
      inFlight++;
      next();
    }
  };
  return {
    acquire: (document) =>
      new Promise<void>((resolve) => {
        waiting.push(document, resolve);
        pump();
      }),
    release(latencyMs) {
      inFlight--;
      limit.record(latencyMs, waiting.size > 0);
      pump();
    },
    limit: () => limit.limit,
    state: () => limit.snapshot(),
  };
}

/** One tiny distinct PNG-like payload per page, so the simulator can tell pages apart. */
function pageImage(document: string, page: number): string {
  return Buffer.from(`page-image:${document}:${page}`.padEnd(2048, ".")).toString("base64");
}

async function ocr(url: string, document: string, page: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "deepseek-ai/DeepSeek-OCR",
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: `data:image/png;base64,${pageImage(document, page)}` } },
            { type: "text", text: "<|grounding|>Convert the document to markdown." },
          ],
        },
      ],
      temperature: 0,
      max_tokens: 7192,
      skip_special_tokens: false,
    }),
  });
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  parseGrounded(body.choices[0].message.content, { width: 1224, height: 1584 });
  return performance.now() - started;
}

interface DocumentRun {
  name: string;
  pages: number;
  submittedAt: number;
  firstPageAt?: number;
  doneAt?: number;
  done: number;
}

async function runDocuments(
  url: string,
  strategy: Strategy,
  documents: DocumentRun[],
  gate: Gate,
  latencies: number[],
  stop: () => boolean = () => false,
): Promise<void> {
  const perDocument = strategy === "serial" ? 1 : strategy === "unbounded" ? Infinity : PAGES_IN_FLIGHT_PER_DOCUMENT;
  await Promise.all(
    documents.map(async (doc) => {
      await new Promise((r) => setTimeout(r, Math.max(0, doc.submittedAt - performance.now())));
      let next = 1;
      const worker = async () => {
        while (next <= doc.pages && !stop()) {
          const page = next++;
          if (strategy === "gate") await gate.acquire(doc.name);
          const latency = await ocr(url, doc.name, page);
          if (strategy === "gate") gate.release(latency);
          latencies.push(latency);
          doc.done++;
          doc.firstPageAt ??= performance.now();
        }
      };
      await Promise.all(Array.from({ length: Math.min(perDocument, doc.pages) }, worker));
      doc.doneAt = performance.now();
    }),
  );
}

async function withSimulator<T>(work: (simulator: GpuSimulator) => Promise<T>): Promise<T> {
  const simulator = await startGpuSimulator(SIM);
  try {
    return await work(simulator);
  } finally {
    await simulator.close();
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function throughputScenario(strategy: Strategy, learned?: LimitState) {
  return withSimulator(async (simulator) => {
    const start = performance.now();
    const documents: DocumentRun[] = Array.from({ length: 20 }, (_, i) => ({ name: `doc-${i}`, pages: 50, submittedAt: start, done: 0 }));
    const gate = newGate(learned);
    const latencies: number[] = [];
    const cpu = process.cpuUsage();
    await runDocuments(simulator.url, strategy, documents, gate, latencies);
    const used = process.cpuUsage(cpu);
    const makespan = (performance.now() - start) / 1000;
    const stats = simulator.stats();
    return {
      pagesPerSecond: stats.completed / makespan,
      fractionOfMax: stats.completed / makespan / stats.maxPagesPerSecond,
      makespan,
      meanLatencyMs: mean(latencies),
      maxInSystem: stats.maxInSystem,
      cpuMsPerPage: (used.user + used.system) / 1000 / stats.completed,
      finalLimit: gate.limit(),
      learned: gate.state(),
      duplicates: stats.duplicatePages,
    };
  });
}

async function fairnessScenario(strategy: Strategy, learned?: LimitState) {
  return withSimulator(async (simulator) => {
    const start = performance.now();
    const big: DocumentRun = { name: "big", pages: 500, submittedAt: start, done: 0 };
    const small: DocumentRun = { name: "small", pages: 2, submittedAt: start + 2000, done: 0 };
    // Measured until the small document is done and 3 s more; the rest of the big one is not needed.
    const stop = () => small.doneAt !== undefined && performance.now() > small.doneAt + 3000;
    await runDocuments(simulator.url, strategy, [big, small], newGate(learned), [], stop);
    const elapsed = (performance.now() - start) / 1000;
    const firstPage = small.firstPageAt! - small.submittedAt;
    return { firstPageMs: firstPage, ratio: firstPage / ONE_PAGE_LATENCY_MS, bigPagesPerSecond: big.done / elapsed };
  });
}

const fixed = (n: number, digits = 3) => Number(n.toFixed(digits));
const results: Record<string, number> = {};
let learned: LimitState | undefined;
const runs: Array<[label: string, strategy: Strategy, warm: boolean]> = [
  ["gate", "gate", false],
  ["gate_warm", "gate", true],
  ["unbounded", "unbounded", false],
  ["serial", "serial", false],
];
for (const [label, strategy, warm] of runs) {
  const t = await throughputScenario(strategy, warm ? learned : undefined);
  if (strategy === "gate" && !warm) learned = t.learned;
  const f = await fairnessScenario(strategy, warm ? learned : undefined);
  results[`${label}_pages_per_s`] = fixed(t.pagesPerSecond, 2);
  results[`${label}_fraction_of_max`] = fixed(t.fractionOfMax);
  results[`${label}_makespan_s`] = fixed(t.makespan, 2);
  results[`${label}_mean_page_latency_ms`] = fixed(t.meanLatencyMs, 0);
  results[`${label}_max_requests_at_box`] = t.maxInSystem;
  results[`${label}_client_cpu_ms_per_page`] = fixed(t.cpuMsPerPage);
  results[`${label}_duplicate_pages`] = t.duplicates;
  if (strategy === "gate") results[`${label}_final_limit`] = t.finalLimit;
  results[`${label}_small_doc_first_page_ms`] = fixed(f.firstPageMs, 0);
  results[`${label}_small_doc_first_page_over_one_page_latency`] = fixed(f.ratio, 2);
  results[`${label}_big_doc_pages_per_s`] = fixed(f.bigPagesPerSecond, 2);
}
results.simulator_max_pages_per_s = fixed((SIM.slots / ONE_PAGE_LATENCY_MS) * 1000, 2);
results.one_page_latency_ms = ONE_PAGE_LATENCY_MS;
for (const [name, value] of Object.entries(results)) console.log(`${name}: ${value}`);
