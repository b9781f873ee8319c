/**
 * The OCR gate against simulated batching GPUs (dev/gpu-simulator.ts), beside naive clients and
 * beside the gate with today's fixed in-flight limit, on the same simulator settings in one run:
 *   - gate:      the gate decides each document's pages in flight (src/ocr/gate-core.ts BoxPool);
 *   - fixed:     the same gate, each document keeping at most 8 pages in flight (the old default);
 *   - unbounded: every page sent at once (what a client without a gate does to vLLM);
 *   - serial:    each document sends one page at a time.
 * Documents work in batches as the Document object does (a page budget per alarm, every page of a
 * batch settled before the next), so the drain at each batch's end is in the figures.
 * Scenario 1: 20 documents x 50 pages at once. Scenario 2: a 500-page document alone. Scenario 3:
 * a 500-page document, and a 2-page one submitted 2 s later (first-page latency). Scenario 4: four
 * boxes of different speeds (1x, 1x, 0.5x, 2x), 20 documents x 250 pages, without and with one box
 * killed mid-run. The Durable Objects' RPC hops are not here: bench/system.ts runs the real thing.
 */
import { BoxPool, FairQueue, type Box, type LimitState } from "../src/ocr/gate-core.ts";
import { parseGrounded } from "../src/ocr/grounding.ts";
import { startGpuSimulator, type GpuSimulator, type SimulatorOptions } from "../dev/gpu-simulator.ts";

const SIM: SimulatorOptions = { slots: 16, baseMs: 100, alpha: 0.1, seed: 7 };
/** One page's latency on a box that is busy but not overloaded: a full batch, no queue. */
const oneBusyPageMs = (sim: SimulatorOptions) => sim.baseMs * (1 + sim.alpha * (sim.slots - 1));
const FIXED_PAGES_IN_FLIGHT = 8;
/** PAGES_PER_INVOCATION's default, and the batch budget's growth with pages in flight (src/objects/document/steps/pages-in-flight.ts). */
const PAGES_PER_INVOCATION = 24;
const PAGE_TURNS_PER_BATCH = 24;
/** How often the gate probes a box that is down (src/objects/ocr-gate.ts). */
const PROBE_INTERVAL_MS = 5_000;

type Strategy = "gate" | "fixed" | "unbounded" | "serial";

interface Grant {
  box: Box;
  share: number;
}

/** The OcrGate Durable Object's logic, in process: fair queue, box placement, health. */
class Gate {
  readonly pool: BoxPool;
  private readonly waiting = new FairQueue<{ document: string; resolve: (grant: Grant) => void }>();
  private readonly holders = new Map<string, number>();
  private readonly probing = new Set<Box>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(urls: string[], learned?: (url: string) => LimitState | undefined) {
    // OCR_GATE_INITIAL_LIMIT and OCR_GATE_MAX_LIMIT defaults.
    this.pool = new BoxPool(urls, { initial: 8, min: 1, max: 64 }, (url) => ({ limit: learned?.(url) }));
  }

  acquire(document: string): Promise<Grant> {
    return new Promise((resolve) => {
      this.waiting.push(document, { document, resolve });
      this.pump();
    });
  }

  async release(document: string, grant: Grant, latencyMs: number, ok: boolean): Promise<void> {
    const saturated = this.waiting.size > 0;
    grant.box.inFlight--;
    const held = this.holders.get(document)! - 1;
    if (held === 0) this.holders.delete(document);
    else this.holders.set(document, held);
    if (ok) this.pool.record(grant.box, latencyMs, saturated);
    else await this.checkHealth(grant.box);
    this.pump();
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private async checkHealth(box: Box): Promise<void> {
    if (this.probing.has(box)) return;
    this.probing.add(box);
    try {
      box.healthy = await fetch(`${box.url}/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false);
    } finally {
      this.probing.delete(box);
    }
    if (!box.healthy) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.checkHealth(box).then(() => this.pump());
      }, PROBE_INTERVAL_MS);
      this.timers.add(timer);
    }
  }

  private pump(): void {
    for (let box = this.pool.pick(); box && this.waiting.size > 0; box = this.pool.pick()) {
      const { document, resolve } = this.waiting.shift()!;
      box.inFlight++;
      this.holders.set(document, (this.holders.get(document) ?? 0) + 1);
      const documents = new Set([...this.holders.keys(), ...this.waiting.keys()]);
      resolve({ box, share: this.pool.share(documents.size) });
    }
  }
}

/** One tiny distinct PNG-like payload per page, so the simulator can tell pages apart. */
function pageImage(document: string, page: number): string {
  return Buffer.from(`page-image:${document}:${page}`.padEnd(2048, ".")).toString("base64");
}

/** One OCR request; the latency, or null when the box failed it. */
async function ocr(url: string, document: string, page: number): Promise<number | null> {
  const started = performance.now();
  try {
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
    if (!response.ok) return null;
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    parseGrounded(body.choices[0].message.content, { width: 1224, height: 1584 });
    return performance.now() - started;
  } catch {
    return null;
  }
}

interface DocumentRun {
  name: string;
  pages: number;
  submittedAt: number;
  firstPageAt?: number;
  doneAt?: number;
  done: number;
}

interface Run {
  latencies: number[];
  /** Completion times (ms, performance.now()) of every page. */
  completions: number[];
  /** Pages answered more than once. */
  duplicates: number;
}

/** The documents, each in batches as the Document object works, until done or `stop`. */
async function runDocuments(strategy: Strategy, documents: DocumentRun[], gate: Gate, urls: string[], run: Run, stop: () => boolean = () => false): Promise<void> {
  const answered = new Set<string>();
  await Promise.all(
    documents.map(async (doc) => {
      await new Promise((r) => setTimeout(r, Math.max(0, doc.submittedAt - performance.now())));
      const queue = Array.from({ length: doc.pages }, (_, i) => i + 1);
      let wanted = strategy === "serial" ? 1 : strategy === "fixed" ? FIXED_PAGES_IN_FLIGHT : strategy === "unbounded" ? doc.pages : 1;
      while (queue.length > 0 && !stop()) {
        // One batch (one alarm invocation): a page budget that grows with the pages in flight,
        // workers started as the gate offers more, every page settled before the next batch.
        let claimed = 0;
        let running = 0;
        const budget = () => (strategy === "unbounded" ? doc.pages : Math.max(PAGES_PER_INVOCATION, PAGE_TURNS_PER_BATCH * wanted));
        const workers: Promise<void>[] = [];
        const start = () => {
          while (running < wanted && claimed + running < budget() && queue.length > running) {
            running++;
            workers.push(worker().finally(() => running--));
          }
        };
        const worker = async () => {
          while (claimed < budget() && queue.length > 0 && !stop() && running <= wanted) {
            const page = queue.shift()!;
            claimed++;
            let latency: number | null;
            if (strategy === "gate" || strategy === "fixed") {
              const grant = await gate.acquire(doc.name);
              if (strategy === "gate") {
                wanted = grant.share;
                start();
              }
              latency = await ocr(grant.box.url, doc.name, page);
              await gate.release(doc.name, grant, latency ?? 0, latency !== null);
            } else {
              latency = await ocr(urls[0], doc.name, page);
            }
            if (latency === null) {
              // Failed (its box died): back to the front of the queue, as a retrying page.
              queue.unshift(page);
              continue;
            }
            const key = `${doc.name}:${page}`;
            if (answered.has(key)) run.duplicates++;
            answered.add(key);
            run.latencies.push(latency);
            run.completions.push(performance.now());
            doc.done++;
            doc.firstPageAt ??= performance.now();
          }
        };
        start();
        for (let i = 0; i < workers.length; i++) await workers[i];
      }
      doc.doneAt = performance.now();
    }),
  );
}

async function withSimulators<T>(sims: SimulatorOptions[], work: (simulators: GpuSimulator[]) => Promise<T>): Promise<T> {
  const simulators = await Promise.all(sims.map((sim) => startGpuSimulator(sim)));
  try {
    return await work(simulators);
  } finally {
    await Promise.all(simulators.map((simulator) => simulator.close()));
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const newRun = (): Run => ({ latencies: [], completions: [], duplicates: 0 });
const docs = (n: number, pages: number, at: number) => Array.from({ length: n }, (_, i): DocumentRun => ({ name: `doc-${i}`, pages, submittedAt: at, done: 0 }));

async function throughputScenario(strategy: Strategy, learned?: LimitState) {
  return withSimulators([SIM], async ([simulator]) => {
    const start = performance.now();
    const gate = new Gate([simulator.url], () => learned);
    const run = newRun();
    const cpu = process.cpuUsage();
    await runDocuments(strategy, docs(20, 50, start), gate, [simulator.url], run);
    const used = process.cpuUsage(cpu);
    gate.close();
    const makespan = (performance.now() - start) / 1000;
    const stats = simulator.stats();
    return {
      fractionOfMax: stats.completed / makespan / stats.maxPagesPerSecond,
      pagesPerSecond: stats.completed / makespan,
      makespan,
      meanLatencyMs: mean(run.latencies),
      maxInSystem: stats.maxInSystem,
      cpuMsPerPage: (used.user + used.system) / 1000 / stats.completed,
      finalLimit: gate.pool.boxes[0].limit.limit,
      learned: gate.pool.boxes[0].limit.snapshot(),
      duplicates: stats.duplicatePages,
    };
  });
}

async function bigDocumentScenario(strategy: Strategy, learned?: LimitState) {
  return withSimulators([SIM], async ([simulator]) => {
    const start = performance.now();
    const gate = new Gate([simulator.url], () => learned);
    await runDocuments(strategy, docs(1, 500, start), gate, [simulator.url], newRun());
    gate.close();
    const stats = simulator.stats();
    return { fractionOfMax: stats.completed / ((performance.now() - start) / 1000) / stats.maxPagesPerSecond };
  });
}

async function fairnessScenario(strategy: Strategy, learned?: LimitState) {
  return withSimulators([SIM], async ([simulator]) => {
    const start = performance.now();
    const big: DocumentRun = { name: "big", pages: 500, submittedAt: start, done: 0 };
    const small: DocumentRun = { name: "small", pages: 2, submittedAt: start + 2000, done: 0 };
    // Measured until the small document is done and 3 s more; the rest of the big one is not needed.
    const stop = () => small.doneAt !== undefined && performance.now() > small.doneAt + 3000;
    const gate = new Gate([simulator.url], () => learned);
    await runDocuments(strategy, [big, small], gate, [simulator.url], newRun(), stop);
    gate.close();
    const firstPage = small.firstPageAt! - small.submittedAt;
    return { firstPageMs: firstPage, ratio: firstPage / oneBusyPageMs(SIM) };
  });
}

/** Four boxes (1x, 1x, 0.5x, 2x); with `kill`, box 0 goes down for good `kill` ms into the run. */
async function scaleoutScenario(kill?: number) {
  const speeds = [1, 1, 0.5, 2];
  // Slower boxes than above (1x: 32 pages/s), so this one Node process is not what limits four.
  const sims = speeds.map((speed, i): SimulatorOptions => ({ ...SIM, baseMs: 200 / speed, seed: 11 + i }));
  return withSimulators(sims, async (simulators) => {
    const urls = simulators.map((s) => s.url);
    const maxes = simulators.map((s) => s.stats().maxPagesPerSecond);
    const start = performance.now();
    const gate = new Gate(urls);
    const run = newRun();
    // Long enough that filling the boxes at the start and the last pages at the end (each about
    // one page's latency on the slowest box) are a small part of the run, as they are in a day's work.
    const documents = docs(20, 250, start);
    let killedAt: number | null = null;
    const timer = kill === undefined ? null : setTimeout(() => {
      killedAt = performance.now();
      simulators[0].outage(3_600_000);
    }, kill);
    await runDocuments("gate", documents, gate, urls, run);
    if (timer) clearTimeout(timer);
    gate.close();
    const end = performance.now();
    const pages = documents.reduce((n, d) => n + d.done, 0);
    const sum = maxes.reduce((a, b) => a + b, 0);
    const result = { fractionOfSumMax: pages / ((end - start) / 1000) / sum, lost: documents.reduce((n, d) => n + (d.pages - d.done), 0), duplicates: run.duplicates, recoveryS: NaN };
    if (killedAt !== null) {
      // Throughput over a sliding second, from the kill on: when is it back to 0.95 of the others' sum?
      const remaining = sum - maxes[0];
      const times = run.completions.filter((t) => t >= killedAt!).sort((a, b) => a - b);
      for (let t = killedAt + 1000; t <= end - 1000; t += 100) {
        const inWindow = times.filter((c) => c > t - 1000 && c <= t).length;
        if (inWindow >= 0.95 * remaining) {
          result.recoveryS = (t - killedAt) / 1000;
          break;
        }
      }
    }
    return result;
  });
}

const fixed = (n: number, digits = 3) => Number(n.toFixed(digits));
const results: Record<string, number> = {};
let learned: LimitState | undefined;
const runs: Array<[label: string, strategy: Strategy, warm: boolean]> = [
  ["gate", "gate", false],
  ["gate_warm", "gate", true],
  ["fixed", "fixed", false],
  ["fixed_warm", "fixed", true],
  ["unbounded", "unbounded", false],
  ["serial", "serial", false],
];
for (const [label, strategy, warm] of runs) {
  const t = await throughputScenario(strategy, warm ? learned : undefined);
  if (strategy === "gate" && !warm) learned = t.learned;
  const big = await bigDocumentScenario(strategy, warm ? learned : undefined);
  const f = await fairnessScenario(strategy, warm ? learned : undefined);
  results[`${label}_pages_per_s`] = fixed(t.pagesPerSecond, 2);
  results[`${label}_fraction_of_max`] = fixed(t.fractionOfMax);
  results[`${label}_makespan_s`] = fixed(t.makespan, 2);
  results[`${label}_mean_page_latency_ms`] = fixed(t.meanLatencyMs, 0);
  results[`${label}_max_requests_at_box`] = t.maxInSystem;
  results[`${label}_client_cpu_ms_per_page`] = fixed(t.cpuMsPerPage);
  results[`${label}_duplicate_pages`] = t.duplicates;
  if (strategy === "gate" || strategy === "fixed") results[`${label}_final_limit`] = t.finalLimit;
  results[`${label}_big_doc_fraction_of_max`] = fixed(big.fractionOfMax);
  results[`${label}_small_doc_first_page_ms`] = fixed(f.firstPageMs, 0);
  results[`${label}_small_doc_first_page_over_one_page_latency`] = fixed(f.ratio, 2);
}
const even = await scaleoutScenario();
results.scaleout_fraction_of_sum_max = fixed(even.fractionOfSumMax);
results.scaleout_duplicate_pages = even.duplicates;
const killed = await scaleoutScenario(8000);
results.scaleout_recovery_s = fixed(killed.recoveryS, 1);
results.scaleout_killed_lost_pages = killed.lost;
results.scaleout_killed_duplicate_pages = killed.duplicates;
results.simulator_max_pages_per_s = fixed((SIM.slots / oneBusyPageMs(SIM)) * 1000, 2);
results.one_page_latency_ms = oneBusyPageMs(SIM);
for (const [name, value] of Object.entries(results)) console.log(`${name}: ${value}`);
