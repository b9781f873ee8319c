// What test/global-setup.ts provides to the tests (vitest `inject`).
import type {} from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    ocrUrl: string;
    spareOcrUrl: string;
    accessTeamDomain: string;
    accessPrivateJwk: string;
    /** postgres:// URL of the DuckDB warehouse stand-in, without the password. */
    warehouseUrl: string;
    warehouseToken: string;
    /** HTTP control of the warehouse stand-in (`POST /_sim/outage`). */
    warehouseControlUrl: string;
    argillaUrl: string;
    /** The stand-in's owner API key. */
    argillaApiKey: string;
    /** The signing secret Argilla returned when the test webhook was registered. */
    argillaWebhookSecret: string;
  }
}
