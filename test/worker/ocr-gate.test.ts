import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { ConcurrencyLimit, FairQueue } from "../../src/ocr/gate-core";
import type { Grant } from "../../src/objects/ocr-gate";
import { PagesInFlight } from "../../src/objects/document/steps/pages-in-flight";
import type { DocumentWork } from "../../src/objects/document/work";
import { settings } from "../../src/config";
import { ocrStats, pageDetail, scriptOcr, textPdf, uploadPdf, waitFor } from "./helpers";

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
    expect(await gate.release(lease(bigGrants[2]), { latencyMs: 5, result: "unavailable" })).toEqual({ healthy: false, available: false });
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

describe("the OCR gate over several boxes", () => {
  const spare = inject("spareOcrUrl");
  const lease = (g: Grant) => (g.granted ? g.lease : "");

  it("offers a lone document all the capacity and others their round-robin share", async () => {
    const gate = env.OcrGate.getByName(`${spare}/share-test`);
    const { limit } = await gate.status();
    const alone = await gate.acquire("alone", 1000);
    expect(alone).toMatchObject({ granted: true, share: limit + Math.ceil(limit / 4) });
    const second = await gate.acquire("second", 1000);
    const fair = Math.ceil(limit / 2);
    expect(second).toMatchObject({ granted: true, share: fair + Math.ceil(fair / 4) });
    for (const g of [alone, second]) await gate.release(lease(g), { latencyMs: 50, result: "ok" });
  });

  it("places requests on every box, sends them elsewhere while one is down, and takes it back once healthy", async () => {
    const other = inject("ocrUrl");
    const gate = env.OcrGate.getByName(`${spare}/,${other}`);
    const start = await gate.status();
    expect(start.boxes.map((box) => [box.endpoint, box.healthy])).toEqual([[spare.replace(/\/+$/, ""), true], [other, true]]);
    const perBox = start.boxes[0].limit;

    // Twice one box's limit: both boxes are filled, neither beyond its limit.
    const grants = await Promise.all(Array.from({ length: 2 * perBox }, () => gate.acquire("doc", 1000)));
    const endpoints = grants.map((g) => (g.granted ? g.endpoint : "none"));
    expect(endpoints.filter((e) => e === other)).toHaveLength(perBox);
    expect(endpoints.filter((e) => e !== other)).toHaveLength(perBox);
    for (const g of grants) await gate.release(lease(g), { latencyMs: 50, result: "ok" });

    // The spare box goes down under a request: the page can go to the other box at once.
    await fetch(`${spare}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms: 400 }) });
    const two = await Promise.all(Array.from({ length: 2 }, () => gate.acquire("doc", 1000)));
    const onSpare = two.find((g) => g.granted && g.endpoint !== other)!;
    await gate.release(lease(two.find((g) => g !== onSpare)!), { latencyMs: 50, result: "ok" });
    expect(await gate.release(lease(onSpare), { latencyMs: 5, result: "unavailable" })).toEqual({ healthy: false, available: true });
    const meanwhile = await Promise.all(Array.from({ length: perBox }, () => gate.acquire("doc", 1000)));
    expect(meanwhile.every((g) => g.granted && g.endpoint === other)).toBe(true);
    expect((await gate.status()).healthy).toBe(true);

    // Back up: the probe (the gate's alarm) sees it, and the box takes requests again.
    await new Promise((r) => setTimeout(r, 450));
    await runDurableObjectAlarm(gate);
    expect((await gate.status()).boxes.map((box) => box.healthy)).toEqual([true, true]);
    const after = await gate.acquire("doc", 1000);
    expect(after).toMatchObject({ granted: true, endpoint: spare.replace(/\/+$/, "") });
  });
});

describe("a document's pages in flight", () => {
  const work = (vars: Record<string, string> = {}) => ({ config: settings({ ...env, ...vars }), ocrShare: { last: 1 } }) as unknown as DocumentWork;

  it("follows the gate's offer, within the bytes of page images and the optional fixed cap", () => {
    const pages = new PagesInFlight(work({ OCR_BYTES_IN_FLIGHT: String(10 * 1024 * 1024), PAGES_PER_INVOCATION: "4" }));
    expect(pages.missing()).toBe(1);
    pages.started();
    pages.rendered(1024 * 1024, 40);
    pages.offered(40);
    // 10 MiB of 1 MiB pages: 10 at once, whatever the gate offers; the batch lasts many turns of them.
    expect(pages.missing()).toBe(9);
    const capped = new PagesInFlight(work({ OCR_PAGES_IN_FLIGHT: "8" }));
    capped.offered(40);
    expect(capped.missing()).toBe(8);
  });

  it("keeps a batch within the CPU its renders are estimated to cost", () => {
    const pages = new PagesInFlight(work({ PAGES_PER_INVOCATION: "4" }));
    pages.rendered(100_000, 990); // a heavy scan: 1 s a page with the rest of its work
    pages.offered(40);
    let taken = 0;
    while (pages.takeOne()) taken++;
    // 24 turns of 40 pages would be 960 pages, 16 minutes of CPU; 2 minutes' worth is 120.
    expect(taken).toBe(120);
  });

  it("stops workers beyond a smaller offer, and remembers the offer for the next batch", () => {
    const shared = work();
    const pages = new PagesInFlight(shared);
    pages.offered(6);
    for (let i = pages.missing(); i > 0; i--) pages.started();
    pages.offered(3);
    expect(pages.takeOne()).toBe(false);
    for (let i = 0; i < 3; i++) pages.stopped();
    expect(pages.takeOne()).toBe(true);
    expect(new PagesInFlight(shared).missing()).toBe(3);
  });

  it("lets a lone document past the old fixed two pages at once, never past the gate's limit", async () => {
    const size: [number, number] = [357, 463];
    await scriptOcr(size[0] * 2, size[1] * 2, [], { ok: true }, 300);
    const doc = await uploadPdf(await textPdf(12, size));
    expect((await waitFor(doc)).stage).toBe("done");
    const atOnce = (await ocrStats()).sizes[`${size[0] * 2}x${size[1] * 2}`].maxConcurrent;
    expect(atOnce).toBeGreaterThan(2);
    expect(atOnce).toBeLessThanOrEqual(settings(env).OCR_GATE_MAX_LIMIT);
    expect((await pageDetail(doc, 12)).attempts).toBe(1);
  });
});
