import type { DocumentWork } from "../work";

/** Turns of its slots a batch lasts: the drain at its end costs about half a turn in this many. */
const PAGE_TURNS_PER_BATCH = 24;

/**
 * Pages in progress for one batch: as many as the gate's latest share allows, within the bytes and
 * page caps. The batch's page budget grows with that number, so a batch lasts several turns of its
 * slots and the drain at its end (slots idle while the last pages finish) stays small.
 */
export class PagesInFlight {
  private readonly cap: number;
  private budget: number;
  private claimed = 0;
  private wanted: number;
  private running = 0;
  private imageBytes = 0;
  private images = 0;

  constructor(private readonly work: DocumentWork) {
    this.cap = work.config.OCR_PAGES_IN_FLIGHT ?? Number.POSITIVE_INFINITY;
    this.wanted = Math.max(1, Math.min(work.ocrShare.last, this.cap));
    this.budget = Math.max(work.config.PAGES_PER_INVOCATION, PAGE_TURNS_PER_BATCH * this.wanted);
  }

  /** The gate's answer to the latest request: how many this document should keep going. */
  offered(share: number): void {
    this.work.ocrShare.last = share;
    const byBytes = this.images === 0 ? share : Math.max(1, Math.floor(this.work.config.OCR_BYTES_IN_FLIGHT / (this.imageBytes / this.images)));
    this.wanted = Math.max(1, Math.min(share, byBytes, this.cap));
    this.budget = Math.max(this.budget, PAGE_TURNS_PER_BATCH * this.wanted);
  }

  rendered(bytes: number): void {
    this.imageBytes += bytes;
    this.images++;
  }

  /** Whether a worker should take another page (counting it), or stop. */
  takeOne(): boolean {
    if (this.claimed >= this.budget || this.running > this.wanted) return false;
    this.claimed++;
    return true;
  }

  /** How many more workers to start now. */
  missing(): number {
    return Math.max(0, Math.min(this.wanted, this.budget - this.claimed) - this.running);
  }

  started(): void {
    this.running++;
  }

  stopped(): void {
    this.running--;
  }
}
