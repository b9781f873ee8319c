/**
 * Builds public/protocol.js: the WebSocket protocol's zod schemas (src/domain/protocol.ts) bundled
 * for the upload page, so the page parses every message with the very schemas the server sends by.
 * Run by wrangler before `dev` and `deploy` ([build] in wrangler.toml). Several `wrangler dev` may
 * start at once (tests): the file is replaced in one step, and only when its content changes, so
 * none of them reads half a file or reloads for nothing.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const outfile = new URL("../public/protocol.js", import.meta.url).pathname;
const { outputFiles } = await build({
  entryPoints: [new URL("../src/domain/protocol.ts", import.meta.url).pathname],
  outfile,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  write: false,
});
const bundle = outputFiles[0].contents;
if (!existsSync(outfile) || !readFileSync(outfile).equals(bundle)) {
  const partial = `${outfile}.${process.pid}.tmp`;
  writeFileSync(partial, bundle);
  renameSync(partial, outfile);
}
