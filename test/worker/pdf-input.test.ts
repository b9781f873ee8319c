import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Document } from "../../src/objects/document";
import { pageDetail, textPdf, upload, uploadPdf, waitFor, worker } from "./helpers";

async function uploadWithPages(pages: string, pdf: Uint8Array) {
  const response = await upload(pdf, { "content-type": "application/pdf" }, `?pages=${encodeURIComponent(pages)}`);
  return { response, body: await response.json<any>() };
}

describe("page ranges at upload", () => {
  it("processes only the pages asked for", async () => {
    const { response, body } = await uploadWithPages("1, 3", await textPdf(4, [411, 511]));
    expect(response.status).toBe(202);
    const doc = { id: body.id, token: body.token };
    const end = await waitFor(doc);
    expect(end).toMatchObject({ stage: "done", pageCount: 4, pageSelection: "1,3" });
    expect(end.pages.map((p) => p.page)).toEqual([1, 3]);
    expect((await worker.fetch(`http://vessel.test/api/documents/${doc.id}/pages/2`, { headers: { authorization: `Bearer ${doc.token}` } })).status).toBe(404);
  });

  it("reads an open range to the end", async () => {
    const { body } = await uploadWithPages("3-", await textPdf(4, [412, 512]));
    const end = await waitFor({ id: body.id, token: body.token });
    expect(end.pages.map((p) => p.page)).toEqual([3, 4]);
  });

  it("fails the document, naming them, when asked pages are not there", async () => {
    const { body } = await uploadWithPages("2,5-6", await textPdf(4, [413, 513]));
    const end = await waitFor({ id: body.id, token: body.token });
    expect(end.stage).toBe("failed");
    expect(end.error).toBe("pages 5-6 are not in this 4-page document");
  });

  it.each(["abc", "3-1", "0", "1;2", "1-2-3"])("answers 400 for pages=%s, before storing anything", async (pages) => {
    const { response, body } = await uploadWithPages(pages, await textPdf(1));
    expect(response.status).toBe(400);
    expect(body.error.message).toMatch(/^invalid pages: /);
  });
});

describe("a page whose rendering keeps dying", () => {
  it("is failed with the reason after two tries, not retried forever", async () => {
    const doc = await uploadPdf(await textPdf(2, [414, 514]));
    await waitFor(doc);
    // Make page 2 look like its rendering was cut off twice (the isolate died mid-render).
    const stub = env.Document.getByName(doc.id);
    await runInDurableObject(stub, async (_instance: Document, state) => {
      state.storage.sql.exec("UPDATE document SET stage = 'ocr'");
      state.storage.sql.exec("UPDATE pages SET status = 'rendering', render_tries = 2 WHERE page = 2");
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const end = await waitFor(doc);
    expect(end.stage).toBe("partial");
    expect((await pageDetail(doc, 2)).error).toBe("page 2: rendering did not finish in 2 tries (too large or malformed?)");
  });
});
