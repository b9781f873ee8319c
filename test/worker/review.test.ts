import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, inject, it } from "vitest";
import type { Delivery } from "../../dev/argilla-standin-protocol";
import { entityLabels } from "../../src/entities/labels";
import entry from "../../src/index";
import { externalId, pageRecord, provision, upsertRecords } from "../../src/review/argilla";
import { api, argilla, CERTIFICATE, datasetRecords, reviewedDocument } from "./documents";
import { fetchDoc, pageDetail, warehouseQuery as query, worker } from "./helpers";

const secret = inject("argillaWebhookSecret");

/** An expert acts in Argilla's UI; returns the webhook delivery Argilla made for it. */
async function respond(external: string, username: string, status: string, spans: Array<{ label: string; start: number; end: number }>): Promise<Delivery> {
  const before = (await api<Delivery[]>("/_sim/deliveries")).length;
  await api("/_sim/responses", { method: "POST", body: JSON.stringify({ external_id: external, username, status, values: { entities: { value: spans } } }) });
  const deliveries = await api<Delivery[]>("/_sim/deliveries");
  expect(deliveries.length).toBe(before + 1);
  return deliveries.at(-1)!;
}

async function post(delivery: { headers: Record<string, string>; body: string }, environment: Env = env): Promise<Response> {
  const request = new Request("http://vessel.test/api/argilla/webhook", { method: "POST", headers: delivery.headers, body: delivery.body });
  return environment === env ? worker.fetch(request) : entry.fetch(request, environment, createExecutionContext());
}

/** A delivery of `body` signed now (or at `at`) with `key`, as Argilla signs. */
function signed(body: string, key = secret, at = new Date()): { headers: Record<string, string>; body: string } {
  const id = `msg_${crypto.randomUUID().replace(/-/g, "")}`;
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(key).sign(id, at, body),
    },
  };
}

const corrections = (external: string) =>
  query<{ annotator: string; ordinal: number; action: string; original_label: string | null; original_text: string | null; corrected_label: string | null; corrected_text: string | null; corrected_start: number | null }>(
    "SELECT * FROM entity_corrections WHERE external_id = $1 ORDER BY annotator, ordinal",
    [external],
  );

describe("into Argilla", () => {
  it("provisions the workspace and dataset once, however often it is asked", async () => {
    await reviewedDocument([337, 441], CERTIFICATE);
    const again = await provision(argilla, entityLabels);
    const third = await provision(argilla, entityLabels);
    expect(third).toEqual(again);
    const datasets = (await api(`/api/v1/me/datasets?workspace_id=${again.workspaceId}`)).items;
    expect(datasets.map((d: any) => [d.name, d.status])).toEqual([["vessel-entities", "ready"]]);
    const questions = (await api(`/api/v1/datasets/${again.datasetId}/questions`)).items;
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ id: again.questionId, name: "entities", required: true, settings: { type: "span", field: "text", allow_overlapping: false } });
    expect(questions[0].settings.options.map((o: any) => o.value)).toEqual([...entityLabels]);
    expect((await api(`/api/v1/datasets/${again.datasetId}/fields`)).items.map((f: any) => [f.name, f.settings.type])).toEqual([
      ["text", "text"],
      ["page_image", "image"],
    ]);
    expect((await api(`/api/v1/datasets/${again.datasetId}/metadata-properties`)).items.map((p: any) => p.name)).toEqual(["document_id", "filename", "page", "ocr_path", "entity_count"]);
  });

  it("sends each page as one record, suggestions in code points after an emoji, with a signed image link", async () => {
    const doc = await reviewedDocument([339, 443], CERTIFICATE);
    const detail = await pageDetail(doc, 1);
    const external = externalId(doc.id, 1, 1);
    const record = (await datasetRecords()).find((r) => r.external_id === external);
    expect(detail.reviewRecordId).toBe(record.id);
    expect(record.fields.text).toBe(detail.ocr.text);
    expect(record.metadata).toEqual({ document_id: doc.id, filename: "list.pdf", page: 1, ocr_path: "ocr", entity_count: 6 });
    const [suggestion] = record.suggestions;
    expect(suggestion.agent).toBe("vessel-docs-extractor");
    const characters = [...record.fields.text];
    const entities = (await (await fetchDoc(doc, "/entities")).json<{ entities: any[] }>()).entities;
    expect(suggestion.value.map((s: any) => [s.label, characters.slice(s.start, s.end).join("")])).toEqual(entities.map((e) => [e.label, e.text]));
    // The fish is two UTF-16 units and one code point: Argilla's offsets are one less.
    expect(suggestion.value[0].start).toBe(entities[0].start - 1);
    expect(suggestion.score).toEqual(entities.map((e) => e.confidence));

    const image = await worker.fetch(record.fields.page_image);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const link = new URL(record.fields.page_image);
    const otherPage = new URL(link);
    otherPage.pathname = otherPage.pathname.replace("/1/image", "/2/image");
    expect((await worker.fetch(otherPage)).status).toBe(403);
    const expired = new URL(link);
    expired.searchParams.set("expires", "1700000000");
    expect((await worker.fetch(expired)).status).toBe(403);
  });

  it("re-sending a page updates its record and never adds one", async () => {
    const doc = await reviewedDocument([341, 447], CERTIFICATE);
    const detail = await pageDetail(doc, 1);
    const { datasetId, questionId } = await provision(argilla, entityLabels);
    const entities = (await (await fetchDoc(doc, "/entities")).json<{ entities: any[] }>()).entities;
    const item = pageRecord({ documentId: doc.id, runId: 1, page: 1, filename: "list.pdf", ocrPath: "ocr", text: detail.ocr.text, entities, imageUrl: null }, questionId);
    const ids = await upsertRecords(argilla, datasetId, [item, item]);
    expect([...ids.values()]).toEqual([detail.reviewRecordId]);
    expect((await datasetRecords()).filter((r) => r.external_id === externalId(doc.id, 1, 1))).toHaveLength(1);
  });

});

describe("back from Argilla", () => {
  it("turns an expert's accept, relabel, resize, reject and add into corrections, and an update replaces them", async () => {
    const doc = await reviewedDocument([347, 451], CERTIFICATE);
    const external = externalId(doc.id, 1, 1);
    const record = (await datasetRecords()).find((r) => r.external_id === external);
    const text: string[] = [...record.fields.text];
    const at = (fragment: string) => {
      const start = text.join("").indexOf(fragment);
      return { start: [...text.join("").slice(0, start)].length, end: [...text.join("").slice(0, start)].length + [...fragment].length };
    };
    const suggested = Object.fromEntries(record.suggestions[0].value.map((s: any) => [s.label, s]));
    const submitted = [
      { ...at("OCEAN"), label: "VESSEL_NAME" }, // resized from "OCEAN STAR"
      suggested.IMO_NUMBER, // accepted
      { ...suggested.FLAG_STATE, label: "PREVIOUS_FLAG" }, // relabelled
      // IRCS_CALL_SIGN rejected: not submitted
      suggested.MMSI,
      suggested.OWNER_NAME,
      { ...at("Tarawa"), label: "PORT_NAME" }, // added
    ];
    const delivery = await respond(external, "expert-ana", "submitted", submitted);
    const response = await post(delivery);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, outcome: "applied" });

    const rows = await corrections(external);
    expect(rows.map((r) => [r.action, r.original_label, r.original_text, r.corrected_label, r.corrected_text])).toEqual([
      ["resize", "VESSEL_NAME", "OCEAN STAR", "VESSEL_NAME", "OCEAN"],
      ["accept", "IMO_NUMBER", "9074729", "IMO_NUMBER", "9074729"],
      ["relabel", "FLAG_STATE", "Panama", "PREVIOUS_FLAG", "Panama"],
      ["reject", "IRCS_CALL_SIGN", "3EAB7", null, null],
      ["accept", "MMSI", "352001234", "MMSI", "352001234"],
      ["accept", "OWNER_NAME", "Ocean Fishing S.A.", "OWNER_NAME", "Ocean Fishing S.A."],
      ["add", null, null, "PORT_NAME", "Tarawa"],
    ]);
    // Offsets are code points: the fish before them counts once.
    expect(rows[0].corrected_start).toBe(at("OCEAN").start);
    const annotated = await query("SELECT label, text FROM annotated WHERE external_id = $1 ORDER BY ordinal", [external]);
    expect(annotated.map((a) => [a.label, a.text])).toEqual([
      ["VESSEL_NAME", "OCEAN"],
      ["IMO_NUMBER", "9074729"],
      ["PREVIOUS_FLAG", "Panama"],
      ["MMSI", "352001234"],
      ["OWNER_NAME", "Ocean Fishing S.A."],
      ["PORT_NAME", "Tarawa"],
    ]);

    // The expert changes their mind: the response is updated, and its corrections replaced.
    const update = await respond(external, "expert-ana", "submitted", record.suggestions[0].value);
    expect((await (await post(update)).json<any>()).outcome).toBe("applied");
    expect((await corrections(external)).map((r) => r.action)).toEqual(["accept", "accept", "accept", "accept", "accept", "accept"]);
    // A second expert's review sits beside the first one's.
    const other = await respond(external, "expert-ben", "submitted", []);
    await post(other);
    const byAnnotator = Map.groupBy(await corrections(external), (r) => r.annotator);
    expect([...byAnnotator.values()].map((rows) => rows.map((r) => r.action)).sort()).toEqual([
      ["accept", "accept", "accept", "accept", "accept", "accept"],
      ["reject", "reject", "reject", "reject", "reject", "reject"],
    ]);
  });

  it("changes nothing for drafts and discarded responses", async () => {
    const doc = await reviewedDocument([349, 453], CERTIFICATE);
    const external = externalId(doc.id, 1, 1);
    for (const status of ["draft", "discarded"]) {
      const delivery = await respond(external, `expert-${status}`, status, []);
      expect(await (await post(delivery)).json()).toEqual({ ok: true, outcome: "ignored" });
    }
    expect(await corrections(external)).toEqual([]);
  });

  it("refuses unsigned, forged, tampered and replayed deliveries, and applies a duplicate once", async () => {
    const doc = await reviewedDocument([353, 457], CERTIFICATE);
    const external = externalId(doc.id, 1, 1);
    const delivery = await respond(external, "expert-carla", "submitted", []);
    const refused = async (attempt: { headers: Record<string, string>; body: string }, message: RegExp) => {
      const response = await post(attempt);
      expect(response.status).toBe(401);
      expect((await response.json<any>()).error.message).toMatch(message);
    };
    await refused({ headers: { "content-type": "application/json" }, body: delivery.body }, /Missing required headers/);
    await refused(signed(delivery.body, "whsec_" + btoa("not the secret, just as long")), /No matching signature/);
    await refused({ headers: delivery.headers, body: delivery.body.replace("expert-carla", "expert-mallory") }, /No matching signature/);
    await refused(signed(delivery.body, secret, new Date(Date.now() - 10 * 60_000)), /too old/);
    await refused(signed(delivery.body, secret, new Date(Date.now() + 10 * 60_000)), /too new/);
    expect(await corrections(external)).toEqual([]);

    expect((await (await post(delivery)).json<any>()).outcome).toBe("applied");
    const stored = await corrections(external);
    expect(stored).toHaveLength(6);
    // The same delivery again, and the same event retried by Argilla (new webhook-id, new signature).
    expect((await (await post(delivery)).json<any>()).outcome).toBe("duplicate");
    expect((await (await post(signed(delivery.body))).json<any>()).outcome).toBe("duplicate");
    expect(await corrections(external)).toEqual(stored);
  });

  it("refuses everything when no webhook secret is configured", async () => {
    const delivery = signed(JSON.stringify({ type: "response.created", version: 1, timestamp: new Date().toISOString(), data: {} }));
    const response = await post(delivery, { ...env, ARGILLA_WEBHOOK_SECRET: "" } as Env);
    expect(response.status).toBe(503);
    expect((await response.json<any>()).error.message).toMatch(/webhooks are not configured/);
  });

  it("catches up by reconciliation when webhooks are missed", async () => {
    const doc = await reviewedDocument([359, 461], CERTIFICATE);
    const external = externalId(doc.id, 1, 1);
    const record = (await datasetRecords()).find((r) => r.external_id === external);
    await respond(external, "expert-dora", "submitted", record.suggestions[0].value.slice(1)); // never delivered
    expect(await corrections(external)).toEqual([]);
    await entry.scheduled(createScheduledController({ cron: "*/15 * * * *" }), env);
    expect((await corrections(external)).map((r) => r.action)).toEqual(["reject", "accept", "accept", "accept", "accept", "accept"]);
    // Again: nothing is applied twice.
    const stored = await corrections(external);
    await entry.scheduled(createScheduledController({ cron: "*/15 * * * *" }), env);
    expect(await corrections(external)).toEqual(stored);
  });
});
