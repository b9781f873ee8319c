/**
 * A scan made ready for tesseract, in a worker thread (seconds of pixel work per page would
 * otherwise stall the engine's HTTP server and everything else on its thread): decoded, turned
 * upright and straight, enlarged, its shading evened out and its ruling lines taken out. Returns
 * the image as a PGM, where it has ink (./scan-gaps.ts), the rulings found, and how the image lies
 * over the original.
 */
import { parentPort } from "node:worker_threads";
import type { Rect } from "../src/layout/geometry.ts";
import { decodeImage } from "./image.ts";
import { flattenBackground, measureOrientation, straighten, type Geometry } from "./scan-geometry.ts";
import { inkMask, type InkMask } from "./scan-gaps.ts";
import { removeRulings } from "./scan-rulings.ts";

export interface PrepareRequest {
  id: number;
  mediaType: string;
  bytes: Uint8Array;
  /** Which ways up to try, in order; null: the page's own orientation decides. */
  quarterTurns: number | null;
}

export type Prepared =
  | {
      id: number;
      ok: true;
      /** The image made ready, as a PGM file, and its pixels' size. */
      pgm: Uint8Array;
      ready: { width: number; height: number };
      ink: InkMask;
      rulings: Rect[];
      geometry: Geometry;
      /** The original image's size. */
      width: number;
      height: number;
    }
  | { id: number; ok: false; error: string };

export function prepare({ id, mediaType, bytes, quarterTurns }: PrepareRequest): Prepared {
  try {
    const gray = decodeImage(mediaType, bytes);
    const orientation = measureOrientation(gray);
    const turns = quarterTurns ?? (orientation.sideways ? 1 : 0);
    const { image, geometry } = straighten(gray, orientation.skewFor(turns), turns);
    flattenBackground(image);
    const rulings = removeRulings(image);
    const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
    const pgm = new Uint8Array(header.length + image.pixels.length);
    pgm.set(header);
    pgm.set(image.pixels, header.length);
    const ready = { width: image.width, height: image.height };
    return { id, ok: true, pgm, ready, ink: inkMask(image), rulings, geometry, width: gray.width, height: gray.height };
  } catch (error) {
    return { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on("message", (request: PrepareRequest) => {
  const result = prepare(request);
  parentPort!.postMessage(result, result.ok ? [result.pgm.buffer as ArrayBuffer, result.ink.dark.buffer as ArrayBuffer] : []);
});
