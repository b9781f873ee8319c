import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "../../dev/argilla-standin-protocol.ts";
import { startArgillaStandin, type ArgillaStandin } from "../../dev/argilla-standin.ts";

let argilla: ArgillaStandin;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: Record<string, string>; body: string }> = [];

beforeAll(async () => {
  argilla = await startArgillaStandin({ webhookRetryDelaysMs: [50] });
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      // The first delivery fails, so the stand-in retries it.
      res.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await argilla.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function call(method: string, path: string, body?: unknown, key = argilla.ownerApiKey) {
  const response = await fetch(`${argilla.url}${path}`, {
    method,
    headers: { "x-argilla-api-key": key, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

describe("Standard Webhooks signatures", () => {
  it("reproduces the specification's published test vector", () => {
    const signature = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign("msg_p5jXN8AQM9LWM0D4loKWxJek", new Date(1614265330 * 1000), '{"test": 2432232314}');
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});

describe("the Argilla stand-in", () => {
  let datasetId: string;
  let questionId: string;

  it("answers 401 with Argilla's error body to a wrong key", async () => {
    const response = await call("GET", "/api/v1/me", undefined, "wrong");
    expect(response).toEqual({ status: 401, body: { detail: { code: "argilla.api.errors::UnauthorizedError", params: { detail: "Could not validate credentials" } } } });
  });

  it("provisions as Argilla does: 409 on duplicates, publish rules, one span question per field", async () => {
    const workspace = (await call("POST", "/api/v1/workspaces", { name: "w" })).body;
    expect((await call("POST", "/api/v1/workspaces", { name: "w" })).status).toBe(409);
    const dataset = (await call("POST", "/api/v1/datasets", { name: "d", workspace_id: workspace.id })).body;
    datasetId = dataset.id;
    expect((await call("POST", "/api/v1/datasets", { name: "d", workspace_id: workspace.id })).status).toBe(409);
    expect((await call("PUT", `/api/v1/datasets/${datasetId}/publish`, {})).body.detail).toMatch(/without fields/);
    expect((await call("POST", `/api/v1/datasets/${datasetId}/fields`, { name: "Bad Name", settings: { type: "text" } })).status).toBe(422);
    expect((await call("POST", `/api/v1/datasets/${datasetId}/fields`, { name: "text", title: "Text", required: true, settings: { type: "text" } })).status).toBe(201);
    const span = { type: "span", field: "text", options: [{ value: "IMO_NUMBER", text: "IMO" }, { value: "FLAG_STATE", text: "Flag" }], allow_overlapping: false };
    questionId = (await call("POST", `/api/v1/datasets/${datasetId}/questions`, { name: "entities", title: "E", required: true, settings: span })).body.id;
    expect((await call("POST", `/api/v1/datasets/${datasetId}/questions`, { name: "again", title: "E", required: true, settings: span })).status).toBe(422);
    expect((await call("PUT", `/api/v1/datasets/${datasetId}/publish`, {})).body.status).toBe("ready");
    expect((await call("PUT", `/api/v1/datasets/${datasetId}/publish`, {})).status).toBe(422);
    expect((await call("POST", `/api/v1/datasets/${datasetId}/fields`, { name: "late", settings: { type: "text" } })).status).toBe(422);
  });

  it("validates spans in code points, labels, question ids and the 500-item limit; upserts by external_id", async () => {
    const text = "🐟 IMO 9074729";
    const upsert = (items: unknown[]) => call("PUT", `/api/v1/datasets/${datasetId}/records/bulk`, { items });
    const item = (value: unknown, score: unknown = null, extra = {}) => ({ external_id: "a", fields: { text }, suggestions: [{ question_id: questionId, value, score, agent: "t" }], ...extra });
    // 13 code points (14 UTF-16 units): the IMO number is at 6..13.
    const first = await upsert([item([{ label: "IMO_NUMBER", start: 6, end: 13 }], [0.9])]);
    expect(first.status).toBe(200);
    const tooLong = (await upsert([item([{ label: "IMO_NUMBER", start: 7, end: 14 }])])).body.detail;
    expect(tooLong).toMatch(/lower or equal to the field text length \(13\)/);
    expect((await upsert([item([{ label: "VESSEL", start: 0, end: 1 }])])).body.detail).toMatch(/undefined label 'VESSEL'/);
    expect((await upsert([item([{ label: "IMO_NUMBER", start: 2, end: 8 }, { label: "FLAG_STATE", start: 6, end: 9 }])])).body.detail).toMatch(/overlapping/);
    expect((await upsert([item([{ label: "IMO_NUMBER", start: 6, end: 13 }], 0.9)])).body.detail).toMatch(/list of score values/);
    expect((await upsert([{ external_id: "b", fields: { text }, suggestions: [{ question_id: "nope", value: [] }] }])).body.detail).toMatch(/question_id=nope does not exist/);
    expect((await upsert(Array.from({ length: 501 }, (_, i) => ({ external_id: `x${i}`, fields: { text } })))).status).toBe(422);
    // The same external id again: the same record, its fields kept, its suggestion replaced.
    const second = await upsert([item([{ label: "FLAG_STATE", start: 0, end: 1 }], null, { fields: { text: "changed" } })]);
    expect(second.body.items[0].id).toBe(first.body.items[0].id);
    expect(second.body.items[0].fields.text).toBe(text);
    expect(second.body.items[0].suggestions.map((s: any) => s.value)).toEqual([[{ label: "FLAG_STATE", start: 0, end: 1 }]]);
    expect((await call("GET", `/api/v1/datasets/${datasetId}/records?limit=1001`)).status).toBe(422);
  });

  it("signs webhook deliveries as the specification says, and retries a failed one with a new webhook-id", async () => {
    const hook = (await call("POST", "/api/v1/webhooks", { url: receiverUrl, events: ["response.created", "response.updated"] })).body;
    expect(hook.secret).toBeTruthy();
    await call("POST", "/_sim/responses", { external_id: "a", username: "expert", status: "submitted", values: { entities: { value: [{ label: "IMO_NUMBER", start: 6, end: 13 }] } } });
    for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(2);
    const [failed, retried] = received;
    expect(retried.headers["webhook-id"]).not.toBe(failed.headers["webhook-id"]);
    expect(retried.body).toBe(failed.body);
    for (const delivery of received) {
      // Recomputed by hand from the specification: HMAC-SHA256 over "id.timestamp.body", key = base64-decoded secret.
      const key = Buffer.from(hook.secret.replace(/^whsec_/, ""), "base64");
      const expected = createHmac("sha256", key).update(`${delivery.headers["webhook-id"]}.${delivery.headers["webhook-timestamp"]}.${delivery.body}`).digest("base64");
      expect(delivery.headers["webhook-signature"]).toBe(`v1,${expected}`);
    }
    const event = JSON.parse(retried.body);
    expect(event).toMatchObject({ type: "response.created", version: 1, data: { status: "submitted", record: { external_id: "a", fields: { text: "🐟 IMO 9074729" } }, user: { username: "expert" } } });
    const log = (await call("GET", "/_sim/deliveries")).body as Delivery[];
    expect(log.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 204],
    ]);
  });
});

describe("npm run argilla:webhook", () => {
  it("registers the deployment's webhook once and stores its secret without losing other settings", async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { registerWebhook, setDevVar } = await import("../../dev/argilla-webhook.ts");
    const options = { argillaUrl: argilla.url, apiKey: argilla.ownerApiKey, publicUrl: "https://vessel-docs.example.org" };
    const first = await registerWebhook(options);
    const second = await registerWebhook(options);
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, secret: first.secret, created: false });
    const hooks = (await call("GET", "/api/v1/webhooks")).body.items.filter((h: any) => h.url === "https://vessel-docs.example.org/api/argilla/webhook");
    expect(hooks.map((h: any) => h.events)).toEqual([["response.created", "response.updated"]]);
    const file = join(mkdtempSync(join(tmpdir(), "devvars-")), ".dev.vars");
    writeFileSync(file, "OPERATOR_KEY_HASHES=abc\nARGILLA_WEBHOOK_SECRET=old\n");
    setDevVar(file, "ARGILLA_WEBHOOK_SECRET", first.secret);
    expect(readFileSync(file, "utf8")).toBe(`OPERATOR_KEY_HASHES=abc\nARGILLA_WEBHOOK_SECRET=${first.secret}\n`);
  });
});
