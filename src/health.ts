/**
 * Whether the deployment can do its work right now: each dependency asked in turn (the OCR box's
 * `/health` and the gate in front of it, the warehouse's `select 1`, Argilla's `/api/v1/me`, an R2
 * write, read and delete), each with its status and latency. Answers are kept for a few seconds,
 * so the endpoint cannot be used to hammer the dependencies.
 */
import { argillaOptions, ocrEndpoints, warehouseOptions, type Settings } from "./config";
import { errorMessage } from "./lib/errors";
import { ocrClientOptions, pingOcr } from "./ocr/deepseek";
import { pingWarehouse } from "./outputs/warehouse";
import { pingArgilla } from "./review/argilla";
import { healthProbeKey } from "./storage/keys";

export interface Check {
  /** `off`: not configured in this deployment (not a failure). */
  status: "ok" | "down" | "off";
  latencyMs: number | null;
  error?: string;
  detail?: Record<string, unknown>;
}

export interface Health {
  ok: boolean;
  checkedAt: string;
  checks: { ocr: Check; warehouse: Check; argilla: Check; storage: Check };
}

/** How long an answer is reused. */
const CACHE_MS = 5_000;
/** How long each dependency may take to answer. */
const PROBE_TIMEOUT_MS = 3_000;

/** A dependency this deployment does not use. */
const OFF: Check = { status: "off", latencyMs: null };

const cache = new WeakMap<object, { at: number; health: Promise<Health> }>();

/** The deployment's health, from the cache when it is fresh (per deployment's bindings, per isolate). */
export function health(env: Env, config: Settings, waitUntil: (promise: Promise<unknown>) => void): Promise<Health> {
  const cached = cache.get(env);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.health;
  const fresh = checkAll(env, config, waitUntil);
  cache.set(env, { at: Date.now(), health: fresh });
  return fresh;
}

async function checkAll(env: Env, config: Settings, waitUntil: (promise: Promise<unknown>) => void): Promise<Health> {
  const warehouse = warehouseOptions(config);
  const argilla = argillaOptions(config);
  const [ocr, warehouseCheck, argillaCheck, storage] = await Promise.all([
    timed(async () => {
      // Every box is asked; the check is down only when all are (the gate sends pages to the others).
      const endpoints = ocrEndpoints(config.SPARK_OCR_URL);
      const options = ocrClientOptions(config);
      const [pings, gate] = await Promise.all([
        Promise.allSettled(endpoints.map((baseUrl) => pingOcr({ ...options, baseUrl }, PROBE_TIMEOUT_MS))),
        env.OcrGate.getByName(config.SPARK_OCR_URL).status(),
      ]);
      const down = pings.flatMap((ping, i) => (ping.status === "rejected" ? [{ endpoint: endpoints[i], error: errorMessage(ping.reason) }] : []));
      if (down.length === endpoints.length) throw endpoints.length === 1 ? (pings[0] as PromiseRejectedResult).reason : new Error(`every OCR server is down: ${down.map((box) => `${box.endpoint}: ${box.error}`).join("; ")}`);
      // A plain copy of the RPC result (which is also a Disposable stub).
      return { ...gate, ...(down.length ? { down } : {}) };
    }),
    warehouse ? timed(() => pingWarehouse({ ...warehouse, timeoutMs: PROBE_TIMEOUT_MS }, waitUntil)) : OFF,
    argilla ? timed(() => pingArgilla({ ...argilla, timeoutMs: PROBE_TIMEOUT_MS })) : OFF,
    timed(async () => {
      const key = healthProbeKey();
      await env.DOCUMENTS_BUCKET.put(key, "ok");
      const read = await (await env.DOCUMENTS_BUCKET.get(key))?.text();
      await env.DOCUMENTS_BUCKET.delete(key);
      if (read !== "ok") throw new Error("R2 did not give back what was written");
    }),
  ]);
  const checks = { ocr, warehouse: warehouseCheck, argilla: argillaCheck, storage };
  return { ok: Object.values(checks).every((check) => check.status !== "down"), checkedAt: new Date().toISOString(), checks };
}

async function timed(probe: () => Promise<Record<string, unknown> | void>): Promise<Check> {
  const started = Date.now();
  try {
    const detail = await probe();
    return { status: "ok", latencyMs: Date.now() - started, ...(detail ? { detail } : {}) };
  } catch (error) {
    return { status: "down", latencyMs: Date.now() - started, error: errorMessage(error) };
  }
}
