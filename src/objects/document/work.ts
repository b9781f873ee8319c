/**
 * What the Document object hands its steps (./steps): the store, the settings and bindings, and the
 * transitions, which are stored first, then logged and announced. A step does one stage's work
 * and says what should happen next; the object's scheduler does it.
 */
import type { Settings } from "../../config";
import type { DocumentRow } from "../../domain/document";
import type { DocumentStage, PageStatus } from "../../domain/lifecycle";
import type { TransitionEvent } from "../../domain/protocol";
import { backoffMs } from "../../lib/retry";
import type { PdfSource } from "../../pdf/source";
import type { PagePatch } from "./page";
import type { AttemptKind, DocumentStore } from "./store";

export interface DocumentWork {
  readonly env: Env;
  readonly config: Settings;
  readonly store: DocumentStore;
  /** Pages being worked on by the running batch: nothing else starts them twice. */
  readonly inFlight: Set<number>;
  /** How many pages in flight the gate last offered this document (kept across batches). */
  readonly ocrShare: { last: number };
  doc(): DocumentRow;
  moveDocument(to: DocumentStage, error?: string | null): void;
  movePage(page: number, to: PageStatus, patch?: PagePatch): void;
  announce(event: TransitionEvent): void;
  waitUntil(promise: Promise<unknown>): void;
  /** The upload, opened for paging (read by ranges from R2 when it is big). */
  loadPdf(): Promise<PdfSource>;
}

/** After a step: carry on with the next stage in this invocation, run again at `at`, or stop. */
export type Next = { now: true } | { at: number } | { stop: true };

export const now: Next = { now: true };
export const stop: Next = { stop: true };

/** One more failure of `kind` in a row: try again after a backoff that grows with each. */
export function retryLater(work: DocumentWork, kind: AttemptKind, baseMs: number): { at: number; failures: number } {
  const failures = work.store.countAttempt(kind);
  return { at: Date.now() + backoffMs(failures, baseMs), failures };
}
