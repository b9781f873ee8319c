/** Entity extraction quality (bench/eval/entities.eval.ts, run by vitest in Node), as figures. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const run = spawnSync("vitest", ["run", "--config", "bench/eval/vitest.config.ts", "--silent=false"], {
  cwd: resolve(import.meta.dirname, ".."),
  encoding: "utf8",
});
const figures = (run.stdout ?? "").split("\n").filter((line) => /^[a-z0-9_]+: [-\d.]+$/.test(line.trim()));
if (run.status !== 0 || figures.length === 0) {
  console.error(run.stdout, run.stderr);
  process.exit(1);
}
for (const line of figures) console.log(line.trim());
