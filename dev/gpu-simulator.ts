/**
 * A GPU box running vLLM, simulated for tests and benchmarks: the same OpenAI-compatible API, and
 * the same behaviour under load. Up to `slots` requests are decoded together, each slowed by the
 * others (service time base * (1 + alpha * (active - 1))), so throughput rises with concurrency to a
 * knee at `slots` and is flat beyond it; further requests wait in an unbounded queue, never a 429.
 * Seeded fault injection: 5xx answers, hangs, dropped connections, truncated (`length`) or looping
 * output, and outages of a given length. It counts what it saw, including pages sent twice.
 *
 *   node dev/gpu-simulator.ts [--port 8791] [--slots 16] [--base-ms 300] [--alpha 0.1] [--seed 1]
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { badRequest, findImage, json, readChatRequest } from "./openai-http.ts";

export interface SimulatorOptions {
  slots: number;
  baseMs: number;
  alpha: number;
  seed: number;
  /** Probabilities per request. */
  faults?: { error?: number; hang?: number; drop?: number; truncate?: number; loop?: number };
}

export interface SimulatorStats {
  requests: number;
  completed: number;
  active: number;
  queued: number;
  maxActive: number;
  maxInSystem: number;
  duplicatePages: number;
  faults: Record<string, number>;
  /** The most pages per second this box can do: slots / service time at full batch. */
  maxPagesPerSecond: number;
}

interface Job {
  res: ServerResponse;
  remaining: number;
  model: unknown;
  finish: "stop" | "length" | "loop";
}

export interface GpuSimulator {
  url: string;
  stats(): SimulatorStats;
  outage(ms: number): void;
  close(): Promise<void>;
}

export async function startGpuSimulator(options: SimulatorOptions, port = 0): Promise<GpuSimulator> {
  const random = mulberry32(options.seed);
  const active: Job[] = [];
  const queue: Job[] = [];
  const seen = new Set<string>();
  let downUntil = 0;
  const stats: SimulatorStats = {
    requests: 0,
    completed: 0,
    active: 0,
    queued: 0,
    maxActive: 0,
    maxInSystem: 0,
    duplicatePages: 0,
    faults: {},
    maxPagesPerSecond: (options.slots / (options.baseMs * (1 + options.alpha * (options.slots - 1)))) * 1000,
  };
  const fault = (name: string) => (stats.faults[name] = (stats.faults[name] ?? 0) + 1);

  // Processor sharing, advanced in small steps of real time.
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    const dt = now - last;
    last = now;
    if (active.length === 0) return;
    const rate = dt / (options.baseMs * (1 + options.alpha * (active.length - 1)));
    for (const job of [...active]) {
      job.remaining -= rate;
      if (job.remaining <= 0) {
        active.splice(active.indexOf(job), 1);
        stats.completed++;
        answer(job);
      }
    }
    admit();
  }, 2);

  function admit(): void {
    while (active.length < options.slots && queue.length) active.push(queue.shift()!);
    stats.active = active.length;
    stats.queued = queue.length;
    stats.maxActive = Math.max(stats.maxActive, active.length);
    stats.maxInSystem = Math.max(stats.maxInSystem, active.length + queue.length);
  }

  function answer(job: Job): void {
    if (job.res.destroyed) return;
    const content =
      job.finish === "loop"
        ? "<|ref|>text<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\n" + "NAME ".repeat(1500)
        : "<|ref|>text<|/ref|><|det|>[[100, 100, 900, 200]]<|/det|>\nSimulated page text.";
    json(job.res, 200, {
      object: "chat.completion",
      model: job.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: job.finish === "stop" ? "stop" : "length" }],
      usage: { prompt_tokens: 900, completion_tokens: 1000 },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://simulator").pathname;
    const down = performance.now() < downUntil;
    if (path === "/health") return void res.writeHead(down ? 503 : 200).end();
    if (path === "/_sim/stats") return json(res, 200, stats);
    if (req.method !== "POST" || path !== "/v1/chat/completions") return json(res, 404, { object: "error", message: "Not Found", code: 404 });
    if (down) return void req.socket.destroy();
    stats.requests++;
    const body = await readChatRequest(req, res);
    if (!body) return;
    const image = findImage(body);
    if (!image) return badRequest(res, "expected one image_url content part with a base64 data URL");
    const page = createHash("sha256").update(image.bytes).digest("hex");
    if (seen.has(page)) stats.duplicatePages++;
    seen.add(page);

    const f = options.faults ?? {};
    const roll = random();
    let edge = 0;
    if (roll < (edge += f.error ?? 0)) return fault("error"), json(res, 500, { object: "error", message: "simulated engine error", code: 500 });
    if (roll < (edge += f.hang ?? 0)) return void fault("hang");
    if (roll < (edge += f.drop ?? 0)) return fault("drop"), void req.socket.destroy();
    const finish = roll < (edge += f.truncate ?? 0) ? "length" : roll < (edge += f.loop ?? 0) ? "loop" : "stop";
    if (finish !== "stop") fault(finish);
    queue.push({ res, remaining: 1, model: body.model, finish });
    admit();
  }

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    stats: () => ({ ...stats, faults: { ...stats.faults } }),
    outage(ms) {
      downUntil = performance.now() + ms;
      for (const job of [...active, ...queue]) job.res.destroy();
      active.length = 0;
      queue.length = 0;
    },
    async close() {
      clearInterval(tick);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A small seeded PRNG, so a fault pattern can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8791" },
      slots: { type: "string", default: "16" },
      "base-ms": { type: "string", default: "300" },
      alpha: { type: "string", default: "0.1" },
      seed: { type: "string", default: "1" },
    },
  });
  const simulator = await startGpuSimulator(
    { slots: Number(values.slots), baseMs: Number(values["base-ms"]), alpha: Number(values.alpha), seed: Number(values.seed) },
    Number(values.port),
  );
  console.log(`GPU simulator on ${simulator.url} (max ${simulator.stats().maxPagesPerSecond.toFixed(1)} pages/s)`);
}
