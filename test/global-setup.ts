import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrateUrl } from "../dev/migrate.ts";
import { startArgillaStandin } from "../dev/argilla-standin.ts";
import { startOcrStandin } from "../dev/ocr-standin.ts";
import { startWarehouseStandin } from "../dev/warehouse-standin.ts";
import { startAccessStandin } from "./access-standin.ts";

const WAREHOUSE_TOKEN = "test-warehouse-token-7e1f";

/** The outside systems the Worker under test talks to, each on a free loopback port. */
export default async function setup(project: TestProject) {
  // Two GPU boxes behind the Worker (SPARK_OCR_URL lists both), so every test runs over the gate's
  // placement as a deployment with two boxes does.
  const standin = await startOcrStandin({ latencyMs: 40, boxes: 2 });
  // A second box, for tests of the gate that take their box down.
  const spare = await startOcrStandin({ latencyMs: 40 });
  const access = await startAccessStandin();
  // The warehouse: a real DuckDB file behind the Postgres wire protocol, migrated as production is.
  const warehouseDir = mkdtempSync(join(tmpdir(), "vessel-docs-warehouse-"));
  const warehouse = await startWarehouseStandin({ file: join(warehouseDir, "warehouse.duckdb"), token: WAREHOUSE_TOKEN });
  await migrateUrl(warehouse.url);
  // Argilla, with a webhook registered as a deployment registers it (its deliveries cannot reach the
  // Worker under test, so tests hand them over from the stand-in's delivery log).
  const argilla = await startArgillaStandin({ webhookRetryDelaysMs: [] });
  const hook = await fetch(`${argilla.url}/api/v1/webhooks`, {
    method: "POST",
    headers: { "x-argilla-api-key": argilla.ownerApiKey, "content-type": "application/json" },
    body: JSON.stringify({ url: "http://127.0.0.1:9/api/argilla/webhook", events: ["response.created", "response.updated"] }),
  });
  const { secret } = (await hook.json()) as { secret: string };
  project.provide("ocrUrl", standin.url);
  project.provide("ocrUrls", standin.urls);
  project.provide("spareOcrUrl", spare.url);
  project.provide("accessTeamDomain", access.teamDomain);
  project.provide("accessPrivateJwk", JSON.stringify(access.privateJwk));
  // As in production: the URL without the password, the token as a separate secret.
  project.provide("warehouseUrl", warehouse.url.replace(/:[^:@/]+@/, "@"));
  project.provide("warehouseToken", WAREHOUSE_TOKEN);
  project.provide("warehouseControlUrl", warehouse.controlUrl);
  project.provide("argillaUrl", argilla.url);
  project.provide("argillaApiKey", argilla.ownerApiKey);
  project.provide("argillaWebhookSecret", secret);
  return async () => {
    await argilla.close();
    await warehouse.close();
    rmSync(warehouseDir, { recursive: true, force: true });
    await standin.close();
    await spare.close();
    await access.close();
  };
}
