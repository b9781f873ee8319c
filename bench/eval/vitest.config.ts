import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Used by bench/entities.ts only: the extraction quality evaluation, in Node, not part of `npm test`.
export default defineConfig({
  test: { root: fileURLToPath(new URL("../..", import.meta.url)), include: ["bench/eval/*.eval.ts"], environment: "node", testTimeout: 600_000 },
});
