/**
 * GET /api/health: 200 when every configured dependency answers, 503 when one does not. Anyone
 * gets the verdict; operators also get each dependency's status, latency and error.
 */
import { Hono } from "hono";
import { identify } from "../auth";
import { settings } from "../config";
import { health } from "../health";

export const healthRoute = new Hono<{ Bindings: Env }>();

healthRoute.get("/", async (c) => {
  const config = settings(c.env);
  const report = await health(c.env, config, (promise) => c.executionCtx.waitUntil(promise));
  const operator = (await identify(c.req.raw, config).catch(() => null))?.kind === "operator";
  c.header("cache-control", "no-store");
  return c.json(operator ? report : { ok: report.ok, checkedAt: report.checkedAt }, report.ok ? 200 : 503);
});
