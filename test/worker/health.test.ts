import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Health } from "../../src/health";
import { asOperator, healthOf, textPdf, uploadPdf, waitFor, worker, workerWith } from "./helpers";

describe("/api/health", () => {
  it("checks every dependency, with status and latency, for operators; says only up or down to others", async () => {
    const { status, body } = await healthOf();
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    for (const name of ["ocr", "warehouse", "argilla", "storage"] as const) {
      expect(body.checks[name]).toMatchObject({ status: "ok", latencyMs: expect.any(Number) });
    }
    expect(body.checks.ocr.detail).toMatchObject({ healthy: true, limit: expect.any(Number) });
    const anyone = await healthOf({}, {});
    expect(anyone.status).toBe(200);
    expect(Object.keys(anyone.body).sort()).toEqual(["checkedAt", "ok"]);
  });

  it("keeps its answer a few seconds, so it cannot be used to hammer the dependencies", async () => {
    const worker = workerWith({});
    const ask = async () => (await (await worker(new Request("http://vessel.test/api/health", asOperator))).json<Health>()).checkedAt;
    const first = await ask();
    expect(await ask()).toBe(first);
  });
});

describe("/api/stats", () => {
  it("summarises the documents for operators, from the index", async () => {
    const doc = await uploadPdf(await textPdf(1));
    await waitFor(doc);
    await expect.poll(async () => (await env.INDEX.prepare("SELECT stage FROM documents WHERE id = ?1").bind(doc.id).first<{ stage: string }>())?.stage).toBe("done");
    const stats = await (await worker.fetch("http://vessel.test/api/stats", asOperator)).json<{ documents: number; byStage: Record<string, number>; bySource: Record<string, number>; createdLastDay: number; pages: number }>();
    const counted = await env.INDEX.prepare("SELECT count(*) AS n FROM documents").first<{ n: number }>();
    expect(stats.documents).toBe(counted?.n);
    expect(stats.byStage.done).toBeGreaterThanOrEqual(1);
    expect(stats.bySource.upload).toBeGreaterThanOrEqual(1);
    expect(stats.createdLastDay).toBeGreaterThanOrEqual(1);
    expect(stats.pages).toBeGreaterThanOrEqual(1);
    expect((await worker.fetch("http://vessel.test/api/stats")).status).toBe(401);
  });
});
