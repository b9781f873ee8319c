/**
 * Builds public/protocol.js: the WebSocket protocol's zod schemas (src/domain/protocol.ts) bundled
 * for the upload page, so the page parses every message with the very schemas the server sends by.
 * Run by wrangler before `dev` and `deploy` ([build] in wrangler.toml).
 */
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/domain/protocol.ts", import.meta.url).pathname],
  outfile: new URL("../public/protocol.js", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
});
