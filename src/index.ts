/**
 * The Worker entry: routes only. Uploads and reads go through ./routes; each document's work
 * happens in its own Durable Object (./objects/document.ts). Everything not under /api/ is the
 * static upload page (Workers assets).
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { log } from "./log";
import { documents } from "./routes/documents";
import { errorBody } from "./routes/errors";

export { Document } from "./objects/document";
export { UploadKey } from "./objects/upload-key";

const app = new Hono<{ Bindings: Env }>();

app.get("/api/health", (c) => c.json({ ok: true }));
app.route("/api/documents", documents);

app.notFound((c) => c.json(errorBody(404, `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}`), 404));

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    return c.json(errorBody(error.status, error.message), error.status, Object.fromEntries(c.res.headers));
  }
  log({ event: "http.error", method: c.req.method, path: new URL(c.req.url).pathname, error: String(error?.stack ?? error) });
  // Internals stay in the logs; the client gets a plain message.
  return c.json(errorBody(500, "internal error"), 500);
});

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
