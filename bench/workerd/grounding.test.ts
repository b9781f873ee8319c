/// <reference types="vite/client" />
/**
 * Runs inside workerd (started by bench/grounding.ts through vitest and the Cloudflare plugin):
 * times the grounding parser and the loop check on every real DeepSeek-OCR output of the test
 * corpus, beside a parser in the official scripts' style (one regex for the tags, every other
 * tag deleted), and hands the figures back.
 *
 * Time only advances across I/O in workerd, so each measurement is a batch bracketed by a fetch.
 */
import { env } from "cloudflare:test";
import { it } from "vitest";
import { parseGrounded } from "../../src/ocr/grounding";
import { findLoop } from "../../src/ocr/loops";

const collector = (env as unknown as { BENCH_COLLECTOR: string }).BENCH_COLLECTOR;
const outputs = Object.values(import.meta.glob("../../test/fixtures/deepseek-ocr/*.txt", { query: "?raw", import: "default", eager: true }) as Record<string, string>);
const image = { width: 1654, height: 2339 };

async function tick(): Promise<number> {
  await fetch(`${collector}/tick`);
  return Date.now();
}

/** What the official DeepSeek-OCR scripts do with an output: find the tags by regex, delete every other tag. */
function officialStyle(raw: string): { regions: unknown[]; text: string } {
  const regions = [...raw.matchAll(/(<\|ref\|>(.*?)<\|\/ref\|><\|det\|>(.*?)<\|\/det\|>)/gs)].map((match) => {
    try {
      return [match[2], JSON.parse(match[3])];
    } catch {
      return [match[2], null];
    }
  });
  const text = raw.replace(/(<\|ref\|>(.*?)<\|\/ref\|><\|det\|>(.*?)<\|\/det\|>)/gs, "").replace(/<[^>]+>/g, "");
  return { regions, text };
}

/** Milliseconds per 10 KiB of output for `work`, repeated until the batch lasts at least 100 ms. */
async function msPer10kb(raw: string, work: (raw: string) => unknown): Promise<number> {
  for (let repeats = 8; ; repeats *= 4) {
    const start = await tick();
    for (let i = 0; i < repeats; i++) work(raw);
    const elapsed = (await tick()) - start;
    if (elapsed >= 100 || repeats > 1e6) return elapsed / repeats / (raw.length / 10240);
  }
}

it("times the parser and the loop check on every real output", async () => {
  const figures = [];
  for (const raw of outputs) {
    if (raw.length < 200) continue; // too short to time per kilobyte
    const parsed = parseGrounded(raw, image);
    figures.push({
      bytes: raw.length,
      parse: await msPer10kb(raw, (r) => parseGrounded(r, image)),
      loops: await msPer10kb(raw, () => findLoop(parsed)),
      official: await msPer10kb(raw, officialStyle),
    });
  }
  await fetch(`${collector}/figures`, { method: "POST", body: JSON.stringify(figures) });
});
