import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

// Used by bench/paging.ts only: the benchmark's workerd side, not part of `npm test`.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}/wrangler.toml` },
      miniflare: { bindings: { BENCH_COLLECTOR: process.env.BENCH_COLLECTOR ?? "" } },
    }),
  ],
  test: { root, include: ["bench/workerd/*.test.ts"], testTimeout: 600_000 },
});
