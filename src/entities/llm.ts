/**
 * The optional language-model pass (the operators run Ollama on the Spark): an OpenAI-compatible
 * chat completion constrained to a JSON schema (made from zod), whose spans are never trusted:
 * each is located in the page text (its offsets when they are right, else its first unused
 * occurrence); a span whose text is not there is dropped and counted. Off unless LLM_URL is set.
 */
import { z } from "zod";
import type { Settings } from "../config";
import { entityLabels } from "./labels";
import { errorMessage } from "../lib/errors";

export interface LlmOptions {
  url: string;
  model: string;
  token?: string;
  timeoutMs: number;
}

export interface LocatedSpan {
  label: string;
  start: number;
  end: number;
}

export interface LlmResult {
  spans: LocatedSpan[];
  /** Spans the model returned that are not in the text. */
  dropped: number;
  /** Why the pass gave nothing (unreachable, not JSON, wrong shape), if it did. */
  error?: string;
}

const answer = z.object({
  entities: z.array(
    z.object({
      label: z.enum(entityLabels),
      text: z.string().min(1),
      start: z.number().int().nonnegative().optional(),
      end: z.number().int().nonnegative().optional(),
    }),
  ),
});

export function llmOptions(settings: Settings): LlmOptions | null {
  if (!settings.LLM_URL) return null;
  return { url: settings.LLM_URL.replace(/\/+$/, ""), model: settings.LLM_MODEL, token: settings.LLM_API_TOKEN, timeoutMs: settings.LLM_TIMEOUT_MS };
}

export function llmRequest(text: string, options: LlmOptions) {
  return {
    model: options.model,
    temperature: 0,
    messages: [
      {
        role: "system",
        content:
          "You extract facts about fishing vessels from document text. Return every entity you find with its label, " +
          "its exact text as it appears, and its start and end character offsets in the text. Labels: " +
          entityLabels.join(", "),
      },
      { role: "user", content: text },
    ],
    response_format: { type: "json_schema", json_schema: { name: "vessel_entities", strict: true, schema: z.toJSONSchema(answer) } },
  };
}

export async function llmEntities(text: string, options: LlmOptions): Promise<LlmResult> {
  let content: string;
  try {
    const response = await fetch(`${options.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify(llmRequest(text, options)),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) return { spans: [], dropped: 0, error: `LLM answered ${response.status}` };
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
    content = body.choices?.[0]?.message?.content ?? "";
  } catch (error) {
    return { spans: [], dropped: 0, error: `LLM unreachable: ${errorMessage(error)}` };
  }
  let parsed: z.infer<typeof answer>;
  try {
    const result = answer.safeParse(JSON.parse(content));
    if (!result.success) return { spans: [], dropped: 0, error: `LLM answer has the wrong shape: ${z.prettifyError(result.error)}` };
    parsed = result.data;
  } catch {
    return { spans: [], dropped: 0, error: "LLM answer is not JSON" };
  }
  return locate(text, parsed.entities);
}

/** Each span checked against the text: its own offsets if right, else its first unused occurrence. */
export function locate(text: string, entities: ReadonlyArray<{ label: string; text: string; start?: number; end?: number }>): LlmResult {
  const spans: LocatedSpan[] = [];
  const used = new Set<string>();
  let dropped = 0;
  for (const entity of entities) {
    let start = -1;
    if (entity.start !== undefined && text.slice(entity.start, entity.start + entity.text.length) === entity.text) start = entity.start;
    for (let from = 0; start < 0; ) {
      const at = text.indexOf(entity.text, from);
      if (at < 0) break;
      if (!used.has(`${entity.label}:${at}`)) start = at;
      from = at + 1;
    }
    if (start < 0) {
      dropped++;
      continue;
    }
    used.add(`${entity.label}:${start}`);
    spans.push({ label: entity.label, start, end: start + entity.text.length });
  }
  return { spans, dropped };
}
