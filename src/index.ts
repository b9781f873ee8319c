/**
 * The Worker entry: routes only. The API lives under /api (./routes); each document's work happens
 * in its own Durable Object (./objects/document.ts); everything else is the static upload page,
 * served through here so it carries the same security headers.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { AuthError } from "./auth";
import { argillaOptions, settings } from "./config";
import { ingestNotifications } from "./ingest";
import { log } from "./lib/log";
import { documents } from "./routes/documents";
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
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["authorization", "content-type", "idempotency-key"],
    exposeHeaders: ["idempotent-replayed", "retry-after"],
    maxAge: 600,
  })(c, next),
);

app.get("/api/health", (c) => c.json({ ok: true }));
app.route("/api/documents", upload);
app.route("/api/documents", documents);
app.route("/api", review);
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
  log({ event: "http.error", method: c.req.method, path: new URL(c.req.url).pathname, error: String(error?.stack ?? error) });
  // Internals stay in the logs; the client gets a plain message.
  return c.json(errorBody(500, "internal error"), 500);
});

/** The cron trigger: reconcile expert review with Argilla, in case webhooks were missed. */
async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  const config = settings(env);
  if (!argillaOptions(config)) return;
  try {
    await env.ReviewSync.getByName(config.ARGILLA_DATASET).reconcile();
  } catch (error) {
    log({ event: "review.reconciled", applied: 0, seen: 0, error: errorMessage(error) });
    throw error;
  }
}

export default { fetch: app.fetch, queue: ingestNotifications, scheduled } satisfies ExportedHandler<Env>;
