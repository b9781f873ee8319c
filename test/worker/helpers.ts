import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import jpeg from "jpeg-js";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { expect, inject } from "vitest";
import app from "../../src/index";
import { withWarehouse, type WarehouseOptions } from "../../src/outputs/warehouse";
import { documentSnapshot, serverMessage, type DocumentSnapshot, type ServerMessage } from "../../src/domain/protocol";
import type { Action, Rule, Stats } from "../../dev/ocr-standin-protocol";
import type { Health } from "../../src/health";

export const worker = exports.default;

type Size = [number, number];

/**
 * A born-digital PDF: `pages` pages of `size` points, or one page per size given. Rendered at
 * 144 dpi a page is exactly 2 px per point, which lets a test script the OCR stand-in per page.
 */
export async function textPdf(pages: number, size: Size | Size[] = [300, 400], label = "Vessel list"): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const pageSize: Size = typeof size[0] === "number" ? (size as Size) : (size as Size[])[n - 1];
    const page = pdf.addPage(pageSize);
    page.drawText(`${label} page ${n}`, { x: 20, y: pageSize[1] - 40, size: 14, font });
    for (let line = 0; line < n; line++) {
      page.drawText(`IMO 90747${line} NAME OF VESSEL ${n}-${line}`, { x: 20, y: pageSize[1] - 80 - line * 20, size: 10, font });
    }
    page.drawRectangle({ x: 20, y: 20, width: 10 * n, height: 10, color: rgb(0, 0, 0) });
  }
  return pdf.save();
}

/** A scanned-style page: one baseline JPEG covering the whole page. */
export async function scannedPdf(width = 200, height = 260): Promise<{ pdf: Uint8Array; jpeg: Uint8Array }> {
  const pixels = new Uint8Array(width * height * 4).fill(255);
  for (let y = 40; y < 60; y++) for (let x = 20; x < width - 20; x++) pixels.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  const encoded = new Uint8Array(jpeg.encode({ data: pixels, width, height }, 80).data);
  const pdf = await PDFDocument.create();
  const image = await pdf.embedJpg(encoded);
  const page = pdf.addPage([width, height]);
  page.drawImage(image, { x: 0, y: 0, width, height });
  return { pdf: await pdf.save(), jpeg: encoded };
}

/** An uploaded document as its uploader knows it: the id and the capability token. */
export interface Doc {
  id: string;
  token: string;
}

/** The operator API key whose hash the test configuration lists in OPERATOR_KEY_HASHES. */
export const OPERATOR_KEY = "operator-test-key-5d1c0e5a";

/** A client address of its own for each upload, so the per-IP rate limit only bites where a test wants it. */
function someClientIp(): string {
  const [a, b] = crypto.getRandomValues(new Uint8Array(2));
  return `198.51.${a}.${b}`;
}

export async function upload(body: BodyInit, headers: Record<string, string> = { "content-type": "application/pdf" }, query = "") {
  return worker.fetch(
    new Request(`http://vessel.test/api/documents${query}`, { method: "POST", body, headers: { "cf-connecting-ip": someClientIp(), ...headers } }),
  );
}

export async function uploadPdf(bytes: Uint8Array, filename = "list.pdf"): Promise<Doc & { websocket: string }> {
  const response = await upload(bytes, { "content-type": "application/pdf" }, `?filename=${filename}`);
  expect(response.status).toBe(202);
  const body = await response.json<{ id: string; token: string; links: { websocket: string } }>();
  return { id: body.id, token: body.token, websocket: body.links.websocket };
}

/** GET (or another method) on a document's API path, with its token. */
export function fetchDoc(doc: Doc, path = "", init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${doc.token}`);
  return worker.fetch(`http://vessel.test/api/documents/${doc.id}${path}`, { ...init, headers });
}

/** The REST snapshot, parsed with the protocol's own schema: what the server sends is what clients are promised. */
export async function snapshot(doc: Doc): Promise<DocumentSnapshot> {
  const response = await fetchDoc(doc);
  expect(response.status).toBe(200);
  return documentSnapshot.parse(await response.json());
}

const finalStages = new Set(["done", "partial", "failed", "cancelled"]);

/**
 * The document's snapshot once `until` holds (by default: the document has finished). Woken by the
 * document's own WebSocket: the snapshot is read again after each message, never on a timer.
 */
export async function waitFor(
  doc: Doc,
  until: (s: DocumentSnapshot) => boolean = (s) => finalStages.has(s.stage),
  timeoutMs = 20_000,
): Promise<DocumentSnapshot> {
  const live = await subscribe(doc);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const seen = live.messages.length;
      const current = await snapshot(doc);
      if (until(current)) return current;
      if (Date.now() > deadline) throw new Error(`timed out waiting; last snapshot: ${JSON.stringify(current)}`);
      await live.after(seen, deadline);
    }
  } finally {
    live.socket.close();
  }
}

/** Scripts the OCR stand-in for pages rendered at exactly `width` x `height` pixels. */
export async function scriptOcr(width: number, height: number, script: Action[], then?: Action, latencyMs?: number): Promise<void> {
  const rule: Rule = { width, height, script, then, latencyMs };
  const response = await fetch(`${inject("ocrUrl")}/_sim/rules`, { method: "POST", body: JSON.stringify(rule) });
  expect(response.status).toBe(201);
}

export async function ocrStats(): Promise<Stats> {
  return (await fetch(`${inject("ocrUrl")}/_sim/stats`)).json();
}

export async function pageDetail(doc: Doc, n: number): Promise<any> {
  const response = await fetchDoc(doc, `/pages/${n}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** Opens the document's WebSocket and collects every message it receives. */
export async function subscribe(doc: Doc) {
  const response = await fetchDoc(doc, "/ws", { headers: { upgrade: "websocket" } });
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.addEventListener("message", (event) => {
    // Every message is parsed with the protocol's schema: a message that does not fit fails the test.
    messages.push(serverMessage.parse(JSON.parse(event.data as string)));
    waiters.splice(0).forEach((wake) => wake());
  });
  socket.addEventListener("close", () => waiters.splice(0).forEach((wake) => wake()));
  socket.accept();
  /** Resolves once more than `count` messages have arrived, or at `deadline`. */
  const after = (count: number, deadline: number): Promise<void> =>
    messages.length > count
      ? Promise.resolve()
      : new Promise<void>((wake) => {
          const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
          waiters.push(() => {
            clearTimeout(timer);
            wake();
          });
        });
  return {
    socket,
    messages,
    /** The messages of one type received so far, in order. */
    of<T extends ServerMessage["type"]>(type: T): Array<Extract<ServerMessage, { type: T }>> {
      return messages.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type);
    },
    after,
    /** Resolves once a received message of `type` satisfies `match`. */
    async next<T extends ServerMessage["type"]>(
      type: T,
      match: (message: Extract<ServerMessage, { type: T }>) => boolean = () => true,
      timeoutMs = 20_000,
    ): Promise<Extract<ServerMessage, { type: T }>> {
      type M = Extract<ServerMessage, { type: T }>;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = messages.length;
        const found = messages.find((message): message is M => message.type === type && match(message as M));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages.slice(-5))}`);
        await after(seen, deadline);
      }
    },
  };
}

/** The test warehouse, as the Worker is configured to reach it. */
export const warehouse: WarehouseOptions = {
  url: env.WAREHOUSE_URL,
  token: inject("warehouseToken"),
  timeoutMs: 5000,
  batchBytes: 4 * 1024 * 1024,
  batchRows: 10_000,
};

/** Rows of a warehouse query, through the same driver and endpoint the Worker writes with. */
export async function warehouseQuery<T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const waits: Promise<unknown>[] = [];
  const rows = await withWarehouse(warehouse, (p) => waits.push(p), async (client) => (await client.query(sql, params)).rows as T[]);
  await Promise.all(waits);
  return rows;
}

/** The Worker with some settings or bindings changed, as a deployment configured that way would run. */
export function workerWith(vars: Partial<Record<string, unknown>>) {
  const configured = { ...env, ...vars } as Env;
  return (request: Request) => app.fetch(request, configured, { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
}

export const asOperator = { headers: { authorization: `Bearer ${OPERATOR_KEY}` } };

/** /api/health of a fresh deployment each time (the answer is cached per deployment for a few seconds). */
export async function healthOf(changes: Partial<Record<string, unknown>> = {}, init: RequestInit = asOperator) {
  const response = await workerWith({ ...changes })(new Request("http://vessel.test/api/health", init));
  return { status: response.status, body: await response.json<Health>() };
}
