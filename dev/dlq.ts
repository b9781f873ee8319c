/**
 * `npm run dlq -- --env production [--replay] [--limit N]`: the bulk-ingest notifications that
 * failed 8 times and wait in the dead-letter queue. Without --replay it lists them (leased for a
 * minute, then visible again: nothing is lost by looking); with --replay each goes back to the
 * ingest queue and is then acknowledged in the dead-letter queue (a replayed notification is
 * idempotent: a document already received ignores it).
 *
 * Needs CLOUDFLARE_API_TOKEN (Queues: edit) and CLOUDFLARE_ACCOUNT_ID, and an HTTP pull consumer
 * on the dead-letter queue, once: `wrangler queues consumer http add vessel-docs-ingest-production-dlq`.
 * CLOUDFLARE_API_BASE_URL points it elsewhere (tests).
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { env: { type: "string" }, replay: { type: "boolean", default: false }, limit: { type: "string", default: "100" } } });
const token = process.env.CLOUDFLARE_API_TOKEN;
const account = process.env.CLOUDFLARE_ACCOUNT_ID;
if (!token || !account) {
  console.error("npm run dlq needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID");
  process.exit(2);
}
const base = `${process.env.CLOUDFLARE_API_BASE_URL ?? "https://api.cloudflare.com/client/v4"}/accounts/${account}/queues`;
const suffix = values.env ? `-${values.env}` : "";
const ingest = `vessel-docs-ingest${suffix}`;
const deadLetters = `${ingest}-dlq`;

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => null)) as { success?: boolean; result?: T; errors?: Array<{ message: string }> } | null;
  if (!response.ok || !answer?.success) throw new Error(`Cloudflare API ${path}: ${response.status} ${answer?.errors?.map((e) => e.message).join("; ") ?? ""}`);
  return answer.result as T;
}

const queues = await api<Array<{ queue_id: string; queue_name: string }>>("");
const idOf = (name: string) => queues.find((q) => q.queue_name === name)?.queue_id ?? (console.error(`no queue named ${name}`), process.exit(1));
const dlqId = idOf(deadLetters);
const ingestId = idOf(ingest);

type Pulled = { messages: Array<{ id: string; body: string; lease_id: string; attempts: number; timestamp_ms: number }> };
let handled = 0;
for (let limit = Number(values.limit); handled < limit; ) {
  const { messages } = await api<Pulled>(`/${dlqId}/messages/pull`, { batch_size: Math.min(100, limit - handled), visibility_timeout_ms: 60_000 });
  if (messages.length === 0) break;
  for (const message of messages) {
    const body = JSON.parse(message.body) as { object?: { key?: string }; action?: string };
    console.log(`${new Date(message.timestamp_ms).toISOString()}  ${message.attempts} attempts  ${body.action ?? "?"}  ${body.object?.key ?? message.body}`);
  }
  handled += messages.length;
  if (!values.replay) break; // listing: the leases run out and the messages stay where they are
  await api(`/${ingestId}/messages/batch`, { messages: messages.map((m) => ({ body: JSON.parse(m.body), content_type: "json" })) });
  await api(`/${dlqId}/messages/ack`, { acks: messages.map((m) => ({ lease_id: m.lease_id })) });
}
console.log(`${handled} message(s) ${values.replay ? `replayed to ${ingest}` : `waiting in ${deadLetters}`}`);
