/**
 * The Worker entry: routes only. The API lives under /api (./routes); each document's work happens
 * in its own Durable Object (./objects/document.ts); everything else is the static upload page,
 * served through here so it carries the same security headers.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { openAPIRouteHandler } from "hono-openapi";
import { secureHeaders } from "hono/secure-headers";
import { AuthError } from "./auth";
import { argillaOptions, settings } from "./config";
import { ingestNotifications } from "./ingest";
import { currentRequestId, log, withRequestId } from "./lib/log";
import { expiredDocuments } from "./storage/document-index";
import { documents } from "./routes/documents";
import { healthRoute, statsRoute } from "./routes/health";
import { describe } from "./routes/openapi";
import { review } from "./routes/review";
import { upload } from "./routes/upload";
import { errorBody } from "./routes/errors";
import { errorMessage } from "./lib/errors";

export { Document } from "./objects/document";
export { OcrGate } from "./objects/ocr-gate";
export { ReviewSync } from "./objects/review-sync";
export { UploadKey } from "./objects/upload-key";

const app = new Hono<{ Bindings: Env }>();

app.use(
  "*",
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "blob:", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    crossOriginResourcePolicy: "same-origin",
    // A route may loosen a header for its own response (the signed review images, shown by Argilla).
    overwrite: false,
  }),
);

// Browsers on other origins get the API only where the deployment lists them.
app.use("/api/*", (c, next) =>
  cors({
    origin: (origin) => (settings(c.env).CORS_ORIGINS.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ["authorization", "content-type", "idempotency-key"],
    exposeHeaders: ["idempotent-replayed", "retry-after"],
    maxAge: 600,
  })(c, next),
);

app.route("/api/health", healthRoute);
app.route("/api/stats", statsRoute);
app.route("/api/documents", upload);
app.route("/api/documents", documents);
app.route("/api", review);
app.get(
  "/api/openapi.json",
  describe.spec,
  openAPIRouteHandler(app, {
    documentation: {
      openapi: "3.1.0",
      info: { title: "vessel-docs", version: "1", description: "Vessel documents: upload, OCR, vessel entities, review. Errors are JSON {error: {status, message}}." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a document's capability token, an upload or operator key" } } },
      security: [{ bearer: [] }],
    },
  }),
);
app.all("/api/*", (c) => c.json(errorBody(404, `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}`), 404));

app.on(["GET", "HEAD"], "*", async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // Re-wrap so the middleware above can add its headers to the asset's response.
  return new Response(asset.body, asset);
});

app.notFound((c) => c.json(errorBody(404, `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}`), 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    return c.json(errorBody(error.status, error.message), error.status, Object.fromEntries(c.res.headers));
  }
  if (error instanceof AuthError) return c.json(errorBody(401, error.message), 401);
  const path = new URL(c.req.url).pathname;
  const documentId = /^\/api\/(?:documents|review\/pages)\/([0-9a-f]{32})\b/.exec(path)?.[1];
  log({ event: "http.error", method: c.req.method, path, error: String(error?.stack ?? error), ...(documentId ? { documentId } : {}) });
  // Internals stay in the logs; the client gets a plain message.
  return c.json(errorBody(500, "internal error"), 500);
});

/** Documents deleted by retention per cron run: the next run carries on. */
const RETENTION_BATCH = 50;

/**
 * The cron trigger: reconcile expert review with Argilla, in case webhooks were missed; then, with
 * RETENTION_DAYS set, delete finished documents older than that (each with everything it left).
 */
async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  const config = settings(env);
  if (config.RETENTION_DAYS) {
    const before = Date.now() - config.RETENTION_DAYS * 24 * 3_600_000;
    for (const id of await expiredDocuments(env.INDEX, before, RETENTION_BATCH)) await env.Document.getByName(id).delete({ kind: "operator" }, currentRequestId());
  }
  if (!argillaOptions(config)) return;
  try {
    await env.ReviewSync.getByName(config.ARGILLA_DATASET).reconcile();
  } catch (error) {
    log({ event: "review.reconciled", applied: 0, seen: 0, error: errorMessage(error) });
    throw error;
  }
}

/** Every event logged while handling one request, batch or cron run carries its id. */
export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) =>
    withRequestId(request.headers.get("cf-ray") ?? crypto.randomUUID(), () => app.fetch(request, env, ctx), env.METRICS),
  queue: (batch, env) => withRequestId(`queue:${crypto.randomUUID()}`, () => ingestNotifications(batch, env), env.METRICS),
  scheduled: (controller, env) => withRequestId(`cron:${crypto.randomUUID()}`, () => scheduled(controller, env), env.METRICS),
} satisfies ExportedHandler<Env>;
