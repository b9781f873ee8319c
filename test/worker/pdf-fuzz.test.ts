import { describe, expect, it } from "vitest";
import { PdfError } from "../../src/pdf/errors";
import { bytesReader, openSource, type PdfLimits } from "../../src/pdf/source";
import { corpus } from "./pdf-corpus";

const limits: PdfLimits = { maxPages: 60, maxPagePixels: 2_000_000, maxImagePixels: 50_000_000, maxContentBytes: 8 * 1024 * 1024 };
const SEEDS = 500;
const HANG_MS = 10_000;

function lcg(seed: number) {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Opens a damaged file and renders every page: anything but an image or a PdfError is a crash. */
async function page(bytes: Uint8Array, limits: PdfLimits): Promise<"ok" | "rejected"> {
  let outcome: "ok" | "rejected" = "ok";
  try {
    const source = await openSource(bytesReader(bytes), limits);
    try {
      for (let i = 0; i < Math.min(source.pageCount, 3); i++) {
        await source.pageImage(i, 72).catch((error: unknown) => {
          if (!(error instanceof PdfError)) throw error;
          outcome = "rejected";
        });
      }
    } finally {
      source.close();
    }
  } catch (error) {
    if (!(error instanceof PdfError)) throw error;
    return "rejected";
  }
  return outcome;
}

describe("paging damaged copies of valid PDFs (seeded)", () => {
  const seeds = ["born-digital text page", "full-page baseline JPEG scan", "mixed page sizes", "inline image", "encrypted, empty user password"];

  it(`survives ${SEEDS} truncated and bit-flipped files, read whole and by ranges: no crash, no hang`, async () => {
    const originals = await Promise.all(seeds.map((name) => corpus.find((c) => c.name === name)!.build()));
    const random = lcg(20261128);
    const outcomes = { ok: 0, rejected: 0 };
    for (let n = 0; n < SEEDS; n++) {
      const original = originals[n % originals.length];
      const damaged = n % 3 === 0 ? original.slice(0, Math.floor(random() * original.length)) : original.slice();
      if (n % 3 !== 0) {
        const flips = 1 + Math.floor(random() * 16);
        for (let f = 0; f < flips; f++) damaged[Math.floor(random() * damaged.length)] ^= 1 << Math.floor(random() * 8);
      }
      const result = await Promise.race([
        page(damaged, n % 2 === 0 ? limits : { ...limits, rangedMinBytes: 0 }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`case ${n} hung for ${HANG_MS} ms`)), HANG_MS)),
      ]);
      outcomes[result]++;
    }
    // Both kinds happen: damage that is survived, and damage that is reported.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes.ok + outcomes.rejected).toBe(SEEDS);
  }, 120_000);
});
