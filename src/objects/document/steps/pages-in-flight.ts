import type { DocumentWork } from "../work";

/** Turns of its slots a batch lasts: the drain at its end costs about half a turn in this many. */
const PAGE_TURNS_PER_BATCH = 24;
/**
 * CPU one batch may spend, well inside the Worker's 5 minutes an invocation ([limits] in
 * wrangler.toml), estimated from its own renders (a render's time is measured across the R2 write
 * that follows it, so it includes the render's CPU) plus what the rest of a page costs.
 */
const BATCH_CPU_MS = 120_000;
const PAGE_OVERHEAD_MS = 10;
const RENDER_GUESS_MS = 100;

/**
 * Pages in progress for one batch: as many as the gate's latest share allows, within the bytes and
 * page caps. The batch's page budget grows with that number, so a batch lasts several turns of its
 * slots and the drain at its end (slots idle while the last pages finish) stays small, and is
 * bounded by the CPU its pages are estimated to cost.
 */
export class PagesInFlight {
  private readonly cap: number;
  private claimed = 0;
  private wanted: number;
  private running = 0;
  private imageBytes = 0;
  private images = 0;
  private renderMs = 0;
  private renders = 0;

  constructor(private readonly work: DocumentWork) {
    this.cap = work.config.OCR_PAGES_IN_FLIGHT ?? Number.POSITIVE_INFINITY;
    this.wanted = Math.max(1, Math.min(work.ocrShare.last, this.cap));
  }

  /** The gate's answer to the latest request: how many this document should keep going. */
  offered(share: number): void {
    this.work.ocrShare.last = share;
    const byBytes = this.images === 0 ? share : Math.max(1, Math.floor(this.work.config.OCR_BYTES_IN_FLIGHT / (this.imageBytes / this.images)));
    this.wanted = Math.max(1, Math.min(share, byBytes, this.cap));
  }

  /** A page's image is ready: its size, and how long its render took (null: it was stored already). */
  rendered(bytes: number, renderMs: number | null): void {
    this.imageBytes += bytes;
    this.images++;
    if (renderMs !== null) {
      this.renderMs += renderMs;
      this.renders++;
    }
  }

  /** Pages this batch takes: several turns of its pages in flight, within its CPU. */
  private budget(): number {
    const perPage = PAGE_OVERHEAD_MS + (this.renders ? this.renderMs / this.renders : RENDER_GUESS_MS);
    const turns = Math.max(this.work.config.PAGES_PER_INVOCATION, PAGE_TURNS_PER_BATCH * this.wanted);
    return Math.max(this.work.config.PAGES_PER_INVOCATION, Math.min(turns, Math.floor(BATCH_CPU_MS / perPage)));
  }

  /** Whether a worker should take another page (counting it), or stop. */
  takeOne(): boolean {
    if (this.claimed >= this.budget() || this.running > this.wanted) return false;
    this.claimed++;
    return true;
  }

  /** How many more workers to start now. */
  missing(): number {
    return Math.max(0, Math.min(this.wanted, this.budget() - this.claimed) - this.running);
  }

  started(): void {
    this.running++;
  }

  stopped(): void {
    this.running--;
  }
}
