/**
 * The layering of src/, checked on every import: each room imports only from its own layer and
 * those below it (docs/architecture.md, "Layout").
 *
 *   domain            words every layer shares; no I/O
 *   lib               bytes, errors, retry, logs, SQL, ids
 *   the rooms         ocr, pdf, layout, entities, storage, outputs, review, and the Worker-wide
 *                     modules (config, auth, idempotency, uploads, ingest)
 *   objects           the Durable Objects (the Document object, its steps and store)
 *   routes            HTTP
 *   index.ts          the entry
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const src = resolve(import.meta.dirname, "../../src");
const LAYERS = ["domain", "lib", "rooms", "objects", "routes", "index"] as const;

function layerOf(file: string): (typeof LAYERS)[number] {
  const top = relative(src, file).split("/")[0];
  if (top === "domain" || top === "lib" || top === "objects" || top === "routes") return top;
  if (top === "index.ts") return "index";
  return "rooms";
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

it("has no import from a lower layer to a higher one", () => {
  const upward: string[] = [];
  let imports = 0;
  for (const file of sources(src)) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/^(?:import|export)[^"']*?from\s+["'](\.{1,2}\/[^"']+)["']/gm)) {
      imports++;
      const target = resolve(dirname(file), spec);
      const from = LAYERS.indexOf(layerOf(file));
      const to = LAYERS.indexOf(layerOf(target.endsWith(".ts") ? target : `${target}.ts`));
      if (to > from) upward.push(`${relative(src, file)} -> ${spec}`);
    }
  }
  expect(imports).toBeGreaterThan(100);
  expect(upward).toEqual([]);
});

it("keeps every file of src/ within about 300 lines", () => {
  const long = sources(src)
    .map((file) => [relative(src, file), readFileSync(file, "utf8").split("\n").length] as const)
    .filter(([, lines]) => lines > 320);
  expect(long).toEqual([]);
});
