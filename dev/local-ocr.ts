/**
 * The embedded default OCR engine for `npm start`: real OCR without a GPU. tesseract.js with the
 * English model from `@tesseract.js-data/eng` (no download), behind the same OpenAI-compatible API
 * as vLLM, answering in DeepSeek-OCR's grounded format, tables as HTML included, as the GPU box
 * would: the scan is turned straight, its shading evened out and its ruling lines taken out
 * (./scan-geometry.ts, ./scan-rulings.ts), tesseract reads its words with boxes
 * (sparse-text mode, which reads table cells one by one; ink it left unread is read again line by
 * line, ./scan-gaps.ts; a word it was unsure of is read again alone, the surer reading kept), and
 * the Worker's own layout module
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
import { capHeightOf, cropPgm, linesOf, missedText, withReread } from "./scan-gaps.ts";
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
  // Sparse text: every run of words on its own, as table cells are; the layout module reads the
  // lines. Places read again are read as one line each.
  const pages = Tesseract.createScheduler();
  const lines = Tesseract.createScheduler();
  const preparer = new Preparer(workers);
  let loaded = false;
  const ready = (async () => {
    for (const [scheduler, mode] of [
      [pages, Tesseract.PSM.SPARSE_TEXT],
      [lines, Tesseract.PSM.SINGLE_LINE],
    ] as const) {
      for (let i = 0; i < workers; i++) {
        const worker = await Tesseract.createWorker("eng", Tesseract.OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
        await worker.setParameters({ tessedit_pageseg_mode: mode });
        scheduler.addWorker(worker);
      }
    }
    loaded = true;
  })();
  const using = (scheduler: Tesseract.Scheduler) => (image: Uint8Array) => scheduler.addJob("recognize", Buffer.from(image), {}, { blocks: true }).then((r) => r.data.blocks ?? []);
  const recognise = { page: using(pages), line: using(lines) };

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
      await Promise.all([pages.terminate(), lines.terminate(), preparer.close()]);
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

type Recognise = Record<"page" | "line", (image: Uint8Array) => Promise<Tesseract.Block[]>>;

/**
 * A page image as DeepSeek-OCR's grounded markdown: straightened, read, laid out. A page that
 * tesseract reads with low confidence is read the other ways up, the opposite way first (upside
 * down, or sideways the other way), then across: a dense table's aligned columns can make an
 * upright page look sideways. Null when the bytes are no image.
 */
export async function readPage(image: { mediaType: string; bytes: Uint8Array }, preparer: Preparer, recognise: Recognise): Promise<string | null> {
  let best: { page: Tesseract.Block[]; confidence: number; prepared: Extract<Prepared, { ok: true }> } | null = null;
  let others: number[] = [];
  for (let turns: number | null = null; ; turns = others.shift()!) {
    const prepared = await preparer.prepare({ mediaType: image.mediaType, bytes: image.bytes, quarterTurns: turns });
    if (!prepared.ok) return null;
    const page = await recognise.page(prepared.pgm);
    const { confidence } = wordsOf(page);
    if (!best || confidence > best.confidence) best = { page, confidence, prepared };
    if (turns === null) others = [2, 1, 3].map((t) => (prepared.geometry.quarterTurns + t) % 4);
    if (confidence >= DOUBTFUL_CONFIDENCE || !others.length) break;
  }
  const { prepared } = best;
  const { words } = wordsOf(await withSecondReading(prepared, await withMissedText(prepared, best.page, recognise), recognise));
  if (!words.length) return "";
  const toOriginal = toOriginalOf(prepared.geometry);
  const toImage = (rect: Rect): Rect => {
    const corners = [toOriginal(rect.x0, rect.y0), toOriginal(rect.x1, rect.y0), toOriginal(rect.x0, rect.y1), toOriginal(rect.x1, rect.y1)];
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
  };
  return groundedMarkdown(layoutPage({ words, rulings: prepared.rulings }), { imageWidth: prepared.width, imageHeight: prepared.height, toImage });
}

/** The page pass's words, and those of the places with ink it left unread, read again. */
async function withMissedText(prepared: Extract<Prepared, { ok: true }>, page: Tesseract.Block[], recognise: Recognise): Promise<Tesseract.Block[]> {
  const read = linesOf(page).flatMap((l) => l.words.map((w) => w.bbox));
  const image = readyImage(prepared);
  const places = missedText(prepared.ink, read, capHeightOf(page));
  const reread = await Promise.all(places.map(async (at) => ({ at, blocks: await recognise.line(cropPgm(image, at)) })));
  return withReread(page, reread);
}

/** The prepared page as the gray image tesseract read (the PGM's pixels, without its header). */
function readyImage(prepared: Extract<Prepared, { ok: true }>) {
  return { ...prepared.ready, pixels: prepared.pgm.subarray(prepared.pgm.length - prepared.ready.width * prepared.ready.height) };
}

/** Below this confidence a word is read again on its own. */
const DOUBTFUL_WORD = 80;
/** How much surer the second reading must be to replace the first. */
const SURER_BY = 10;

/**
 * Words tesseract was unsure of, read again alone, as one line, from their own place on the page:
 * in sparse-text mode a glyph of a dense cell is read among its neighbours ("6KCDS" for 6KCD5,
 * "7INP" for 7JNP); alone it is often read right, and more surely. The surer reading is kept.
 */
async function withSecondReading(prepared: Extract<Prepared, { ok: true }>, page: Tesseract.Block[], recognise: Recognise): Promise<Tesseract.Block[]> {
  const image = readyImage(prepared);
  const cap = capHeightOf(page);
  const doubtful = linesOf(page).flatMap((l) => l.words).filter((w) => w.confidence < DOUBTFUL_WORD && w.confidence >= MIN_WORD_CONFIDENCE && /[\p{L}\p{N}].*[\p{L}\p{N}]/u.test(w.text));
  const better = new Map<Tesseract.Word, string>();
  await Promise.all(
    doubtful.map(async (word) => {
      const { x0, y0, x1, y1 } = word.bbox;
      const at = { x0: x0 - 0.5 * cap, y0: y0 - 0.4 * cap, x1: x1 + 0.5 * cap, y1: y1 + 0.4 * cap };
      const again = linesOf(await recognise.line(cropPgm(image, at))).flatMap((l) => l.words);
      if (again.length !== 1) return;
      const [read] = again;
      if (read.confidence >= word.confidence + SURER_BY && likeTheFirst(word.text.trim(), read.text.trim())) better.set(word, read.text.trim());
    }),
  );
  if (!better.size) return page;
  return page.map((b) => ({ ...b, paragraphs: b.paragraphs.map((p) => ({ ...p, lines: p.lines.map((l) => ({ ...l, words: l.words.map((w) => (better.has(w) ? { ...w, text: better.get(w)! } : w)) })) })) }));
}

/**
 * Whether a second reading is one of the same word: as many letters and digits, give or take one;
 * no small letter in a word of capitals ("ZAI" is not "ZAl"), no mark the first had not ("SHOE!").
 */
export function likeTheFirst(first: string, second: string): boolean {
  const glyphs = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, "").length;
  if (second === first || Math.abs(glyphs(second) - glyphs(first)) > 1 || glyphs(second) < 2) return false;
  if (!/\p{Ll}/u.test(first) && /\p{Ll}/u.test(second)) return false;
  return ![..."!?|"].some((mark) => second.includes(mark) && !first.includes(mark));
}

/**
 * Tesseract's words with their boxes, noise left out, and how sure it was of them on average.
 * A word's ink box moves with its letters ("Lion" reaches higher than "CHN", "Zhejiang" lower),
 * so each word gets its line's height instead: from its baseline up by the page's cap height,
 * unless its line's type is clearly bigger or smaller (a title). That is what the PDF text layer
 * gives the layout too. A mark read twice is read once.
 */
export function wordsOf(blocks: readonly Tesseract.Block[]): { words: Word[]; confidence: number } {
  const lines = linesOf(blocks);
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
      const text = barsAsLetters(w.text.trim());
      if (!text || w.confidence < MIN_WORD_CONFIDENCE || (!/[\p{L}\p{N}]/u.test(text) && w.confidence < 60)) continue;
      const baseline = baselineAt(line, (w.bbox.x0 + w.bbox.x1) / 2);
      words.push({ text, x0: w.bbox.x0, x1: w.bbox.x1, y0: baseline - cap, y1: baseline + 0.3 * cap });
    }
  }
  return { words: words.filter((w) => !readTwice(w, words, pageCap)), confidence };
}

/** A comma or full stop tesseract read twice: once ending a word ("Korea,"), once alone just after it. */
function readTwice(mark: Word, words: readonly Word[], cap: number): boolean {
  if (!/^[,.;:]$/.test(mark.text)) return false;
  return words.some((w) => w !== mark && w.text.length > 1 && w.text.endsWith(mark.text) && Math.abs(mark.x0 - w.x1) < 0.3 * cap && mark.y0 < w.y1 && mark.y1 > w.y0);
}

/**
 * Tesseract reads a capital I alone as a bar ("CAROLINE |", "G B | CHATHURANGI") and a J in a word
 * of capitals as a bracket ("GM]" for GMJ, "SURAN]JI" with the J read twice). A ruled table's bars
 * are taken out of the image before it reads, so a bar it reads is a letter.
 */
export function barsAsLetters(text: string): string {
  if (text === "|") return "I";
  if (!/[|\]]/.test(text) || !/[A-Z]/.test(text) || /[a-z]/.test(text)) return text;
  return text.replace(/\]J|J\]/g, "J").replace(/\]/g, "J").replace(/\|/g, "I");
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
