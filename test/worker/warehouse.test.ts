import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, runInDurableObject } from "cloudflare:test";
import { tableFromIPC } from "apache-arrow";
import { readParquet } from "parquet-wasm/esm";
import { describe, expect, inject, it } from "vitest";
import entry from "../../src/index";
import { settings } from "../../src/config";
import { bulkDocumentId } from "../../src/ingest";
import type { Document } from "../../src/objects/document";
import type { DocumentStore } from "../../src/objects/document/store";
import { parquetKey } from "../../src/storage/keys";
import { runRows } from "../../src/outputs/tables";
import { withWarehouse, writeRun } from "../../src/outputs/warehouse";
import { finishedTableDocument, TABLE_PAGE } from "./documents";
import { OPERATOR_KEY, fetchDoc, pageDetail, scriptOcr, snapshot, textPdf, waitFor, warehouse, warehouseQuery as query, worker } from "./helpers";

describe("a finished run in the warehouse", () => {
  it("has every page, entity and the document row, equal to the document's own state, text verbatim", async () => {
    const doc = await finishedTableDocument([311, 419]);
    const state = await snapshot(doc);
    expect(state.persisted).toEqual({ parquet: true, warehouse: true, review: true });

    const [document] = await query("SELECT * FROM documents WHERE doc_id = $1", [doc.id]);
    expect(document).toMatchObject({ doc_id: doc.id, run_id: 1, filename: "autorisés.pdf", source: "upload", outcome: "done", page_count: 2, pages_failed: 0 });
    expect(Number(document.bytes)).toBe(state.bytes);
    expect(document.sha256).toBe(state.sha256);
    expect(new Date(document.received_at as string).toISOString()).toBe(state.createdAt);

    const pages = await query<any>("SELECT * FROM raw_ocr WHERE doc_id = $1 ORDER BY page", [doc.id]);
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
    for (const page of pages) {
      const detail = await pageDetail(doc, page.page);
      expect(page.raw_text).toBe(TABLE_PAGE);
      expect(page.raw_text).toBe(detail.ocr.raw);
      expect(page.clean_text).toBe(detail.ocr.text);
      expect(page.blocks).toEqual(JSON.parse(JSON.stringify(detail.ocr.blocks)));
      expect(page.tables).toEqual(detail.ocr.blocks.filter((b: any) => b.table).map((b: any) => b.table));
      expect(page).toMatchObject({ status: "done", ocr_path: "ocr", attempts: 1, image_kind: "png", image_width: 622, image_height: 838 });
    }

    const served = await (await fetchDoc(doc, "/entities")).json<{ entities: any[] }>();
    const stored = await query<any>("SELECT * FROM entities WHERE doc_id = $1 ORDER BY page, ordinal", [doc.id]);
    expect(stored).toHaveLength(served.entities.length);
    expect(stored.length).toBeGreaterThanOrEqual(10);
    expect(Number(document.entity_count)).toBe(stored.length);
    stored.forEach((row, i) => {
      const entity = served.entities[i];
      expect(row).toMatchObject({
        page: entity.page,
        label: entity.label,
        text: entity.text,
        value: entity.value,
        start_offset: entity.start,
        end_offset: entity.end,
        start_code_point: entity.startCodePoint,
        end_code_point: entity.endCodePoint,
        source: entity.source,
        flags: entity.flags,
        record: entity.record,
      });
      expect(row.confidence).toBeCloseTo(entity.confidence, 10);
    });
    // SQL metacharacters and non-ASCII stored as they were read.
    expect(stored.map((row) => row.text)).toContain("ÑANDÚ $1 \\x00 '); DELETE FROM raw_ocr; --");
    expect(stored.map((row) => row.text)).toContain("SEIN 11 🐟");
  });

  it("writes a run twice (a retry, a duplicate) without a second row", async () => {
    const doc = await finishedTableDocument([313, 421]);
    // The rows exactly as the document's persisting stage built them.
    const rows = await runInDurableObject(env.Document.getByName(doc.id), async (instance: Document) => {
      const store = (instance as unknown as { store: DocumentStore }).store;
      const row = store.document()!;
      return runRows(row, store.pages(), { runId: 1, source: "upload", outcome: "done", finishedAt: row.finished_at! });
    });
    const count = async () =>
      (await query<{ n: string }>(
        "SELECT (SELECT count(*) FROM raw_ocr WHERE doc_id = $1) + (SELECT count(*) FROM entities WHERE doc_id = $1) + (SELECT count(*) FROM documents WHERE doc_id = $1) AS n",
        [doc.id],
      ))[0].n;
    const before = await count();
    expect(Number(before)).toBe(rows.pages.length + rows.entities.length + 1);
    const waits: Promise<unknown>[] = [];
    // Small batches: several statements, each idempotent on its own.
    await withWarehouse(warehouse, (p) => waits.push(p), (client) => writeRun(client, rows, { batchBytes: 2000, batchRows: 3 }));
    await withWarehouse(warehouse, (p) => waits.push(p), (client) => writeRun(client, rows, warehouse));
    await Promise.all(waits);
    expect(await count()).toBe(before);
  });

  it("keeps the old run's rows when a document is processed again", async () => {
    const doc = await finishedTableDocument([319, 427]);
    const again = await fetchDoc(doc, "/reprocess", { method: "POST" });
    expect(again.status).toBe(202);
    expect((await again.json<any>()).run).toBe(2);
    // Running documents cannot be re-run; the answer names the stage.
    const busy = await fetchDoc(doc, "/reprocess", { method: "POST" });
    expect(busy.status).toBe(409);
    expect((await busy.json<any>()).error.message).toMatch(/^the document is (ocr|persisting); only a finished document can be processed again$/);
    const second = await waitFor(doc, (s) => s.run === 2 && s.stage === "done");
    expect(second.pageCounts.done).toBe(2);
    const runs = await query<{ run_id: number; n: string }>("SELECT run_id, count(*) AS n FROM raw_ocr WHERE doc_id = $1 GROUP BY run_id ORDER BY run_id", [doc.id]);
    expect(runs.map((r) => [r.run_id, Number(r.n)])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect((await query("SELECT run_id FROM documents WHERE doc_id = $1 ORDER BY run_id", [doc.id])).map((r) => r.run_id)).toEqual([1, 2]);
    const bad = await fetchDoc(doc, "/reprocess?pages=some", { method: "POST" });
    expect(bad.status).toBe(400);
    expect((await bad.json<any>()).error.message).toMatch(/pages must be "all" or "failed"/);
  });

  it("deletes a document with everything it left: files, warehouse rows, review records, index row, its storage", async () => {
    const doc = await finishedTableDocument([323, 431]);
    // Two runs: the records of both are in Argilla, and both must go.
    expect((await fetchDoc(doc, "/reprocess", { method: "POST" })).status).toBe(202);
    await waitFor(doc, (s) => s.run === 2 && s.stage === "done");
    const state = await snapshot(doc);
    expect(state.persisted).toEqual({ parquet: true, warehouse: true, review: true });
    const operator = { headers: { authorization: `Bearer ${OPERATOR_KEY}` } };
    const listed = async () => (await (await worker.fetch(`http://vessel.test/api/documents?sha256=${state.sha256}`, operator)).json<{ documents: Array<{ id: string }> }>()).documents.map((d) => d.id);
    await expect.poll(listed).toContain(doc.id);
    const records = async () => {
      const argilla = async (path: string) => (await (await fetch(`${inject("argillaUrl")}${path}`, { headers: { "x-argilla-api-key": inject("argillaApiKey") } })).json()) as { items: Array<{ id: string; external_id: string | null }> };
      const datasets = (await argilla("/api/v1/me/datasets")).items;
      return (await Promise.all(datasets.map(async (d) => (await argilla(`/api/v1/datasets/${d.id}/records?limit=1000`)).items))).flat().filter((r) => r.external_id?.startsWith(doc.id));
    };
    expect((await records()).map((r) => r.external_id?.split(":")[1]).sort()).toEqual(["1", "1", "2", "2"]);
    const keys = async () => (await env.DOCUMENTS_BUCKET.list({ prefix: "" })).objects.map((o) => o.key).filter((key) => key.includes(doc.id));
    expect((await keys()).length).toBeGreaterThan(3); // upload, page images, Parquet files

    const deleted = await fetchDoc(doc, "", { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await keys()).toEqual([]);
    for (const table of ["documents", "raw_ocr", "entities"]) expect(await query(`SELECT 1 FROM ${table} WHERE doc_id = $1`, [doc.id])).toEqual([]);
    expect(await records()).toEqual([]);
    expect(await listed()).toEqual([]);
    expect((await fetchDoc(doc)).status).toBe(404);
    const tables = await runInDurableObject(env.Document.getByName(doc.id), (_object, storage) => storage.storage.sql.exec("SELECT name FROM sqlite_master").toArray().length);
    expect(tables).toBe(0);
    // Again: nothing left to delete, the same answer as for any unknown document.
    expect((await fetchDoc(doc, "", { method: "DELETE" })).status).toBe(404);
  });

  it("deletes finished documents older than RETENTION_DAYS from the cron, and keeps the others", async () => {
    const old = await finishedTableDocument([347, 443]);
    const recent = await finishedTableDocument([349, 447]);
    await expect.poll(async () => (await env.INDEX.prepare("SELECT count(*) AS n FROM documents WHERE id IN (?1, ?2)").bind(old.id, recent.id).first<{ n: number }>())?.n).toBe(2);
    await env.INDEX.prepare("UPDATE documents SET created_at = ?1 WHERE id = ?2").bind(Date.now() - 40 * 24 * 3_600_000, old.id).run();
    await entry.scheduled(createScheduledController({ cron: "*/15 * * * *" }), { ...env, RETENTION_DAYS: "30" } as Env);
    expect((await fetchDoc(old)).status).toBe(404);
    expect((await fetchDoc(recent)).status).toBe(200);
  });

  it("runs one document again at most REPROCESS_PER_HOUR times an hour, then says when it may", async () => {
    const doc = await finishedTableDocument([319, 427]);
    for (let run = 2; run <= 4; run++) {
      expect((await fetchDoc(doc, "/reprocess?pages=failed", { method: "POST" })).status).toBe(202);
      await waitFor(doc, (s) => s.run === run && s.stage === "done");
    }
    const refused = await fetchDoc(doc, "/reprocess", { method: "POST" });
    expect(refused.status).toBe(429);
    expect((await refused.json<any>()).error.message).toMatch(/^this document was processed again 3 times in the last hour, the limit; retry in (59|60) minutes$/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3500);
    expect((await snapshot(doc)).run).toBe(4);
  });
});

describe("Parquet in R2", () => {
  it("writes pages, entities and the document as typed, compressed Parquet that reads back equal", async () => {
    const doc = await finishedTableDocument([323, 431]);
    const state = await snapshot(doc);
    const served = await (await fetchDoc(doc, "/entities")).json<{ entities: any[] }>();
    const listed = await env.DOCUMENTS_BUCKET.list({ prefix: "warehouse/" });
    const finishedDay = new Date(state.updatedAt).toISOString().slice(0, 10);
    const read = async (table: "raw_ocr" | "entities" | "documents") => {
      const key = parquetKey(table, doc.id, 1, Date.parse(state.updatedAt));
      expect(key).toContain(`/date=${finishedDay}/doc_id=${doc.id}/run_id=1/part-000.parquet`);
      expect(listed.objects.map((o) => o.key)).toContain(key);
      const bytes = new Uint8Array(await (await env.DOCUMENTS_BUCKET.get(key))!.arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe("PAR1");
      return tableFromIPC(readParquet(bytes).intoIPCStream());
    };

    const pages = await read("raw_ocr");
    expect(pages.numRows).toBe(2);
    expect(pages.schema.fields.find((f) => f.name === "page")!.type.toString()).toBe("Int32");
    const firstPage = pages.get(0)!.toJSON();
    const detail = await pageDetail(doc, 1);
    expect(firstPage).toMatchObject({ doc_id: doc.id, run_id: 1, page: 1, status: "done", raw_text: TABLE_PAGE, clean_text: detail.ocr.text });
    expect(JSON.parse(firstPage.blocks as string)).toEqual(JSON.parse(JSON.stringify(detail.ocr.blocks)));

    const entities = await read("entities");
    expect(entities.numRows).toBe(served.entities.length);
    const rows = entities.toArray().map((row) => row.toJSON());
    rows.forEach((row, i) => {
      const entity = served.entities[i];
      expect(row).toMatchObject({ page: entity.page, label: entity.label, text: entity.text, value: entity.value, start_offset: entity.start, record: entity.record });
      expect(JSON.parse(row.flags as string)).toEqual(entity.flags);
    });

    const documents = await read("documents");
    const documentRow = documents.get(0)!.toJSON();
    expect(documentRow).toMatchObject({ doc_id: doc.id, run_id: 1, outcome: "done", page_count: 2 });
    expect(documents.schema.fields.find((f) => f.name === "bytes")!.type.toString()).toBe("Int64");
    expect(Number(documentRow.received_at)).toBe(Date.parse(state.createdAt));
  });
});

describe("bulk ingest from R2 event notifications", () => {
  const notification = (key: string, etag: string, action = "PutObject") => ({
    account: "0123456789abcdef0123456789abcdef",
    action,
    bucket: "vessel-docs",
    object: { key, size: 1, eTag: etag },
    eventTime: new Date().toISOString(),
  });

  async function deliver(bodies: unknown[]) {
    const batch = createMessageBatch(
      "vessel-docs-ingest",
      bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await entry.queue(batch, env);
    return getQueueResult(batch, ctx);
  }

  it("processes a file dropped into the bucket once, however often it is announced", async () => {
    const size: [number, number] = [329, 433];
    await scriptOcr(size[0] * 2, size[1] * 2, [], { content: TABLE_PAGE, finishReason: "stop" });
    const key = `incoming/rclone/${crypto.randomUUID()}/IOTC list.pdf`;
    const put = await env.DOCUMENTS_BUCKET.put(key, await textPdf(1, size));
    const event = notification(key, put!.etag);

    // The same notification twice in one batch, and a replay later: one document.
    const first = await deliver([event, event]);
    expect(first.explicitAcks.sort()).toEqual(["m0", "m1"]);
    expect(first.retryMessages).toEqual([]);
    const id = await bulkDocumentId(key, put!.etag, settings(env).DOCUMENT_ID_SECRET);
    // Bulk files have no uploader and so no capability token: operators read them.
    const state = await waitFor({ id, token: OPERATOR_KEY });
    expect(state).toMatchObject({ stage: "done", source: "bulk", filename: "IOTC list.pdf", run: 1 });
    const replay = await deliver([event]);
    expect(replay.explicitAcks).toEqual(["m0"]);
    expect((await snapshot({ id, token: OPERATOR_KEY })).seq).toBe(state.seq);
    expect((await query("SELECT source FROM documents WHERE doc_id = $1", [id])).map((r) => r.source)).toEqual(["bulk"]);

    const anonymous = await worker.fetch(`http://vessel.test/api/documents/${id}`);
    expect(anonymous.status).toBe(401);

    // Its original file, from where it was dropped (not where uploads go), and its place in the listing.
    const operator = { headers: { authorization: `Bearer ${OPERATOR_KEY}` } };
    const file = await worker.fetch(`http://vessel.test/api/documents/${id}/file`, operator);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array(await (await env.DOCUMENTS_BUCKET.get(key))!.arrayBuffer()));
    // In the operators' index: found by source, stage, name, hash and time, paged newest first.
    const list = async (query: string) => (await worker.fetch(`http://vessel.test/api/documents?${query}`, operator)).json<{ documents: Array<{ id: string; source: string; stage: string; filename: string }>; cursor: string | null }>();
    await expect.poll(async () => (await list(`source=bulk&stage=done&filename=${encodeURIComponent("iotc LIST")}`)).documents.map((d) => d.id)).toContain(id);
    expect((await list(`sha256=${state.sha256}`)).documents.map((d) => d.id)).toEqual([id]);
    expect((await list(`source=upload&filename=${encodeURIComponent("IOTC list")}`)).documents.map((d) => d.id)).not.toContain(id);
    expect((await list(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).documents).toEqual([]);
    const seen: string[] = [];
    for (let cursor: string | null = ""; cursor !== null; ) {
      const page = await list(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.documents.map((d) => d.id));
      cursor = page.cursor;
    }
    expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await worker.fetch("http://vessel.test/api/documents?stage=finished", operator);
    expect(bad.status).toBe(400);
  });

  it("ignores what is not a new object under the prefix, and keeps malformed messages for the dead-letter queue", async () => {
    const outside = await env.DOCUMENTS_BUCKET.put(`elsewhere/${crypto.randomUUID()}.pdf`, "%PDF-1.7");
    const result = await deliver([
      notification("elsewhere/x.pdf", outside!.etag),
      notification("incoming/deleted.pdf", "abc", "DeleteObject"),
      notification(`incoming/${crypto.randomUUID()}.pdf`, "gone"),
      { hello: "world" },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m3"]);
  });
});
