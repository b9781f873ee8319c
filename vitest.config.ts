import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two projects: the Worker's tests run inside workerd (the real runtime, real local R2 and Durable
 * Objects) against the OCR stand-in that globalSetup starts on a free port; the dev services' own
 * tests run in Node.
 */
// The operators' index (D1): applied to the test database by test/worker/setup.ts.
const d1Migrations = await readD1Migrations(fileURLToPath(new URL("./migrations/d1", import.meta.url)));

export default defineConfig({
  test: {
    // Structured logs are for `wrangler tail`; in tests they are shown only for a failing test.
    silent: "passed-only",
    // A Durable Object whose alarm outlives its test file may still log as that file's worker
    // closes: the log line is lost and vitest reports it. That one is harmless; every other is not.
    onUnhandledError: (error) => !(error.name === "EnvironmentTeardownError" && /"onUserConsoleLog"/.test(error.message)),
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                SPARK_OCR_URL: inject("ocrUrl") as string,
                // Small numbers so failure paths finish in a second, not minutes.
                OCR_TIMEOUT_MS: "1000",
                OCR_RETRY_BASE_MS: "50",
                OCR_MAX_ATTEMPTS: "3",
                OCR_PAGES_IN_FLIGHT: "2",
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
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/worker/setup.ts"],
          testTimeout: 30_000,
          // One module graph for all files: isolated files would each re-import PDFium and pdf-lib.
          isolate: false,
          // One file at a time: some tests take the shared OCR stand-in down for a moment.
          fileParallelism: false,
        },
      },
      {
        resolve: {
          alias: { "parquet-wasm/esm/parquet_wasm_bg.wasm": new URL("./test/node/parquet-wasm-module.ts", import.meta.url).pathname },
        },
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 30_000 },
      },
      {
        // The upload page in Debian's Chromium, against wrangler dev and the local services.
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 180_000 },
      },
    ],
  },
});
