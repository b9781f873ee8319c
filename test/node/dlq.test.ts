/**
 * `npm run dlq` against a stand-in of the Cloudflare Queues REST API (list queues, pull with a
 * lease, send a batch, acknowledge): listing leaves the messages where they are; replaying sends
 * each back to the ingest queue and acknowledges it in the dead-letter queue.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const notification = (key: string) => ({ account: "a", action: "PutObject", bucket: "vessel-docs-production", object: { key, size: 10, eTag: "e" }, eventTime: "2026-12-01T00:00:00Z" });
const dlq: Array<{ id: string; body: string; lease?: string }> = ["incoming/a.pdf", "incoming/b.pdf", "incoming/c.pdf"].map((key, i) => ({ id: `m${i}`, body: JSON.stringify(notification(key)) }));
const ingested: unknown[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk));
    req.on("end", () => {
      const ok = (result: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ success: true, errors: [], result }));
      if (req.headers.authorization !== "Bearer test-token") return void res.writeHead(403).end(JSON.stringify({ success: false, errors: [{ message: "bad token" }] }));
      const body = raw ? JSON.parse(raw) : {};
      const path = req.url!.replace("/client/v4/accounts/acc/queues", "");
      if (req.method === "GET" && path === "") return ok([{ queue_id: "q-ingest", queue_name: "vessel-docs-ingest-production" }, { queue_id: "q-dlq", queue_name: "vessel-docs-ingest-production-dlq" }]);
      if (path === "/q-dlq/messages/pull") {
        const free = dlq.filter((m) => !m.lease).slice(0, body.batch_size);
        for (const m of free) m.lease = `lease-${m.id}`;
        return ok({ messages: free.map((m) => ({ id: m.id, body: m.body, lease_id: m.lease, attempts: 8, timestamp_ms: Date.parse("2026-12-01T00:00:00Z") })) });
      }
      if (path === "/q-ingest/messages/batch") return (ingested.push(...body.messages), ok(null));
      if (path === "/q-dlq/messages/ack") {
        for (const { lease_id } of body.acks) dlq.splice(dlq.findIndex((m) => m.lease === lease_id), 1);
        return ok({ ackCount: body.acks.length });
      }
      res.writeHead(404).end(JSON.stringify({ success: false, errors: [{ message: `no route ${req.method} ${path}` }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});

afterAll(() => server.close());

function dlqCommand(args: string[]): Promise<{ status: number | null; stdout: string }> {
  const env = { ...process.env, CLOUDFLARE_API_TOKEN: "test-token", CLOUDFLARE_ACCOUNT_ID: "acc", CLOUDFLARE_API_BASE_URL: base };
  const child = spawn(process.execPath, [join(root, "dev/dlq.ts"), ...args], { cwd: root, env });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout })));
}

it("lists the dead letters without taking them, then replays them to the ingest queue", async () => {
  const listed = await dlqCommand(["--env", "production"]);
  expect(listed.status).toBe(0);
  expect(listed.stdout).toMatch(/8 attempts {2}PutObject {2}incoming\/a\.pdf/);
  expect(listed.stdout).toMatch(/^3 message\(s\) waiting in vessel-docs-ingest-production-dlq$/m);
  expect(dlq).toHaveLength(3);
  for (const m of dlq) delete m.lease; // the listing's leases run out

  const replayed = await dlqCommand(["--env", "production", "--replay"]);
  expect(replayed.status).toBe(0);
  expect(replayed.stdout).toMatch(/^3 message\(s\) replayed to vessel-docs-ingest-production$/m);
  expect(dlq).toEqual([]);
  expect(ingested).toEqual(["incoming/a.pdf", "incoming/b.pdf", "incoming/c.pdf"].map((key) => ({ body: notification(key), content_type: "json" })));
});
