import type { TestProject } from "vitest/node";
import type {} from "vitest";
import { startOcrStandin } from "../dev/ocr-standin.ts";

declare module "vitest" {
  export interface ProvidedContext {
    ocrUrl: string;
  }
}

/** The GPU stand-in the Worker under test talks to, on a free loopback port. */
export default async function setup(project: TestProject) {
  const standin = await startOcrStandin({ latencyMs: 40 });
  project.provide("ocrUrl", standin.url);
  return () => standin.close();
}
