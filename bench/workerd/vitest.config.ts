import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

// The workerd side of bench/paging.ts, layout.ts, grounding.ts and warehouse.ts (BENCH_ONLY picks one); not part of `npm test`.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}/wrangler.toml` },
      miniflare: { bindings: { BENCH_COLLECTOR: process.env.BENCH_COLLECTOR ?? "", BENCH_WAREHOUSE_URL: process.env.BENCH_WAREHOUSE_URL ?? "" } },
    }),
  ],
  test: { root, include: [`bench/workerd/${process.env.BENCH_ONLY ?? "*"}.test.ts`], testTimeout: 600_000 },
});
