import { describe, expect, it } from "vitest";
import { env, runInDurableObject } from "cloudflare:test";
import { uploadKeyName } from "../../src/idempotency";
import { fetchDoc, textPdf, upload, worker } from "./helpers";

const LIMIT = 3 * 1024 * 1024; // MAX_UPLOAD_BYTES in vitest.config.ts

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
  const body = await response.json<{ error: { status: number; message: string } }>();
  expect(body.error.status).toBe(response.status);
  return body.error;
}

/** A body of `bytes` bytes that arrives in 64 KiB chunks with no Content-Length. */
function streamOf(bytes: number, head = "%PDF-1.7\n"): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(65536, bytes - sent)).fill(0x20);
      if (sent === 0) chunk.set(new TextEncoder().encode(head));
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe("POST /api/documents", () => {
  it("accepts a raw PDF body with 202, the id, and the status and WebSocket URLs", async () => {
    const pdf = await textPdf(1);
    const response = await upload(pdf, { "content-type": "application/pdf" }, "?filename=IUU%20list.pdf");
    expect(response.status).toBe(202);
    const body = await response.json<any>();
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body).toMatchObject({ stage: "received", filename: "IUU list.pdf", bytes: pdf.byteLength });
    expect(body.links.status).toBe(`http://vessel.test/api/documents/${body.id}`);
    expect(body.links.websocket).toBe(`ws://vessel.test/api/documents/${body.id}/ws`);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", pdf));
    expect(body.sha256).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
    const stored = await env.DOCUMENTS_BUCKET.get(`uploads/${body.id}.pdf`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(pdf);
    expect(stored!.customMetadata?.filename).toBe("IUU list.pdf");
  });

  it("accepts the multipart field `file`", async () => {
    const form = new FormData();
    form.append("note", "ignored");
    form.append("file", new File([await textPdf(1)], "../../etc/registry\u0007.pdf", { type: "application/pdf" }));
    const response = await worker.fetch(new Request("http://vessel.test/api/documents", { method: "POST", body: form }));
    expect(response.status).toBe(202);
    const body = await response.json<any>();
    expect(body.filename).toBe("registry.pdf");
  });

  it("streams a large upload to R2 in parts and records its size and hash", async () => {
    const size = LIMIT - 1000;
    const response = await upload(streamOf(size), { "content-type": "application/pdf" });
    expect(response.status).toBe(202);
    const body = await response.json<any>();
    expect(body.bytes).toBe(size);
    expect((await env.DOCUMENTS_BUCKET.head(`uploads/${body.id}.pdf`))?.size).toBe(size);
  });

  it("answers 415 for a body that is not a PDF", async () => {
    const response = await upload(new TextEncoder().encode("<html>not a pdf</html>"));
    expect(response.status).toBe(415);
    expect((await errorOf(response)).message).toMatch(/not a PDF/);
  });

  it("answers 415 for another content type", async () => {
    const response = await upload("hello", { "content-type": "text/plain" });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).message).toMatch(/application\/pdf/);
  });

  it("answers 400 for an empty body", async () => {
    const response = await upload(new Uint8Array(0));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/empty/);
  });

  it("answers 400 for a multipart body without a file field", async () => {
    const form = new FormData();
    form.append("document", new File([await textPdf(1)], "x.pdf"));
    const response = await worker.fetch(new Request("http://vessel.test/api/documents", { method: "POST", body: form }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/"file"/);
  });

  it("answers 413 from the declared length, before reading the body", async () => {
    let pulled = 0;
    const body = new ReadableStream({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request("http://vessel.test/api/documents", {
      method: "POST",
      body,
      headers: { "content-type": "application/pdf", "content-length": String(LIMIT + 1) },
      duplex: "half",
    } as RequestInit);
    const response = await worker.fetch(request);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).message).toMatch(/larger than the limit/);
    expect(pulled).toBeLessThanOrEqual(2);
  });

  it("answers 413 when an undeclared stream passes the limit, and keeps nothing", async () => {
    const before = await env.DOCUMENTS_BUCKET.list({ prefix: "uploads/" });
    const response = await upload(streamOf(LIMIT + 70_000), { "content-type": "application/pdf" });
    expect(response.status).toBe(413);
    const after = await env.DOCUMENTS_BUCKET.list({ prefix: "uploads/" });
    expect(after.objects.length).toBe(before.objects.length);
  });

  it("returns the same document for a retried Idempotency-Key, never a second one", async () => {
    const pdf = await textPdf(1);
    const headers = { "content-type": "application/pdf", "idempotency-key": `retry-${crypto.randomUUID()}`, "cf-connecting-ip": "192.0.2.10" };
    const first = await upload(pdf, headers);
    const second = await upload(pdf, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = [await first.json<any>(), await second.json<any>()];
    expect(b.id).toBe(a.id);
    expect(b.token).toBe(a.token);
    const other = await upload(pdf, { ...headers, "idempotency-key": `other-${crypto.randomUUID()}` });
    expect((await other.json<any>()).id).not.toBe(a.id);
  });

  it("refuses a reused Idempotency-Key with another file or other options (422), and keeps no token in the clear", async () => {
    const key = `shared-${crypto.randomUUID()}`;
    const pdf = await textPdf(1);
    const first = await upload(pdf, { "content-type": "application/pdf", "idempotency-key": key, "cf-connecting-ip": "192.0.2.12" });
    expect(first.status).toBe(202);
    const { id, token } = await first.json<any>();
    // Another anonymous client that learnt the key, with its own file: not the first uploader's document.
    const stranger = await upload(await textPdf(2), { "content-type": "application/pdf", "idempotency-key": key, "cf-connecting-ip": "198.51.100.7" });
    expect(stranger.status).toBe(422);
    const refusal = await stranger.text();
    expect(JSON.parse(refusal).error.message).toMatch(/Idempotency-Key was used for a different upload/);
    expect(refusal).not.toContain(token);
    expect(refusal).not.toContain(id);
    const otherOptions = await upload(pdf, { "content-type": "application/pdf", "idempotency-key": key }, "?pages=1");
    expect(otherOptions.status).toBe(422);
    // What the key's object keeps: the document id and the token sealed, never the token itself.
    const stub = env.UploadKey.getByName(await uploadKeyName("public", key));
    const stored = await runInDurableObject(stub, (_object, state) => state.storage.get<Record<string, unknown>>("claim"));
    expect(stored?.documentId).toBe(id);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored?.sealedToken).toEqual(expect.any(String));
  });

  it("frees the Idempotency-Key when the upload was rejected", async () => {
    const headers = { "content-type": "application/pdf", "idempotency-key": `bad-${crypto.randomUUID()}`, "cf-connecting-ip": "192.0.2.11" };
    expect((await upload(new TextEncoder().encode("nope"), headers)).status).toBe(415);
    expect((await upload(await textPdf(1), headers)).status).toBe(202);
  });

  it("answers 400 for an unusable Idempotency-Key", async () => {
    const response = await upload(await textPdf(1), { "content-type": "application/pdf", "idempotency-key": "has spaces" });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/Idempotency-Key/);
  });
});

describe("reading documents", () => {
  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    const malformed = await worker.fetch("http://vessel.test/api/documents/not-an-id");
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).message).toMatch(/32 lowercase hex/);
    const nobody = { id: "0".repeat(32), token: "made-up-token" };
    expect((await fetchDoc(nobody)).status).toBe(404);
    expect((await fetchDoc(nobody, "/pages/1")).status).toBe(404);
    expect((await fetchDoc(nobody, "/pages/0")).status).toBe(400);
    expect((await fetchDoc(nobody, "/ws", { headers: { upgrade: "websocket" } })).status).toBe(404);
  });

  it("answers unknown endpoints with a JSON 404", async () => {
    const response = await worker.fetch("http://vessel.test/api/nothing-here");
    expect(response.status).toBe(404);
    expect((await errorOf(response)).message).toMatch(/no such endpoint/);
  });
});
