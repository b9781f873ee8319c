/**
 * The embedded default OCR engine for `npm start`: real OCR without a GPU. tesseract.js with the
 * English model from `@tesseract.js-data/eng` (no download), behind the same OpenAI-compatible API
 * as vLLM, answering in DeepSeek-OCR's grounded format: one `text` block per paragraph, with its box
 * on the 0..999 grid. It does not find tables (tesseract has no table model); their text comes out
 * as paragraphs. Requests queue, as they do on vLLM; `/health` is 503 until the model is loaded.
 *
 *   node dev/local-ocr.ts [--port 8792] [--workers 1]
 */
import { createRequire } from "node:module";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Tesseract from "tesseract.js";
import { decodeImage } from "./image.ts";
import { badRequest, findImage, json, readChatRequest } from "./openai-http.ts";

export interface LocalOcr {
  url: string;
  ready: Promise<void>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const langPath = join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");

export async function startLocalOcr(options: { port?: number; workers?: number } = {}): Promise<LocalOcr> {
  const scheduler = Tesseract.createScheduler();
  let loaded = false;
  const ready = (async () => {
    for (let i = 0; i < (options.workers ?? 1); i++) {
      const worker = await Tesseract.createWorker("eng", Tesseract.OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
      scheduler.addWorker(worker);
    }
    loaded = true;
  })();

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
    let size: { width: number; height: number };
    try {
      size = decodeImage(image.mediaType, image.bytes);
    } catch (error) {
      return badRequest(res, `cannot identify image file: ${error instanceof Error ? error.message : error}`);
    }
    await ready;
    const { data } = await scheduler.addJob("recognize", Buffer.from(image.bytes), {}, { blocks: true, text: true });
    const text = groundedFromTesseract(data.blocks ?? [], size);
    json(res, 200, {
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 0, completion_tokens: Math.ceil(text.length / 4) },
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ready,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ready.catch(() => undefined);
      await scheduler.terminate();
    },
  };
}

/** Tesseract's paragraphs as DeepSeek-OCR blocks. */
export function groundedFromTesseract(blocks: Tesseract.Block[], size: { width: number; height: number }): string {
  const grid = (v: number, extent: number) => Math.min(999, Math.max(0, Math.round((v / extent) * 999)));
  const out: string[] = [];
  for (const block of blocks) {
    for (const paragraph of block.paragraphs) {
      const text = paragraph.lines.map((line) => line.text.trim()).filter(Boolean).join("\n");
      if (!text) continue;
      const { x0, y0, x1, y1 } = paragraph.bbox;
      const box = `[[${grid(x0, size.width)}, ${grid(y0, size.height)}, ${grid(x1, size.width)}, ${grid(y1, size.height)}]]`;
      out.push(`<|ref|>text<|/ref|><|det|>${box}<|/det|>\n${text}`);
    }
  }
  return out.join("\n\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8792" }, workers: { type: "string", default: "1" } } });
  const engine = await startLocalOcr({ port: Number(values.port), workers: Number(values.workers) });
  console.log(`local OCR (tesseract) on ${engine.url}, loading the model...`);
  await engine.ready;
  console.log("local OCR ready");
}
