/**
 * `npm run check-config -- --env production [--secrets NAME,NAME]`: the settings a deployment would
 * run with (wrangler.toml's vars for that environment), checked by the Worker's own schema before
 * anything is deployed. Secrets are not readable here: name the ones set (`wrangler secret list
 * --env production` lists them) and they count as present. Exits non-zero with each problem.
 */
import { parseArgs } from "node:util";
import { unstable_readConfig } from "wrangler";
import { configurationIssues } from "../src/config.ts";

const { values } = parseArgs({ options: { env: { type: "string" }, secrets: { type: "string", default: "" } } });
const config = unstable_readConfig({ env: values.env });
const vars: Record<string, unknown> = { ...(config.vars as Record<string, unknown>) };
for (const name of values.secrets.split(",").map((s) => s.trim()).filter(Boolean)) vars[name] = "(set)";
const issues = configurationIssues(vars);
if (issues.length) {
  console.error(`${values.env ?? "default"}: ${issues.length} problem(s)\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
  process.exit(1);
}
console.log(`${values.env ?? "default"}: configuration ok`);
