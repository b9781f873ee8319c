import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import type { Health } from "../../src/health";
import { OPERATOR_KEY, textPdf, uploadPdf, waitFor, worker, workerWith } from "./helpers";

const asOperator = { headers: { authorization: `Bearer ${OPERATOR_KEY}` } };

/** A fresh deployment each time (the answer is cached per deployment for a few seconds). */
async function healthOf(changes: Partial<Record<string, unknown>> = {}, init: RequestInit = asOperator) {
  const response = await workerWith({ ...changes })(new Request("http://vessel.test/api/health", init));
  return { status: response.status, body: await response.json<Health>() };
}

const outage = (url: string, ms: number) => fetch(`${url}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms }) });

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

  it("answers 503 naming the dependency that is down, each in turn", async () => {
    await outage(env.SPARK_OCR_URL, 1500);
    const ocr = await healthOf();
    expect([ocr.status, ocr.body.checks.ocr.status, ocr.body.checks.ocr.error]).toEqual([503, "down", "OCR server's /health answered 503"]);
    expect(ocr.body.checks.storage.status).toBe("ok");

    await outage(inject("warehouseControlUrl"), 1500);
    const warehouse = await healthOf();
    expect([warehouse.status, warehouse.body.checks.warehouse.status]).toEqual([503, "down"]);

    await outage(inject("argillaUrl"), 1500);
    const argilla = await healthOf();
    expect([argilla.status, argilla.body.checks.argilla.status]).toEqual([503, "down"]);
    expect(argilla.body.checks.argilla.error).toMatch(/503/);

    const broken = { put: async () => Promise.reject(new Error("R2 is having a bad day")), get: async () => null, delete: async () => undefined };
    const storage = await healthOf({ DOCUMENTS_BUCKET: broken });
    expect([storage.status, storage.body.checks.storage]).toEqual([503, expect.objectContaining({ status: "down", error: "R2 is having a bad day" })]);

    // A dependency that is not configured is off, not down.
    await new Promise((r) => setTimeout(r, 1600));
    const withoutReview = await healthOf({ ARGILLA_URL: "" });
    expect([withoutReview.status, withoutReview.body.checks.argilla.status]).toEqual([200, "off"]);
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
