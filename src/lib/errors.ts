/**
 * One error for every outside system (the GPU box, Argilla, the warehouse): which one, its HTTP
 * status if it answered, and whether trying again can help. Callers decide on `retryable` and
 * `status`, never on the class or the wording.
 */
export type Service = "ocr" | "argilla" | "warehouse" | "llm";

export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly service: Service,
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** Statuses worth retrying: the server's own trouble, a timeout, or being asked to slow down. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** What went wrong, as text, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
