/** `npm run bench`: every benchmark, one after another; each prints `figure_name: value` lines. */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";

const here = import.meta.dirname;
const only = process.argv.slice(2);
let failed = false;
for (const file of readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "run.ts").sort()) {
  if (only.length && !only.some((name) => file.includes(name))) continue;
  console.log(`# ${file}`);
  const run = spawnSync(process.execPath, [resolve(here, file)], { stdio: "inherit" });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
