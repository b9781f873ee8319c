import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * The Worker's tests in workerd (two groups, below), the dev services' own tests in Node, and the
 * upload page in a real browser.
 */
// The operators' index (D1): applied to the test database by test/worker/setup.ts.
const d1Migrations = await readD1Migrations(fileURLToPath(new URL("./migrations/d1", import.meta.url)));

export default defineConfig({
  test: {
    // Structured logs are for `wrangler tail`; in tests they are shown only for a failing test.
    silent: "passed-only",
    // Both cores: files whose tests wait on the stand-ins overlap with files that compute.
    maxWorkers: 2,
    // A Durable Object whose alarm outlives its test file may still log as that file's worker
    // closes: the log line is lost and vitest reports it. That one is harmless; every other is not.
    onUnhandledError: (error) => !(error.name === "EnvironmentTeardownError" && /"onUserConsoleLog"/.test(error.message)),
    projects: [
      workerProject("worker", { include: ["test/worker/**/*.test.ts"], exclude: ["test/worker/outages/**"], parallel: true, order: 0 }),
      // Tests that take a shared stand-in down or wipe its data run one file at a time, after the others.
      workerProject("worker-outages", { include: ["test/worker/outages/**/*.test.ts"], exclude: [], parallel: false, order: 1 }),
      {
        resolve: {
          alias: { "parquet-wasm/esm/parquet_wasm_bg.wasm": new URL("./test/node/parquet-wasm-module.ts", import.meta.url).pathname },
        },
        // Some files start the whole local system (wrangler dev) first: slower while other files run.
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 30_000, hookTimeout: 120_000 },
      },
      {
        // The upload page in Debian's Chromium, against wrangler dev and the local services.
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 180_000 },
      },
    ],
  },
});

/**
 * The Worker's tests in workerd (the real runtime, real local R2, D1 and Durable Objects) against
 * the stand-ins that globalSetup starts on free ports. Each test works on its own documents and
 * scripts the stand-ins for its own pages, so files run side by side; `order` runs a group after
 * the one before it.
 */
function workerProject(name: string, files: { include: string[]; exclude: string[]; parallel: boolean; order: number }) {
  return {
    plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      // workerd logs every network failure it hands to our code as an "uncaught exception" with
      // a native stack, though the code catches it: the fault-injection tests would fill a
      // passing run with them. Our own logs and failures are still shown.
      verbose: false,
      miniflare: {
        bindings: {
          SPARK_OCR_URL: (inject("ocrUrls") as string[]).join(","),
          // Small numbers so failure paths finish in a second, not minutes.
          OCR_TIMEOUT_MS: "1000",
          OCR_RETRY_BASE_MS: "50",
          OCR_MAX_ATTEMPTS: "3",
          PAGES_PER_INVOCATION: "4",
          MAX_UPLOAD_BYTES: String(3 * 1024 * 1024),
          // Test PDFs are born-digital; most tests are about the OCR path, so it is the default here.
          TEXT_LAYER: "off",
          // The entity language-model pass, answered by the stand-in (empty unless a test scripts it).
          LLM_URL: inject("ocrUrl") as string,
          // Every upload read from R2 by ranges, as big ones are in production.
          RANGED_MIN_BYTES: "0",
          UPLOAD_IDLE_TIMEOUT_MS: "500",
          CORS_ORIGINS: "https://portal.example.org",
          // The Access stand-in's team domain; tests sign tokens with its key.
          ACCESS_TEAM_DOMAIN: inject("accessTeamDomain") as string,
          ACCESS_AUD: "test-application-aud",
          // test/worker/helpers.ts OPERATOR_KEY; secrets hold digests, never keys.
          OPERATOR_KEY_HASHES: createHash("sha256").update("operator-test-key-5d1c0e5a").digest("hex"),
          WAREHOUSE_URL: inject("warehouseUrl") as string,
          WAREHOUSE_TOKEN: inject("warehouseToken") as string,
          WAREHOUSE_RETRY_BASE_MS: "100",
          WAREHOUSE_TIMEOUT_MS: "2000",
          ARGILLA_URL: inject("argillaUrl") as string,
          ARGILLA_API_KEY: inject("argillaApiKey") as string,
          ARGILLA_WEBHOOK_SECRET: inject("argillaWebhookSecret") as string,
          ARGILLA_RETRY_BASE_MS: "100",
          ARGILLA_TIMEOUT_MS: "2000",
          PUBLIC_URL: "http://vessel.test",
          REVIEW_LINK_SECRET: "test-review-link-secret-3b9f",
          TEST_D1_MIGRATIONS: d1Migrations,
          DOCUMENT_ID_SECRET: "test-document-id-secret-7a21",
        },
      },
    })),
    ],
    test: {
      name,
      include: files.include,
      exclude: files.exclude,
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/worker/setup.ts"],
      testTimeout: 30_000,
      // One module graph per worker: isolated files would each re-import PDFium and pdf-lib.
      isolate: false,
      fileParallelism: files.parallel,
      sequence: { groupOrder: files.order },
    },
  };
}
