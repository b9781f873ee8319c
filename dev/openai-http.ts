/** The parts of vLLM's OpenAI-compatible HTTP surface the local stand-ins share. */
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ChatRequest {
  response_format?: unknown;
  model?: unknown;
  messages?: Array<{ role?: string; content?: unknown }>;
  temperature?: unknown;
  max_tokens?: unknown;
  skip_special_tokens?: unknown;
  vllm_xargs?: unknown;
}

export type ContentPart = { type?: string; text?: string; image_url?: { url?: string } };

export function contentParts(body: ChatRequest): ContentPart[] {
  return (body.messages ?? []).flatMap((message) => (Array.isArray(message.content) ? (message.content as ContentPart[]) : []));
}

export function findImage(body: ChatRequest): { mediaType: string; bytes: Uint8Array } | null {
  const url = contentParts(body).find((part) => part.type === "image_url")?.image_url?.url ?? "";
  const match = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1], bytes: Buffer.from(match[2], "base64") } : null;
}


export function badRequest(res: ServerResponse, message: string): void {
  json(res, 400, { object: "error", message, type: "BadRequestError", param: null, code: 400 });
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request's JSON body, or null once it has been answered with vLLM's 400. */
export async function readChatRequest(req: IncomingMessage, res: ServerResponse): Promise<ChatRequest | null> {
  try {
    return JSON.parse((await readBody(req)).toString("utf8")) as ChatRequest;
  } catch {
    badRequest(res, "request body is not valid JSON");
    return null;
  }
}
