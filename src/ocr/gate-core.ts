/**
 * The decisions of the OCR gate, as plain logic (the Durable Object in ../objects/ocr-gate.ts adds
 * storage, RPC and health probes):
 *
 * - FairQueue: which waiting document gets the next free slot. Round-robin over documents, FIFO
 *   within one, so a 2-page document behind a 500-page one waits for one slot, not 500 pages.
 * - ConcurrencyLimit: how many requests the GPU box should have at once. vLLM never says "busy";
 *   extra requests just queue and latency grows. With the gate saturated, throughput is
 *   limit / mean latency (Little's law), so the limit climbs while that keeps rising and stops
 *   where it flattens: the knee of the box's batching curve. It climbs by half at first (slow start),
 *   then, settled, probes 25% higher now and then, so it follows a box that changes. No hand tuning.
 * - BoxPool: which GPU box takes a request, and how many pages a document keeps in flight.
 */

export class FairQueue<T> {
  private readonly queues = new Map<string, T[]>();
  private order: string[] = [];
  private cursor = 0;

  /** Keys with something waiting. */
  keys(): readonly string[] {
    return this.order;
  }

  get size(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  push(key: string, item: T): void {
    const queue = this.queues.get(key);
    if (queue) queue.push(item);
    else {
      this.queues.set(key, [item]);
      // A newcomer goes just before the cursor: served after everyone already waiting had a turn.
      this.order.splice(this.cursor, 0, key);
      this.cursor = (this.cursor + 1) % this.order.length;
    }
  }

  /** The next item, taking one from each waiting key in turn. */
  shift(): T | undefined {
    if (this.order.length === 0) return undefined;
    if (this.cursor >= this.order.length) this.cursor = 0;
    const key = this.order[this.cursor];
    const queue = this.queues.get(key)!;
    const item = queue.shift()!;
    if (queue.length === 0) {
      this.queues.delete(key);
      this.order.splice(this.cursor, 1);
    } else {
      this.cursor++;
    }
    if (this.cursor >= this.order.length) this.cursor = 0;
    return item;
  }

  remove(key: string, item: T): boolean {
    const queue = this.queues.get(key);
    const index = queue?.indexOf(item) ?? -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    if (queue.length === 0) {
      this.queues.delete(key);
      const position = this.order.indexOf(key);
      this.order.splice(position, 1);
      if (position < this.cursor) this.cursor--;
      if (this.cursor >= this.order.length) this.cursor = 0;
    }
    return true;
  }

  drain(): T[] {
    const all = [...this.queues.values()].flat();
    this.queues.clear();
    this.order = [];
    this.cursor = 0;
    return all;
  }
}

export interface LimitOptions {
  initial: number;
  min: number;
  max: number;
  /** Relative throughput gain that justifies a higher limit. */
  gain?: number;
  /** Windows to hold a settled limit before probing above it again. */
  holdWindows?: number;
}

export interface LimitState {
  limit: number;
  /** starting: doubling to find the knee fast; probing: 25% steps; holding: staying put. */
  phase: "starting" | "probing" | "holding";
  bestLimit: number;
  bestThroughput: number | null;
}

export class ConcurrencyLimit {
  private state: LimitState;
  private samples = 0;
  private latencySum = 0;
  private saturatedSamples = 0;
  /** Samples still to skip after a change: requests granted under the old limit. */
  private settling = 0;
  private hold = 0;
  private readonly gain: number;
  private readonly holdWindows: number;
  private readonly options: LimitOptions;

  constructor(options: LimitOptions, restored?: LimitState) {
    this.options = options;
    this.gain = options.gain ?? 0.03;
    this.holdWindows = options.holdWindows ?? 10;
    this.state = restored ?? { limit: options.initial, phase: "starting", bestLimit: options.initial, bestThroughput: null };
  }

  get limit(): number {
    return this.state.limit;
  }

  snapshot(): LimitState {
    return { ...this.state };
  }

  /**
   * One finished request. `saturated`: requests were waiting for a slot when it finished, so the
   * box was kept at the limit and the sample says something about that limit.
   */
  record(latencyMs: number, saturated: boolean): void {
    if (this.settling > 0) {
      this.settling--;
      return;
    }
    this.samples++;
    this.latencySum += latencyMs;
    if (saturated) this.saturatedSamples++;
    // A window is a couple of full turns of the slots, so every sample in it ran at this limit.
    if (this.samples < Math.max(8, 2 * this.state.limit)) return;
    const meanLatency = this.latencySum / this.samples;
    const mostlySaturated = this.saturatedSamples >= this.samples * 0.8;
    this.samples = 0;
    this.latencySum = 0;
    this.saturatedSamples = 0;
    // Throughput below a full gate says what demand was, not what the box can do.
    if (!mostlySaturated || meanLatency <= 0) return;
    const before = this.state.limit;
    this.window(before / meanLatency);
    // Requests already running were admitted under the old limit: let one full turn pass.
    if (this.state.limit !== before) this.settling = Math.max(before, this.state.limit);
  }

  private window(throughput: number): void {
    const s = this.state;
    // Like TCP's slow start, in steps of half: climb fast until throughput stops rising (without
    // doubling far past the knee, where requests queue on the box), then refine in small steps.
    const step = s.phase === "starting" ? Math.ceil(s.limit / 2) : Math.max(1, Math.round(s.limit * 0.25));
    if (s.bestThroughput === null) {
      s.bestThroughput = throughput;
      s.bestLimit = s.limit;
      s.limit = Math.min(this.options.max, s.limit + step);
      return;
    }
    if (s.phase === "starting" || s.phase === "probing") {
      if (throughput > s.bestThroughput * (1 + this.gain)) {
        // Still rising: keep climbing.
        s.bestThroughput = throughput;
        s.bestLimit = s.limit;
        s.limit = Math.min(this.options.max, s.limit + step);
        if (s.limit === s.bestLimit) this.settle();
      } else {
        // Flat (the knee) or worse: the last limit did as well for less waiting. Go back and stay.
        s.limit = s.bestLimit;
        this.settle();
      }
      return;
    }
    // Holding: follow the box (it may have slowed down or sped up), and now and then look higher.
    s.bestThroughput = throughput;
    if (--this.hold <= 0) {
      s.phase = "probing";
      s.bestLimit = s.limit;
      s.limit = Math.min(this.options.max, s.limit + step);
    }
  }

  private settle(): void {
    this.state.phase = "holding";
    this.hold = this.holdWindows;
    this.state.limit = Math.max(this.options.min, this.state.limit);
  }
}

/** One GPU box as the gate sees it: its own adaptive limit, health and requests in flight. */
export interface Box {
  readonly url: string;
  readonly limit: ConcurrencyLimit;
  healthy: boolean;
  inFlight: number;
  /** Mean latency of recent answers (exponentially weighted); null before the first. */
  latencyMs: number | null;
}

/**
 * Where each request goes, over one or several GPU boxes, and how many pages a document should
 * keep in flight. A request goes to the fastest healthy box with a free slot; each box's limit
 * follows its own knee, so a box twice as fast frees its slots twice as often and gets twice the
 * pages, without weights to tune.
 */
export class BoxPool {
  readonly boxes: Box[];

  constructor(urls: readonly string[], options: LimitOptions, restored: (url: string) => { limit?: LimitState; healthy?: boolean } = () => ({})) {
    this.boxes = urls.map((url) => {
      const saved = restored(url);
      return { url, limit: new ConcurrencyLimit(options, saved.limit), healthy: saved.healthy ?? true, inFlight: 0, latencyMs: null };
    });
  }

  box(url: string): Box | undefined {
    return this.boxes.find((box) => box.url === url);
  }

  get anyHealthy(): boolean {
    return this.boxes.some((box) => box.healthy);
  }

  /** Requests the healthy boxes take at once. */
  get capacity(): number {
    return this.boxes.reduce((sum, box) => sum + (box.healthy ? box.limit.limit : 0), 0);
  }

  get inFlight(): number {
    return this.boxes.reduce((sum, box) => sum + box.inFlight, 0);
  }

  /**
   * The box the next request should go to: of those with a free slot, the one answering fastest
   * (one not heard from yet first, so every box is measured); null when all are at their limit.
   */
  pick(): Box | null {
    let best: Box | null = null;
    for (const box of this.boxes) {
      if (!box.healthy || box.inFlight >= box.limit.limit) continue;
      if (!best || (box.latencyMs ?? 0) < (best.latencyMs ?? 0)) best = box;
    }
    return best;
  }

  /** One answer from `box`; `saturated` as for ConcurrencyLimit.record. */
  record(box: Box, latencyMs: number, saturated: boolean): void {
    box.latencyMs = box.latencyMs === null ? latencyMs : box.latencyMs * 0.8 + latencyMs * 0.2;
    box.limit.record(latencyMs, saturated);
  }

  /**
   * How many pages one of `documents` documents at the gate should keep in flight: alone, all the
   * capacity; with others, its round-robin share. A quarter more, so a rendered page is ready
   * whenever a slot comes free; the fair queue keeps the extra from costing anyone a turn.
   */
  share(documents: number): number {
    const fair = Math.ceil(Math.max(1, this.capacity) / Math.max(1, documents));
    return fair + Math.ceil(fair / 4);
  }
}
