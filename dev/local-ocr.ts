/**
 * The embedded default OCR engine for `npm start`: real OCR without a GPU. tesseract.js with the
 * English model from `@tesseract.js-data/eng` (no download), behind the same OpenAI-compatible API
 * as vLLM, answering in DeepSeek-OCR's grounded format, tables as HTML included, as the GPU box
 * would: the scan is turned straight, its shading evened out and its ruling lines taken out
 * (./scan-geometry.ts, ./scan-rulings.ts), tesseract reads its words with boxes
 * (sparse-text mode, which reads table cells one by one), and the Worker's own layout module
 * (../src/layout) makes lines, tables and paragraphs of them. Requests queue, as they do on vLLM;
 * `/health` is 503 until the model is loaded.
 *
 *   node dev/local-ocr.ts [--port 8792] [--workers 1]
 */
import { createRequire } from "node:module";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import Tesseract from "tesseract.js";
import type { Rect, Word } from "../src/layout/geometry.ts";
import { groundedMarkdown } from "../src/layout/grounded.ts";
import { layoutPage } from "../src/layout/page.ts";
import { badRequest, findImage, json, readChatRequest } from "./openai-http.ts";
import { toOriginalOf } from "./scan-geometry.ts";
import type { Prepared, PrepareRequest } from "./scan-prepare.ts";

export interface LocalOcr {
  url: string;
  ready: Promise<void>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const langPath = join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");

/** Words tesseract is this unsure of are noise (specks, ruling lines read as letters). */
const MIN_WORD_CONFIDENCE = 15;
/** Mean confidence below which the page is read again the other way up. */
const DOUBTFUL_CONFIDENCE = 55;

export async function startLocalOcr(options: { port?: number; workers?: number } = {}): Promise<LocalOcr> {
  const workers = options.workers ?? 1;
  const scheduler = Tesseract.createScheduler();
  const preparer = new Preparer(workers);
  let loaded = false;
  const ready = (async () => {
    for (let i = 0; i < workers; i++) {
      const worker = await Tesseract.createWorker("eng", Tesseract.OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
      // Sparse text: every run of words on its own, as table cells are; the layout module reads the lines.
      await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT });
      scheduler.addWorker(worker);
    }
    loaded = true;
  })();
  const recognise = (image: Uint8Array) => scheduler.addJob("recognize", Buffer.from(image), {}, { blocks: true }).then((r) => r.data.blocks ?? []);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { object: "error", message: String(error), type: "InternalServerError", code: 500 });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://local").pathname;
    if (req.method === "GET" && path === "/health") return void res.writeHead(loaded ? 200 : 503).end();
    if (req.method !== "POST" || path !== "/v1/chat/completions") return json(res, 404, { object: "error", message: `Not Found: ${path}`, code: 404 });
    const body = await readChatRequest(req, res);
    if (!body) return;
    const image = findImage(body);
    if (!image) return badRequest(res, "expected one image_url content part with a base64 data URL");
    await ready;
    const text = await readPage(image, preparer, recognise);
    if (text === null) return badRequest(res, "cannot identify image file");
    json(res, 200, {
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 0, completion_tokens: Math.ceil(text.length / 4) },
    });
  }

  // Pages take seconds; a client that keeps its connection between them must not find it closed
  // under it (Node's default keep-alive of 5 s would drop it: "Network connection lost").
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ready,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ready.catch(() => undefined);
      await Promise.all([scheduler.terminate(), preparer.close()]);
    },
  };
}

/** Worker threads that make scans ready for tesseract (./scan-prepare.ts), first free first. */
class Preparer {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: Array<{ request: Omit<PrepareRequest, "id">; resolve: (prepared: Prepared) => void }> = [];
  private readonly pending = new Map<number, (prepared: Prepared) => void>();
  private next = 0;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(new URL("./scan-prepare.ts", import.meta.url));
      worker.on("message", (prepared: Prepared) => {
        this.pending.get(prepared.id)?.(prepared);
        this.pending.delete(prepared.id);
        this.idle.push(worker);
        this.pump();
      });
      return worker;
    });
    this.idle = [...this.workers];
  }

  prepare(request: Omit<PrepareRequest, "id">): Promise<Prepared> {
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop()!;
      const { request, resolve } = this.queue.shift()!;
      const id = this.next++;
      this.pending.set(id, resolve);
      worker.postMessage({ ...request, id });
    }
  }
}

type Recognise = (image: Uint8Array) => Promise<Tesseract.Block[]>;

/**
 * A page image as DeepSeek-OCR's grounded markdown: straightened, read, laid out; a page that
 * tesseract reads with low confidence (upside down, or sideways the other way) is read turned.
 * Null when the bytes are no image.
 */
export async function readPage(image: { mediaType: string; bytes: Uint8Array }, preparer: Preparer, recognise: Recognise): Promise<string | null> {
  let best: { words: Word[]; rulings: Rect[]; confidence: number; prepared: Extract<Prepared, { ok: true }> } | null = null;
  let turns: number | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const prepared = await preparer.prepare({ mediaType: image.mediaType, bytes: image.bytes, quarterTurns: turns });
    if (!prepared.ok) return null;
    const { words, confidence } = wordsOf(await recognise(prepared.pgm));
    if (!best || confidence > best.confidence) best = { words, rulings: prepared.rulings, confidence, prepared };
    if (confidence >= DOUBTFUL_CONFIDENCE) break;
    turns = (prepared.geometry.quarterTurns + 2) % 4;
  }
  if (!best || !best.words.length) return "";
  const toOriginal = toOriginalOf(best.prepared.geometry);
  const toImage = (rect: Rect): Rect => {
    const corners = [toOriginal(rect.x0, rect.y0), toOriginal(rect.x1, rect.y0), toOriginal(rect.x0, rect.y1), toOriginal(rect.x1, rect.y1)];
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
  };
  return groundedMarkdown(layoutPage({ words: best.words, rulings: best.rulings }), { imageWidth: best.prepared.width, imageHeight: best.prepared.height, toImage });
}

/**
 * Tesseract's words with their boxes, noise left out, and how sure it was of them on average.
 * A word's ink box moves with its letters ("Lion" reaches higher than "CHN", "Zhejiang" lower),
 * so each word gets its line's height instead: from its baseline up by the page's cap height,
 * unless its line's type is clearly bigger or smaller (a title). That is what the PDF text layer
 * gives the layout too.
 */
export function wordsOf(blocks: readonly Tesseract.Block[]): { words: Word[]; confidence: number } {
  const lines = blocks.flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
  const all = lines.flatMap((line) => line.words);
  const confidence = all.length ? all.reduce((sum, w) => sum + w.confidence, 0) / all.length : 0;
  const baselineAt = (line: Tesseract.Line, x: number) => {
    const { x0, y0, x1, y1 } = line.baseline;
    return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  };
  const capOf = (line: Tesseract.Line) => medianOf(line.words.map((w) => baselineAt(line, (w.bbox.x0 + w.bbox.x1) / 2) - w.bbox.y0));
  const pageCap = medianOf(lines.map(capOf).filter((h) => h > 0)) || 10;
  const words: Word[] = [];
  for (const line of lines) {
    const own = capOf(line);
    const cap = own > 1.4 * pageCap || own < 0.6 * pageCap ? own : pageCap;
    for (const w of line.words) {
      const text = w.text.trim();
      if (!text || w.confidence < MIN_WORD_CONFIDENCE || (!/[\p{L}\p{N}]/u.test(text) && w.confidence < 60)) continue;
      const baseline = baselineAt(line, (w.bbox.x0 + w.bbox.x1) / 2);
      words.push({ text, x0: w.bbox.x0, x1: w.bbox.x1, y0: baseline - cap, y1: baseline + 0.3 * cap });
    }
  }
  return { words, confidence };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8792" }, workers: { type: "string", default: "1" } } });
  const engine = await startLocalOcr({ port: Number(values.port), workers: Number(values.workers) });
  console.log(`local OCR (tesseract) on ${engine.url}, loading the model...`);
  await engine.ready;
  console.log("local OCR ready");
}
