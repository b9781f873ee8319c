import { describe, expect, it } from "vitest";
import { startGpuSimulator } from "../../dev/gpu-simulator.ts";

function page(n: number) {
  return JSON.stringify({
    model: "m",
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(`page ${n}`).toString("base64")}` } }] }],
  });
}

async function burst(url: string, pages: number[]): Promise<number[]> {
  return Promise.all(pages.map((n) => fetch(`${url}/v1/chat/completions`, { method: "POST", body: page(n) }).then((r) => r.status)));
}

describe("the GPU simulator", () => {
  it("decodes up to its slots together and queues the rest, never answering 429", async () => {
    // Long enough decodes that the burst of 8 has arrived before the first 4 finish, even on a loaded CI box.
    const sim = await startGpuSimulator({ slots: 4, baseMs: 250, alpha: 0.2, seed: 1 });
    try {
      expect(await burst(sim.url, [1])).toEqual([200]);
      expect(await burst(sim.url, [2, 3, 4, 5])).toEqual([200, 200, 200, 200]);
      expect(new Set(await burst(sim.url, [6, 7, 8, 9, 10, 11, 12, 13]))).toEqual(new Set([200]));
      const stats = sim.stats();
      expect(stats).toMatchObject({ requests: 13, completed: 13, maxActive: 4, duplicatePages: 0 });
      // More in the system than slots: the rest waited in the queue (how many depends on arrival timing).
      expect(stats.maxInSystem).toBeGreaterThan(4);
      expect(stats.maxInSystem).toBeLessThanOrEqual(8);
      expect(stats.maxPagesPerSecond).toBeCloseTo((4 / (250 * 1.6)) * 1000, 5);
      await burst(sim.url, [1]);
      expect(sim.stats().duplicatePages).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it("injects the same faults for the same seed", async () => {
    const run = async () => {
      const sim = await startGpuSimulator({ slots: 8, baseMs: 5, alpha: 0, seed: 99, faults: { error: 0.2, truncate: 0.2, loop: 0.1 } });
      try {
        const statuses = await Promise.all(
          Array.from({ length: 30 }, (_, n) => fetch(`${sim.url}/v1/chat/completions`, { method: "POST", body: page(100 + n) }).then((r) => r.status)),
        );
        return { errors: statuses.filter((s) => s === 500).length, faults: sim.stats().faults };
      } finally {
        await sim.close();
      }
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.errors).toBeGreaterThan(0);
  });

  it("goes down for an outage: /health says 503 and requests are cut off", async () => {
    const sim = await startGpuSimulator({ slots: 2, baseMs: 5, alpha: 0, seed: 1 });
    try {
      sim.outage(300);
      expect((await fetch(`${sim.url}/health`)).status).toBe(503);
      await expect(fetch(`${sim.url}/v1/chat/completions`, { method: "POST", body: page(1) })).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 320));
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
