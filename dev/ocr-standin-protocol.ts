/** The OCR stand-in's control and statistics API, shared with the tests that drive it. */

/**
 * What to do with one request: answer normally, answer with the given model output, with an HTTP
 * error, never, or by cutting the socket.
 */
export type Action =
  | { ok: true }
  | { content: string; finishReason?: "stop" | "length" }
  | { status: number }
  | { hang: true }
  | { drop: true };

/** Requests whose image is exactly `width` x `height` follow `script`, then `then` forever. */
export interface Rule {
  width: number;
  height: number;
  script: Action[];
  then?: Action;
  latencyMs?: number;
}

/** The entity language model answers `content` to requests whose text contains `match`. */
export interface LlmScript {
  match: string;
  content: string;
}

export interface RequestSummary {
  model: unknown;
  prompt: string | null;
  mediaType: string | null;
  temperature: unknown;
  maxTokens: unknown;
  skipSpecialTokens: unknown;
  vllmXargs: unknown;
  width: number | null;
  height: number | null;
  imageSha256: string | null;
}

export interface Stats {
  requests: number;
  /** Text-only requests with a JSON schema: the entity language model's. */
  llmRequests: number;
  completions: number;
  /** Completions being answered right now, and the most there ever were at once. */
  concurrent: number;
  maxConcurrent: number;
  /** Per image (by SHA-256): how often it was sent, and the last request that carried it. */
  images: Record<string, { requests: number; last: RequestSummary }>;
  /** Per page size (`WxH`, what a test's pages share): requests at once now, and the most ever. */
  sizes: Record<string, { concurrent: number; maxConcurrent: number }>;
  last: RequestSummary | null;
}
