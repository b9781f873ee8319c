// What test/global-setup.ts provides to the tests (vitest `inject`).
import type {} from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    ocrUrl: string;
    spareOcrUrl: string;
    accessTeamDomain: string;
    accessPrivateJwk: string;
  }
}
