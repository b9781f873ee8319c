/**
 * One gate per deployment's OCR endpoints (one GPU box or several), shared by every document: vLLM
 * has no admission control, so this is where requests to the boxes are bounded (never more than a
 * box's limit in flight on it), placed (../ocr/gate-core.ts BoxPool), shared fairly (round-robin
 * across documents), sized (each box's limit adapts to it) and held back from a box that is down
 * (health probes; its waiting pages go to the others; documents wait only when every box is down).
 *
 * A document asks for a slot with `acquire`, which answers when one is free (or when its wait is
 * over) with the box to use and how many pages the document should keep in flight now, and gives
 * it back with `release`, saying how the request went. Leases are stored, so a restarted gate still
 * counts requests that are running on the boxes.
 */
import { DurableObject } from "cloudflare:workers";
import { ocrEndpoints, settings } from "../config";
import { log } from "../lib/log";
import { ocrClientOptions } from "../ocr/deepseek";
import { BoxPool, FairQueue, type Box, type LimitState } from "../ocr/gate-core";
import { migrate, sqlOf, type Sql } from "../lib/sql";

export type Grant =
  | {
      granted: true;
      lease: string;
      /** The box to send this request to. */
      endpoint: string;
      /** The gate's concurrency limit (all healthy boxes) when it granted. */
      limit: number;
      /** How many pages this document should keep in flight now. */
      share: number;
    }
  | { granted: false; reason: "unavailable" | "busy"; message: string; retryAfterMs: number };

export interface Outcome {
  latencyMs: number;
  /** ok: an answer; unavailable: refused, dropped, timed out or 5xx; rejected: the box said no to this page. */
  result: "ok" | "unavailable" | "rejected";
}

export interface BoxStatus {
  endpoint: string;
  healthy: boolean;
  limit: number;
  inFlight: number;
  phase: LimitState["phase"];
  latencyMs: number | null;
}

export interface GateStatus {
  /** Some box is up. */
  healthy: boolean;
  limit: number;
  inFlight: number;
  waiting: number;
  phase: LimitState["phase"];
  boxes: BoxStatus[];
}

interface Waiter {
  documentId: string;
  resolve: (grant: Grant) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Lease {
  documentId: string;
  grantedAt: number;
  box: Box;
}

const gateMigrations = [
  /* 1 */ `
  CREATE TABLE leases (id TEXT PRIMARY KEY, document_id TEXT NOT NULL, granted_at INTEGER NOT NULL);
  CREATE TABLE gate_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  /* 2: several boxes; a lease from before counts on the first */ `
  ALTER TABLE leases ADD COLUMN endpoint TEXT;`,
] as const;

/** How often a down box is probed. */
const PROBE_INTERVAL_MS = 5_000;
const PROBE_TIMEOUT_MS = 3_000;

export class OcrGate extends DurableObject<Env> {
  private readonly query: Sql;
  private readonly waiting = new FairQueue<Waiter>();
  private readonly leases = new Map<string, Lease>();
  private pool!: BoxPool;
  private readonly probes = new Map<Box, Promise<boolean>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.query = sqlOf(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, gateMigrations);
      const state = Object.fromEntries(this.query<{ key: string; value: string }>`SELECT key, value FROM gate_state`.map((row) => [row.key, row.value]));
      const config = settings(env);
      // The gate is named by the endpoints it guards.
      const endpoints = ocrEndpoints(ctx.id.name ?? config.SPARK_OCR_URL);
      // Saved before there were several boxes: under the bare keys, for the one box there was.
      const saved = (url: string, key: string) => state[`${key}:${url}`] ?? (url === endpoints[0] ? state[key] : undefined);
      this.pool = new BoxPool(endpoints, { initial: config.OCR_GATE_INITIAL_LIMIT, min: 1, max: config.OCR_GATE_MAX_LIMIT }, (url) => {
        const limit = saved(url, "limit");
        return { limit: limit ? (JSON.parse(limit) as LimitState) : undefined, healthy: saved(url, "healthy") !== "false" };
      });
      for (const row of this.query<{ id: string; document_id: string; granted_at: number; endpoint: string | null }>`SELECT * FROM leases`) {
        const box = (row.endpoint && this.pool.box(row.endpoint)) || this.pool.boxes[0];
        box.inFlight++;
        this.leases.set(row.id, { documentId: row.document_id, grantedAt: row.granted_at, box });
      }
    });
  }

  /** A slot for one request of `documentId`, waiting at most `waitMs` for it. */
  async acquire(documentId: string, waitMs: number): Promise<Grant> {
    this.expireLeases();
    if (!this.pool.anyHealthy) return this.unavailable();
    const box = this.waiting.size === 0 ? this.pool.pick() : null;
    if (box) return this.grant(documentId, box);
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

  /**
   * Gives a slot back. Says whether its box is still healthy and whether any box is, so a
   * document knows whether to send the page elsewhere now or to wait.
   */
  async release(lease: string, outcome: Outcome): Promise<{ healthy: boolean; available: boolean }> {
    const saturated = this.waiting.size > 0;
    const held = this.leases.get(lease);
    if (!held) return { healthy: true, available: this.pool.anyHealthy };
    this.leases.delete(lease);
    held.box.inFlight--;
    this.query`DELETE FROM leases WHERE id = ${lease}`;
    if (outcome.result === "ok") {
      this.pool.record(held.box, outcome.latencyMs, saturated);
      this.saveState(held.box);
    } else if (outcome.result === "unavailable") {
      await this.checkHealth(held.box);
    }
    this.pump();
    return { healthy: held.box.healthy, available: this.pool.anyHealthy };
  }

  status(): GateStatus {
    const boxes = this.pool.boxes.map((box) => ({
      endpoint: box.url,
      healthy: box.healthy,
      limit: box.limit.limit,
      inFlight: box.inFlight,
      phase: box.limit.snapshot().phase,
      latencyMs: box.latencyMs === null ? null : Math.round(box.latencyMs),
    }));
    return { healthy: this.pool.anyHealthy, limit: this.pool.capacity, inFlight: this.pool.inFlight, waiting: this.waiting.size, phase: boxes[0].phase, boxes };
  }

  override async alarm(): Promise<void> {
    await Promise.all(this.pool.boxes.filter((box) => !box.healthy).map((box) => this.checkHealth(box)));
    if (!this.pool.boxes.every((box) => box.healthy)) await this.ctx.storage.setAlarm(Date.now() + PROBE_INTERVAL_MS);
  }

  /** Asks a box's `/health` (one probe at a time per box); on a change, moves waiters accordingly. */
  private checkHealth(box: Box): Promise<boolean> {
    const running = this.probes.get(box);
    if (running) return running;
    const probe = (async () => {
      const options = ocrClientOptions(settings(this.env));
      let ok = false;
      try {
        const response = await fetch(`${box.url}/health`, { headers: options.headers, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        ok = response.ok;
        await response.body?.cancel();
      } catch {
        ok = false;
      }
      if (ok !== box.healthy) {
        box.healthy = ok;
        log({ event: "ocr.health", endpoint: box.url, healthy: ok });
        this.saveState(box);
      }
      if (!this.pool.anyHealthy) {
        for (const waiter of this.waiting.drain()) {
          clearTimeout(waiter.timer);
          waiter.resolve(this.unavailable());
        }
      }
      if (!ok && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PROBE_INTERVAL_MS);
      this.pump();
      return ok;
    })().finally(() => this.probes.delete(box));
    this.probes.set(box, probe);
    return probe;
  }

  private pump(): void {
    for (let box = this.pool.pick(); box && this.waiting.size > 0; box = this.pool.pick()) {
      const waiter = this.waiting.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(this.grant(waiter.documentId, box));
    }
  }

  private grant(documentId: string, box: Box): Grant {
    const lease = crypto.randomUUID();
    const now = Date.now();
    box.inFlight++;
    this.leases.set(lease, { documentId, grantedAt: now, box });
    this.query`INSERT INTO leases (id, document_id, granted_at, endpoint) VALUES (${lease}, ${documentId}, ${now}, ${box.url})`;
    return { granted: true, lease, endpoint: box.url, limit: this.pool.capacity, share: this.pool.share(this.activeDocuments()) };
  }

  /** Documents holding a slot or waiting for one. */
  private activeDocuments(): number {
    const documents = new Set(this.waiting.keys());
    for (const { documentId } of this.leases.values()) documents.add(documentId);
    return documents.size;
  }

  private unavailable(): Grant {
    return { granted: false, reason: "unavailable", message: "the OCR backend is unavailable", retryAfterMs: PROBE_INTERVAL_MS };
  }

  /** A lease never given back (its document died mid-request) stops counting after the request's time-out. */
  private expireLeases(): void {
    const cutoff = Date.now() - 2 * settings(this.env).OCR_TIMEOUT_MS - 60_000;
    for (const [id, lease] of this.leases) {
      if (lease.grantedAt < cutoff) {
        this.leases.delete(id);
        lease.box.inFlight--;
        this.query`DELETE FROM leases WHERE id = ${id}`;
      }
    }
  }

  private saveState(box: Box): void {
    this.query`INSERT OR REPLACE INTO gate_state (key, value) VALUES (${`limit:${box.url}`}, ${JSON.stringify(box.limit.snapshot())})`;
    this.query`INSERT OR REPLACE INTO gate_state (key, value) VALUES (${`healthy:${box.url}`}, ${String(box.healthy)})`;
  }
}
