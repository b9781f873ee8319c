import type { TestProject } from "vitest/node";
import { startOcrStandin } from "../dev/ocr-standin.ts";
import { startAccessStandin } from "./access-standin.ts";

/** The outside systems the Worker under test talks to, each on a free loopback port. */
export default async function setup(project: TestProject) {
  const standin = await startOcrStandin({ latencyMs: 40 });
  // A second box, for tests of the gate that take their box down.
  const spare = await startOcrStandin({ latencyMs: 40 });
  const access = await startAccessStandin();
  project.provide("ocrUrl", standin.url);
  project.provide("spareOcrUrl", spare.url);
  project.provide("accessTeamDomain", access.teamDomain);
  project.provide("accessPrivateJwk", JSON.stringify(access.privateJwk));
  return async () => {
    await standin.close();
    await spare.close();
    await access.close();
  };
}
