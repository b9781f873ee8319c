/**
 * What Argilla (and the experts' browsers in it) call: its signed webhook deliveries, and the
 * signed, expiring links to page images its records show.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";
import { settings } from "../config";
import { documentIdPattern } from "../lib/ids";
import { log } from "../lib/log";
import { pageImageKey } from "../storage/keys";
import { webhookEvent } from "../objects/review-sync";
import { mediaTypes } from "../pdf/page-image";
import { checkPageImageLink } from "../review/links";
import { errorBody, fail, validate } from "./errors";
import { describe } from "./openapi";

export const review = new Hono<{ Bindings: Env }>();

/**
 * Standard Webhooks: the signature is checked over the raw body (never re-serialised JSON) with a
 * constant-time compare, and the timestamp must be within 5 minutes, so a captured delivery cannot
 * be replayed later. Without a configured secret nothing is accepted.
 */
/** Argilla's deliveries are a page's record and one response: far below this. */
const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

review.post(
  "/argilla/webhook",
  describe.webhook,
  bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: (c) => c.json(errorBody(413, `webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`), 413) }),
  async (c) => {
  const config = settings(c.env);
  const refuse = (status: 401 | 503, message: string, error?: string): never => {
    log({ event: "review.webhook", status, outcome: "refused", error: error ?? message });
    fail(status, message);
  };
  if (!config.ARGILLA_WEBHOOK_SECRET) refuse(503, "webhooks are not configured (ARGILLA_WEBHOOK_SECRET); nothing is accepted");
  const body = await c.req.text();
  const headers = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, c.req.header(name) ?? ""]));
  try {
    new Webhook(config.ARGILLA_WEBHOOK_SECRET!).verify(body, headers, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    refuse(401, `webhook refused: ${error.message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    fail(400, "webhook body is not JSON");
  }
  const event = webhookEvent.safeParse(json);
  if (!event.success) fail(400, `not an Argilla webhook event: ${z.prettifyError(event.error).replace(/\n/g, " ")}`);
  // A failure here is a 500: Argilla retries the delivery, and reconciliation catches up regardless.
  const outcome = await c.env.ReviewSync.getByName(config.ARGILLA_DATASET).webhook(event.data);
  log({ event: "review.webhook", status: 200, outcome, type: event.data.type });
  return c.json({ ok: true, outcome });
  },
);

const imageParams = z.object({
  id: z.string().regex(documentIdPattern, "document ids are 32 lowercase hex characters"),
  page: z.coerce.number().int().positive(),
});
const imageQuery = z.object({ expires: z.coerce.number().int().positive(), signature: z.string().regex(/^[0-9a-f]{64}$/, "64 hex characters") });

review.get("/review/pages/:id/:page/image", describe.reviewImage, validate("param", imageParams), validate("query", imageQuery), async (c) => {
  const config = settings(c.env);
  if (!config.REVIEW_LINK_SECRET) fail(404, "no such page image");
  const { id, page } = c.req.valid("param");
  const { expires, signature } = c.req.valid("query");
  const refused = await checkPageImageLink(config.REVIEW_LINK_SECRET, { documentId: id, page, expires, signature }, Math.floor(Date.now() / 1000));
  if (refused) fail(403, refused);
  const detail = await c.env.Document.getByName(id).page({ kind: "operator" }, page);
  if (!detail?.image) fail(404, "no such page image");
  const object = await c.env.DOCUMENTS_BUCKET.get(pageImageKey(id, page, detail.image));
  if (!object) fail(404, "no such page image");
  return new Response(object.body, {
    headers: {
      "content-type": mediaTypes[detail.image],
      "cache-control": `private, max-age=${Math.max(0, expires - Math.floor(Date.now() / 1000))}`,
      // Argilla shows it as an <img> on its own origin; the signature, not the origin, is the guard.
      "cross-origin-resource-policy": "cross-origin",
    },
  });
});
