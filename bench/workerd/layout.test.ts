/**
 * Runs inside workerd (started by bench/layout.ts through vitest and the Cloudflare plugin): times
 * the Worker's own text-layer reader and layout module on the dense list page the Node side
 * serves, and hands the figures back.
 *
 * Time only advances across I/O in workerd, so each measurement is a batch bracketed by a fetch.
 */
import { env } from "cloudflare:test";
import { it } from "vitest";
import { groundedMarkdown } from "../../src/layout/grounded";
import { layoutPage } from "../../src/layout/page";
import { openWithPdfium } from "../../src/pdf/render";
import { readTextLayer } from "../../src/pdf/text-layer";

const collector = (env as unknown as { BENCH_COLLECTOR: string }).BENCH_COLLECTOR;

async function tick(): Promise<number> {
  await fetch(`${collector}/tick`);
  return Date.now();
}

it("times the text layer and the table layout of a dense list page", async () => {
  const bytes = new Uint8Array(await (await fetch(`${collector}/dense.pdf`)).arrayBuffer());
  const document = await openWithPdfium(bytes);
  const page = document.getPage(0);
  const READS = 20;
  const LAYOUTS = 50;
  let start = await tick();
  let layer = readTextLayer(page)!;
  for (let i = 1; i < READS; i++) layer = readTextLayer(page)!;
  const readMs = ((await tick()) - start) / READS;
  let tables = 0;
  start = await tick();
  for (let i = 0; i < LAYOUTS; i++) {
    const blocks = layoutPage({ words: layer.words, rulings: layer.rulings });
    groundedMarkdown(blocks, { imageWidth: layer.display.width, imageHeight: layer.display.height, toImage: layer.toDisplay });
    tables = blocks.filter((b) => b.kind === "table").reduce((n, b) => n + (b.kind === "table" ? b.table.rows.length - b.table.headerRows : 0), 0);
  }
  const layoutMs = ((await tick()) - start) / LAYOUTS;
  document.destroy();
  await fetch(`${collector}/figures`, { method: "POST", body: JSON.stringify({ readMs, layoutMs, words: layer.words.length, rows: tables }) });
});
