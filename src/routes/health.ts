/**
 * GET /api/health: 200 when every configured dependency answers, 503 when one does not. Anyone
 * gets the verdict; operators also get each dependency's status, latency and error.
 * GET /api/stats: operators only, a summary of the documents from the index.
 */
import { Hono } from "hono";
import { identify } from "../auth";
import { settings } from "../config";
import { health } from "../health";
import { indexStats } from "../storage/document-index";
import { fail } from "./errors";
import { describe } from "./openapi";

export const healthRoute = new Hono<{ Bindings: Env }>();

healthRoute.get("/", describe.health, async (c) => {
  const config = settings(c.env);
  const report = await health(c.env, config, (promise) => c.executionCtx.waitUntil(promise));
  const operator = (await identify(c.req.raw, config).catch(() => null))?.kind === "operator";
  c.header("cache-control", "no-store");
  return c.json(operator ? report : { ok: report.ok, checkedAt: report.checkedAt }, report.ok ? 200 : 503);
});

export const statsRoute = new Hono<{ Bindings: Env }>();

statsRoute.get("/", describe.stats, async (c) => {
  if ((await identify(c.req.raw, settings(c.env))).kind !== "operator") fail(401, "statistics need an operator credential");
  return c.json(await indexStats(c.env.INDEX, Date.now()));
});
