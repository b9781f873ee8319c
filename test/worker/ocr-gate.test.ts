import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { ConcurrencyLimit, FairQueue } from "../../src/ocr/gate-core";
import type { Grant } from "../../src/objects/ocr-gate";

describe("fair queue", () => {
  it("takes one from each waiting document in turn, FIFO within one", () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 5; i++) queue.push("big", `big-${i}`);
    queue.push("small", "small-1");
    queue.push("small", "small-2");
    const order = Array.from({ length: 7 }, () => queue.shift());
    expect(order).toEqual(["big-1", "small-1", "big-2", "small-2", "big-3", "big-4", "big-5"]);
    expect(queue.shift()).toBeUndefined();
  });

  it("lets a newcomer in after at most one turn of each document already waiting", () => {
    const queue = new FairQueue<string>();
    for (const doc of ["a", "b", "c"]) for (let i = 1; i <= 3; i++) queue.push(doc, `${doc}-${i}`);
    queue.shift(); // a-1
    queue.push("new", "new-1");
    const next = Array.from({ length: 4 }, () => queue.shift());
    expect(next.indexOf("new-1")).toBeLessThanOrEqual(3);
    expect(queue.remove("a", "a-3")).toBe(true);
    expect(queue.size).toBe(10 - 1 - 4 - 1);
  });
});

/** A batching GPU: up to `slots` requests share it, each slowing the others; beyond that they queue. */
function batchingLatency(concurrency: number, { base = 1000, alpha = 0.1, slots = 16 } = {}): number {
  const active = Math.min(concurrency, slots);
  const perRequest = base * (1 + alpha * (active - 1));
  return concurrency <= slots ? perRequest : perRequest * (concurrency / slots);
}

describe("adaptive concurrency", () => {
  it("climbs to where throughput stops rising, without hand tuning", () => {
    const limit = new ConcurrencyLimit({ initial: 2, min: 1, max: 64 });
    for (let i = 0; i < 4000; i++) limit.record(batchingLatency(limit.limit), true);
    const throughput = (c: number) => c / batchingLatency(c);
    expect(throughput(limit.limit) / throughput(16)).toBeGreaterThanOrEqual(0.97);
    expect(limit.limit).toBeLessThanOrEqual(24);
  });

  it("does not move on samples from an unsaturated gate", () => {
    const limit = new ConcurrencyLimit({ initial: 4, min: 1, max: 64 });
    for (let i = 0; i < 500; i++) limit.record(50, false);
    expect(limit.limit).toBe(4);
  });

  it("follows a box that gets slower: never above the max, never below the min", () => {
    const limit = new ConcurrencyLimit({ initial: 8, min: 2, max: 12 });
    for (let i = 0; i < 2000; i++) limit.record(batchingLatency(limit.limit, { slots: 40 }), true);
    expect(limit.limit).toBeLessThanOrEqual(12);
    for (let i = 0; i < 2000; i++) limit.record(batchingLatency(limit.limit, { slots: 2, alpha: 1 }), true);
    expect(limit.limit).toBeGreaterThanOrEqual(2);
    expect(limit.limit).toBeLessThanOrEqual(12);
  });
});

describe("the OCR gate object", () => {
  const spare = inject("spareOcrUrl");

  it("never grants more than its limit, serves documents in turn, and follows the box's health", async () => {
    const gate = env.OcrGate.getByName(spare);
    const start = await gate.status();
    expect(start).toMatchObject({ healthy: true, inFlight: 0, waiting: 0 });

    // The big document takes every slot and queues more; a small one arrives behind it.
    const bigGrants = await Promise.all(Array.from({ length: start.limit }, () => gate.acquire("big", 10_000)));
    expect(bigGrants.every((g) => g.granted)).toBe(true);
    const bigWaiting = Array.from({ length: 5 }, () => gate.acquire("big", 10_000));
    const small = gate.acquire("small", 10_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(await gate.status()).toMatchObject({ inFlight: start.limit, waiting: 6 });

    // Two slots come back: one goes to the big document, the next to the small one.
    const lease = (g: Grant) => (g.granted ? g.lease : "");
    await gate.release(lease(bigGrants[0]), { latencyMs: 100, result: "ok" });
    await gate.release(lease(bigGrants[1]), { latencyMs: 100, result: "ok" });
    const smallGrant = await small;
    expect(smallGrant.granted).toBe(true);
    expect((await gate.status()).inFlight).toBe(start.limit);

    // The box goes down under a request: the gate checks /health and turns everyone away.
    await fetch(`${spare}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms: 400 }) });
    expect(await gate.release(lease(bigGrants[2]), { latencyMs: 5, result: "unavailable" })).toEqual({ healthy: false });
    const turnedAway = await Promise.all(bigWaiting);
    expect(turnedAway.filter((g) => !g.granted).length).toBeGreaterThanOrEqual(4);
    expect(await gate.acquire("late", 1000)).toMatchObject({ granted: false, reason: "unavailable" });

    // Back up: the gate's own probe (its alarm) sees it and lets documents in again.
    await new Promise((r) => setTimeout(r, 450));
    await runDurableObjectAlarm(gate);
    expect((await gate.status()).healthy).toBe(true);
    for (const g of [...bigGrants.slice(3), smallGrant, ...turnedAway]) if (g.granted) await gate.release(g.lease, { latencyMs: 100, result: "ok" });
    expect((await gate.acquire("late", 1000)).granted).toBe(true);
  });
});

