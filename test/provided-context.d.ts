// What test/global-setup.ts provides to the tests (vitest `inject`).
import type {} from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The OCR stand-in's first box: its scripts and counters are every box's. */
    ocrUrl: string;
    /** Every box the Worker under test sends pages to. */
    ocrUrls: string[];
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
