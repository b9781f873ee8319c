/**
 * `npm run bench -- grounding`: the DeepSeek-OCR output parser and loop check on the real outputs
 * of test/fixtures/deepseek-ocr, in workerd (bench/workerd/grounding.test.ts), beside a parser in
 * the official scripts' style on the same outputs in the same run. Medians over the corpus, in
 * milliseconds per 10 KiB of output.
 */
import { measureInWorkerd } from "./harness/workerd.ts";

type Figure = { bytes: number; parse: number; loops: number; official: number };
const measured = await measureInWorkerd<Figure[]>("grounding");
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const parse = median(measured.map((f) => f.parse));
const official = median(measured.map((f) => f.official));
console.log(
  [
    `grounding_outputs: ${measured.length}`,
    `grounding_ms_per_10kb: ${parse.toFixed(3)}`,
    `grounding_loop_check_ms_per_10kb: ${median(measured.map((f) => f.loops)).toFixed(3)}`,
    `grounding_official_style_ms_per_10kb: ${official.toFixed(3)}`,
    `grounding_over_official_style: ${(parse / official).toFixed(2)}`,
    `grounding_max_ms_per_10kb: ${Math.max(...measured.map((f) => f.parse)).toFixed(3)}`,
  ].join("\n"),
);
