/**
 * A stand-in for the GPU box, for tests and local runs: vLLM's OpenAI-compatible
 * `POST /v1/chat/completions` answering in DeepSeek-OCR's grounded format, with blocks derived from
 * the image it received (ink bands become boxes on the 0..999 grid). It validates requests the way
 * vLLM does (400 on a missing or undecodable image), answers `GET /health`, and can be scripted
 * per page size to fail, hang or drop connections. `GET /_sim/stats` reports what it saw. With
 * `boxes`, several GPU boxes on their own ports share the scripts and counters; each goes down
 * on its own (`POST /_sim/outage` on its port).
 *
 *   node dev/ocr-standin.ts [--port 8790] [--latency-ms 0]
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { decodeImage, inkBands, type GrayImage } from "./image.ts";
import type { Action, LlmScript, RequestSummary, Rule, Stats } from "./ocr-standin-protocol.ts";
import { badRequest, contentParts, findImage, json, readBody, readChatRequest, type ChatRequest } from "./openai-http.ts";

export interface OcrStandin {
  url: string;
  /** Every box's URL (the first is `url`): several boxes share one script and one set of counters. */
  urls: string[];
  server: Server;
  close(): Promise<void>;
}


export async function startOcrStandin(options: { port?: number; host?: string; latencyMs?: number; boxes?: number } = {}): Promise<OcrStandin> {
  const rules = new Map<string, Rule & { served: number }>();
  const stats: Stats = { requests: 0, llmRequests: 0, completions: 0, concurrent: 0, maxConcurrent: 0, images: {}, sizes: {}, last: null };
  /**
   * What the entity language model answers (text requests with a response_format): the content of
   * the latest script whose `match` the request's text contains, else no entities. Keyed by text,
   * so tests running side by side each script their own pages.
   */
  const llmScripts = new Map<string, string>();
  const hanging = new Set<ServerResponse>();

  /** One box: its own port and its own outages (until `down.until` /health says 503 and completions are cut off). */
  const box = () => {
    const down = { until: 0 };
    return createServer((req, res) => {
      handle(req, res, down).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { object: "error", message: String(error), type: "InternalServerError", code: 500 });
        else res.destroy();
      });
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, down: { until: number }): Promise<void> {
    const path = new URL(req.url ?? "/", "http://standin").pathname;
    if (req.method === "GET" && path === "/health") return void res.writeHead(Date.now() < down.until ? 503 : 200).end();
    if (req.method === "GET" && path === "/v1/models") {
      return json(res, 200, { object: "list", data: [{ id: "deepseek-ai/DeepSeek-OCR", object: "model" }] });
    }
    if (req.method === "GET" && path === "/_sim/stats") return json(res, 200, stats);
    if (req.method === "POST" && path === "/_sim/rules") {
      const rule = JSON.parse((await readBody(req)).toString("utf8")) as Rule;
      rules.set(`${rule.width}x${rule.height}`, { ...rule, served: 0 });
      return json(res, 201, { ok: true });
    }
    if (req.method === "POST" && path === "/_sim/llm") {
      const script = JSON.parse((await readBody(req)).toString("utf8")) as LlmScript;
      llmScripts.delete(script.match);
      llmScripts.set(script.match, script.content);
      return json(res, 201, { ok: true });
    }
    if (req.method === "POST" && path === "/_sim/outage") {
      const { ms } = JSON.parse((await readBody(req)).toString("utf8")) as { ms: number };
      down.until = Date.now() + ms;
      return json(res, 201, { downUntil: down.until });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      if (Date.now() < down.until) return void req.socket.destroy();
      stats.concurrent++;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.concurrent);
      res.on("close", () => stats.concurrent--);
      return completions(req, res);
    }
    return json(res, 404, { object: "error", message: `Not Found: ${path}`, type: "NotFoundError", code: 404 });
  }

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const body = await readChatRequest(req, res);
    if (!body) return;
    const image = findImage(body);
    if (!image && body.response_format) {
      // The entity pass's language model (Ollama on the Spark in production): answers as scripted.
      stats.llmRequests++;
      const text = JSON.stringify(body.messages ?? []);
      const scripted = [...llmScripts].reverse().find(([match]) => text.includes(match));
      const llmContent = scripted?.[1] ?? '{"entities":[]}';
      return json(res, 200, {
        object: "chat.completion",
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: llmContent }, finish_reason: "stop" }],
      });
    }
    const summary: RequestSummary = {
      model: body.model,
      prompt: findPrompt(body),
      mediaType: image?.mediaType ?? null,
      temperature: body.temperature,
      maxTokens: body.max_tokens,
      skipSpecialTokens: body.skip_special_tokens,
      vllmXargs: body.vllm_xargs,
      width: null,
      height: null,
      imageSha256: null,
    };
    stats.last = summary;
    if (!image) return badRequest(res, "expected one image_url content part with a base64 data URL");
    let decoded: GrayImage;
    try {
      decoded = decodeImage(image.mediaType, image.bytes);
    } catch (error) {
      // vLLM's answer to a PDF or a corrupt image: the bytes do not decode as an image.
      return badRequest(res, `cannot identify image file: ${error instanceof Error ? error.message : error}`);
    }
    const sha = createHash("sha256").update(image.bytes).digest("hex");
    Object.assign(summary, { width: decoded.width, height: decoded.height, imageSha256: sha });
    stats.images[sha] = { requests: (stats.images[sha]?.requests ?? 0) + 1, last: summary };

    const size = (stats.sizes[`${decoded.width}x${decoded.height}`] ??= { concurrent: 0, maxConcurrent: 0 });
    size.concurrent++;
    size.maxConcurrent = Math.max(size.maxConcurrent, size.concurrent);
    res.on("close", () => size.concurrent--);
    const rule = rules.get(`${decoded.width}x${decoded.height}`);
    const action: Action = rule ? (rule.script[rule.served++] ?? rule.then ?? { ok: true }) : { ok: true };
    await sleep(rule?.latencyMs ?? options.latencyMs ?? 0);
    if ("hang" in action) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if ("drop" in action) return void req.socket.destroy();
    if ("status" in action) {
      return json(res, action.status, { object: "error", message: `simulated failure ${action.status}`, type: "InternalServerError", code: action.status });
    }
    const text = "content" in action ? action.content : groundedMarkdown(decoded, image.mediaType, sha);
    const finishReason = "content" in action ? (action.finishReason ?? "stop") : "stop";
    stats.completions++;
    json(res, 200, {
      id: `chatcmpl-${sha.slice(0, 12)}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: finishReason }],
      usage: { prompt_tokens: 913, completion_tokens: Math.ceil(text.length / 4), total_tokens: 913 + Math.ceil(text.length / 4) },
    });
  }

  const servers = Array.from({ length: options.boxes ?? 1 }, box);
  const urls: string[] = [];
  for (const [i, server] of servers.entries()) {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(i === 0 ? (options.port ?? 0) : 0, options.host ?? "127.0.0.1", () => resolve());
    });
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  return {
    url: urls[0],
    urls,
    server: servers[0],
    async close() {
      for (const res of hanging) res.destroy();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/**
 * The page as DeepSeek-OCR would describe its layout: a title block, a text block per ink band, and
 * an HTML table listing the bands. Same image, same answer.
 */
export function groundedMarkdown(image: GrayImage, mediaType: string, sha256: string): string {
  const bands = inkBands(image);
  const grid = (x: number, size: number) => Math.min(999, Math.round((x / Math.max(1, size - 1)) * 999));
  const box = (b: { left: number; top: number; right: number; bottom: number }) =>
    `[[${grid(b.left, image.width)}, ${grid(b.top, image.height)}, ${grid(b.right, image.width)}, ${grid(b.bottom, image.height)}]]`;
  const block = (label: string, det: string, content: string) => `<|ref|>${label}<|/ref|><|det|>${det}<|/det|>\n${content}`;
  const whole = { left: 0, top: 0, right: image.width - 1, bottom: image.height - 1 };
  const blocks = [block("title", box(bands[0] ?? whole), `# Page image ${image.width}x${image.height} ${mediaType} sha256:${sha256.slice(0, 16)}`)];
  bands.forEach((band, i) => {
    const share = ((band.ink / ((band.right - band.left + 1) * (band.bottom - band.top + 1))) * 100).toFixed(1);
    blocks.push(block("text", box(band), `Line ${i + 1} of ${bands.length}: ${band.bottom - band.top + 1} px tall, ${share}% ink.`));
  });
  const rows = bands.map((b, i) => `<tr><td>${i + 1}</td><td>${b.top}</td><td>${b.bottom}</td><td>${b.ink}</td></tr>`).join("");
  blocks.push(block("table", box(whole), `<table><tr><td>line</td><td>top</td><td>bottom</td><td>ink px</td></tr>${rows}</table>`));
  return blocks.join("\n\n");
}

function findPrompt(body: ChatRequest): string | null {
  return contentParts(body).find((part) => part.type === "text")?.text ?? null;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8790" }, "latency-ms": { type: "string", default: "0" } } });
  const standin = await startOcrStandin({ port: Number(values.port), latencyMs: Number(values["latency-ms"]) });
  console.log(`OCR stand-in listening on ${standin.url}`);
}
