/**
 * One gate per OCR endpoint, shared by every document: vLLM has no admission control, so this is
 * where requests to the GPU box are bounded (never more than the limit in flight), shared fairly
 * (round-robin across documents), sized (the limit adapts to the box, ../ocr/gate-core.ts) and
 * held back while the box is down (health probes; waiting documents are told to wait, not to fail).
 *
 * A document asks for a slot with `acquire`, which answers when one is free (or when its wait is
 * over), and gives it back with `release`, saying how the request went. Leases are stored, so a
 * restarted gate still counts requests that are running on the box.
 */
import { DurableObject } from "cloudflare:workers";
import { settings } from "../config";
import { log } from "../lib/log";
import { ocrClientOptions } from "../ocr/deepseek";
import { ConcurrencyLimit, FairQueue, type LimitState } from "../ocr/gate-core";
import { migrate, sqlOf, type Sql } from "../lib/sql";

export type Grant =
  | { granted: true; lease: string; /** The gate's concurrency limit when it granted. */ limit: number }
  | { granted: false; reason: "unavailable" | "busy"; message: string; retryAfterMs: number };

export interface Outcome {
  latencyMs: number;
  /** ok: an answer; unavailable: refused, dropped, timed out or 5xx; rejected: the box said no to this page. */
  result: "ok" | "unavailable" | "rejected";
}

export interface GateStatus {
  healthy: boolean;
  limit: number;
  inFlight: number;
  waiting: number;
  phase: LimitState["phase"];
}

interface Waiter {
  documentId: string;
  resolve: (grant: Grant) => void;
  timer: ReturnType<typeof setTimeout>;
}

const gateMigrations = [
  /* 1 */ `
  CREATE TABLE leases (id TEXT PRIMARY KEY, document_id TEXT NOT NULL, granted_at INTEGER NOT NULL);
  CREATE TABLE gate_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
] as const;

/** How often a down box is probed. */
const PROBE_INTERVAL_MS = 5_000;
const PROBE_TIMEOUT_MS = 3_000;

export class OcrGate extends DurableObject<Env> {
  private readonly query: Sql;
  private readonly waiting = new FairQueue<Waiter>();
  private readonly leases = new Map<string, number>();
  private limit!: ConcurrencyLimit;
  private healthy = true;
  private probe: Promise<boolean> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.query = sqlOf(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, gateMigrations);
      for (const { id, granted_at } of this.query<{ id: string; granted_at: number }>`SELECT id, granted_at FROM leases`) {
        this.leases.set(id, granted_at);
      }
      const saved = this.query<{ key: string; value: string }>`SELECT key, value FROM gate_state`;
      const state = Object.fromEntries(saved.map((row) => [row.key, row.value]));
      const config = settings(env);
      this.limit = new ConcurrencyLimit(
        { initial: config.OCR_GATE_INITIAL_LIMIT, min: 1, max: config.OCR_GATE_MAX_LIMIT },
        state.limit ? (JSON.parse(state.limit) as LimitState) : undefined,
      );
      this.healthy = state.healthy !== "false";
    });
  }

  /** A slot for one request of `documentId`, waiting at most `waitMs` for it. */
  async acquire(documentId: string, waitMs: number): Promise<Grant> {
    this.expireLeases();
    if (!this.healthy) return this.unavailable();
    if (this.waiting.size === 0 && this.leases.size < this.limit.limit) return this.grant(documentId);
    return new Promise<Grant>((resolve) => {
      const waiter: Waiter = {
        documentId,
        resolve,
        timer: setTimeout(() => {
          if (this.waiting.remove(documentId, waiter)) {
            resolve({ granted: false, reason: "busy", message: "no free OCR slot yet", retryAfterMs: 0 });
          }
        }, waitMs),
      };
      this.waiting.push(documentId, waiter);
    });
  }

  /** Gives a slot back. Says whether the box is still healthy, so a document knows whether to wait. */
  async release(lease: string, outcome: Outcome): Promise<{ healthy: boolean }> {
    const saturated = this.waiting.size > 0;
    if (this.leases.delete(lease)) this.query`DELETE FROM leases WHERE id = ${lease}`;
    if (outcome.result === "ok") {
      this.limit.record(outcome.latencyMs, saturated);
      this.saveState();
    } else if (outcome.result === "unavailable") {
      await this.checkHealth();
    }
    this.pump();
    return { healthy: this.healthy };
  }

  status(): GateStatus {
    return { healthy: this.healthy, limit: this.limit.limit, inFlight: this.leases.size, waiting: this.waiting.size, phase: this.limit.snapshot().phase };
  }

  override async alarm(): Promise<void> {
    if (this.healthy) return;
    if (!(await this.checkHealth())) await this.ctx.storage.setAlarm(Date.now() + PROBE_INTERVAL_MS);
  }

  /** Asks the box's `/health` (one probe at a time); on a change, tells waiters or lets them in. */
  private checkHealth(): Promise<boolean> {
    this.probe ??= (async () => {
      const options = ocrClientOptions(settings(this.env));
      // The gate is named by the endpoint it guards.
      const endpoint = (this.ctx.id.name ?? options.baseUrl).replace(/\/+$/, "");
      let ok = false;
      try {
        const response = await fetch(`${endpoint}/health`, { headers: options.headers, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        ok = response.ok;
        await response.body?.cancel();
      } catch {
        ok = false;
      }
      const changed = ok !== this.healthy;
      this.healthy = ok;
      if (changed) {
        log({ event: "ocr.health", endpoint, healthy: ok });
        this.saveState();
      }
      if (!ok) {
        for (const waiter of this.waiting.drain()) {
          clearTimeout(waiter.timer);
          waiter.resolve(this.unavailable());
        }
        if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PROBE_INTERVAL_MS);
      } else {
        this.pump();
      }
      return ok;
    })().finally(() => {
      this.probe = null;
    });
    return this.probe;
  }

  private pump(): void {
    while (this.healthy && this.leases.size < this.limit.limit) {
      const waiter = this.waiting.shift();
      if (!waiter) return;
      clearTimeout(waiter.timer);
      waiter.resolve(this.grant(waiter.documentId));
    }
  }

  private grant(documentId: string): Grant {
    const lease = crypto.randomUUID();
    const now = Date.now();
    this.leases.set(lease, now);
    this.query`INSERT INTO leases (id, document_id, granted_at) VALUES (${lease}, ${documentId}, ${now})`;
    return { granted: true, lease, limit: this.limit.limit };
  }

  private unavailable(): Grant {
    return { granted: false, reason: "unavailable", message: "the OCR backend is unavailable", retryAfterMs: PROBE_INTERVAL_MS };
  }

  /** A lease never given back (its document died mid-request) stops counting after the request's time-out. */
  private expireLeases(): void {
    const cutoff = Date.now() - 2 * settings(this.env).OCR_TIMEOUT_MS - 60_000;
    for (const [lease, grantedAt] of this.leases) {
      if (grantedAt < cutoff) {
        this.leases.delete(lease);
        this.query`DELETE FROM leases WHERE id = ${lease}`;
      }
    }
  }

  private saveState(): void {
    this.query`INSERT OR REPLACE INTO gate_state (key, value) VALUES ('limit', ${JSON.stringify(this.limit.snapshot())})`;
    this.query`INSERT OR REPLACE INTO gate_state (key, value) VALUES ('healthy', ${String(this.healthy)})`;
  }
}
