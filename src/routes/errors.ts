import type { ZodType } from "zod";
import { z } from "zod";
import { zValidator } from "@hono/zod-validator";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ValidationTargets } from "hono";

/** Stops the request with a JSON error body naming the problem (rendered by the app's onError). */
export function fail(status: ContentfulStatusCode, message: string): never {
  throw new HTTPException(status, { message });
}

export function errorBody(status: number, message: string) {
  return { error: { status, message } };
}

/** zod validation of a request part; a failure is a 400 that says which field is wrong and why. */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) fail(400, `invalid ${target}: ${z.prettifyError(result.error).replace(/\n/g, " ")}`);
  });
}
