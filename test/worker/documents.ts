/**
 * Documents finished to a known state, and the Argilla stand-in's own API, for the tests that look
 * at what a run put out.
 */
import { expect, inject } from "vitest";
import type { ArgillaOptions } from "../../src/review/argilla";
import { scriptOcr, textPdf, uploadPdf, waitFor, type Doc } from "./helpers";

/** What the OCR stand-in answers for a page: an authorised-vessel table with awkward text in it. */
export const TABLE_PAGE =
  "<|ref|>title<|/ref|><|det|>[[0,0,999,60]]<|/det|>\n# Liste des navires autorisés 🐟 (O'Brien's \"list\"; DROP TABLE entities; --)\n\n" +
  "<|ref|>table<|/ref|><|det|>[[0,80,999,900]]<|/det|>\n<table><tr><td>Vessel Name</td><td>Flag</td><td>IRCS</td><td>IMO</td><td>MMSI</td></tr>" +
  "<tr><td>ÑANDÚ $1 \\x00 '); DELETE FROM raw_ocr; --</td><td>Spain</td><td>EADN</td><td>9281310</td><td>224123450</td></tr>" +
  "<tr><td>SEIN 11 🐟</td><td>Fiji</td><td>3DN6876</td><td>8664369</td><td>520123456</td></tr></table>";

/** A two-page list, OCRed as TABLE_PAGE, finished. */
export async function finishedTableDocument(size: [number, number]): Promise<Doc> {
  await scriptOcr(size[0] * 2, size[1] * 2, [], { content: TABLE_PAGE, finishReason: "stop" });
  const doc = await uploadPdf(await textPdf(2, size), "autorisés.pdf");
  const done = await waitFor(doc);
  expect(done.stage).toBe("done");
  return doc;
}

export const argillaUrl = inject("argillaUrl");
export const argilla: ArgillaOptions = { url: argillaUrl, apiKey: inject("argillaApiKey"), workspace: "vessel-docs", dataset: "vessel-entities", timeoutMs: 5000 };

/** A call to the Argilla stand-in's API; fails the test unless it answers 2xx. */
export async function api<T = any>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${argillaUrl}${path}`, { ...init, headers: { "x-argilla-api-key": argilla.apiKey, "content-type": "application/json", ...init.headers } });
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
  return response.json();
}

/** The pages of one document, OCRed as `content` says, finished and sent to Argilla. */
export async function reviewedDocument(size: [number, number], content: string, pages = 1): Promise<Doc> {
  await scriptOcr(size[0] * 2, size[1] * 2, [], { content, finishReason: "stop" });
  const doc = await uploadPdf(await textPdf(pages, size));
  const done = await waitFor(doc);
  expect(done.stage).toBe("done");
  expect(done.persisted.review).toBe(true);
  return doc;
}

/** Every record of the review dataset, with suggestions and responses. */
export async function datasetRecords(): Promise<any[]> {
  const [dataset] = (await api(`/api/v1/me/datasets`)).items.filter((d: any) => d.name === "vessel-entities");
  return (await api(`/api/v1/datasets/${dataset.id}/records?limit=1000&include=suggestions,responses`)).items;
}

/** A registry certificate as the OCR stand-in answers it. */
export const CERTIFICATE =
  "<|ref|>text<|/ref|><|det|>[[0,0,999,500]]<|/det|>\n🐟 Vessel Name: OCEAN STAR\nIMO: 9074729\nFlag: Panama\nIRCS: 3EAB7\nMMSI: 352001234\nOwner: Ocean Fishing S.A.\nRemarks: seen near Tarawa";

