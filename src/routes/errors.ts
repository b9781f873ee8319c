import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ValidationTargets } from "hono";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono-openapi";
import type { ZodType } from "zod";

/** Stops the request with a JSON error body naming the problem (rendered by the app's onError). */
export function fail(status: ContentfulStatusCode, message: string): never {
  throw new HTTPException(status, { message });
}

export function errorBody(status: number, message: string) {
  return { error: { status, message } };
}

/**
 * zod validation of a request part (also what the OpenAPI document says of it, /api/openapi.json);
 * a failure is a 400 that says which field is wrong and why.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      const problems = result.error.map((issue) => `✖ ${issue.message}${issue.path?.length ? ` → at ${issue.path.map((p) => (typeof p === "object" ? p.key : p)).join(".")}` : ""}`);
      fail(400, `invalid ${target}: ${problems.join(" ")}`);
    }
  });
}
