/**
 * DeepSeek-OCR behind vLLM's OpenAI-compatible API: one page image in, grounded markdown out.
 * The request follows the model's vLLM recipe (../shared/notes/deepseek-ocr.md): grounding prompt,
 * temperature 0, bounded max_tokens, special tokens kept (they carry the boxes), n-gram blocker.
 */
import { z } from "zod";
import { base64 } from "../lib/bytes";
import { ServiceError, errorMessage, isRetryableStatus } from "../lib/errors";
import { ocrEndpoints, type Settings } from "../config";
import { parseGrounded, type ParsedPage } from "./grounding";
import { findLoop } from "./loops";

export interface OcrClientOptions {
  baseUrl: string;
  model: string;
  prompt: string;
  maxTokens: number;
  timeoutMs: number;
  headers: Record<string, string>;
}

export interface OcrImage {
  mediaType: string;
  bytes: Uint8Array;
}

export interface OcrResult {
  text: string;
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
}

export function ocrClientOptions(settings: Settings): OcrClientOptions {
  const headers: Record<string, string> = {};
  if (settings.SPARK_ACCESS_CLIENT_ID && settings.SPARK_ACCESS_CLIENT_SECRET) {
    headers["CF-Access-Client-Id"] = settings.SPARK_ACCESS_CLIENT_ID;
    headers["CF-Access-Client-Secret"] = settings.SPARK_ACCESS_CLIENT_SECRET;
  }
  if (settings.SPARK_API_TOKEN) headers.Authorization = `Bearer ${settings.SPARK_API_TOKEN}`;
  return {
    baseUrl: ocrEndpoints(settings.SPARK_OCR_URL)[0],
    model: settings.OCR_MODEL,
    prompt: settings.OCR_PROMPT,
    maxTokens: settings.OCR_MAX_MODEL_LEN - settings.OCR_PROMPT_TOKENS,
    timeoutMs: settings.OCR_TIMEOUT_MS,
    headers,
  };
}

/**
 * `safer` is the second try for a page that ran out of tokens or looped: a tighter n-gram window
 * and a mild repetition penalty, which break loops at a small cost in fidelity.
 */
export function chatCompletionRequest(image: OcrImage, options: OcrClientOptions, safer = false) {
  const dataUrl = `data:${image.mediaType};base64,${base64(image.bytes)}`;
  return {
    model: options.model,
    messages: [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: dataUrl } },
          { type: "text", text: options.prompt },
        ],
      },
    ],
    temperature: 0,
    max_tokens: options.maxTokens,
    // Without this vLLM strips <|ref|>/<|det|>, and with them every box.
    skip_special_tokens: false,
    // Server-side repetition blocker of the DeepSeek-OCR recipe; the whitelist is <td>, </td>.
    vllm_xargs: safer
      ? { ngram_size: 12, window_size: 256, whitelist_token_ids: [128821, 128822] }
      : { ngram_size: 30, window_size: 90, whitelist_token_ids: [128821, 128822] },
    ...(safer ? { repetition_penalty: 1.05 } : {}),
  };
}

/**
 * A page the model did not finish cleanly: cut off at max_tokens, or stuck repeating itself (found
 * in what it wrote, since loops often end with the end token: ./loops.ts).
 */
export function isRunaway(result: OcrResult, parsed: ParsedPage = parseGrounded(result.text, { width: 1000, height: 1000 })): boolean {
  return result.finishReason === "length" || findLoop(parsed) !== null;
}

const chatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().nullish(),
});

export async function recognisePage(image: OcrImage, options: OcrClientOptions, safer = false): Promise<OcrResult> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: JSON.stringify(chatCompletionRequest(image, options, safer)),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new ServiceError("ocr", timedOut ? `OCR server did not answer within ${options.timeoutMs} ms` : `OCR server unreachable: ${errorMessage(error)}`, true);
  }

  if (!response.ok) {
    const detail = (await response.text().catch(() => "")).slice(0, 300);
    throw new ServiceError("ocr", `OCR server answered ${response.status}${detail ? `: ${detail}` : ""}`, isRetryableStatus(response.status), response.status);
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new ServiceError("ocr", `OCR server sent a body that is not JSON: ${errorMessage(error)}`, true, response.status);
  }
  const parsed = chatCompletion.safeParse(body);
  if (!parsed.success) {
    throw new ServiceError("ocr", `OCR server sent an unexpected response: ${z.prettifyError(parsed.error)}`, true, response.status);
  }
  const [choice] = parsed.data.choices;
  return {
    text: choice.message.content ?? "",
    finishReason: choice.finish_reason ?? null,
    promptTokens: parsed.data.usage?.prompt_tokens ?? null,
    completionTokens: parsed.data.usage?.completion_tokens ?? null,
  };
}

/** Whether the OCR server's engine is up: vLLM's `/health` (200 alive, 503 dead, refused while loading). */
export async function pingOcr(options: OcrClientOptions, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl.replace(/\/+$/, "")}/health`, { headers: options.headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ServiceError("ocr", `OCR server unreachable: ${errorMessage(error)}`, true);
  }
  await response.body?.cancel();
  if (!response.ok) throw new ServiceError("ocr", `OCR server's /health answered ${response.status}`, isRetryableStatus(response.status), response.status);
}
