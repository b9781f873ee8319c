import { describe, expect, it } from "vitest";
import { canMovePage, type PageStatus } from "../../src/domain/lifecycle";
import { fetchDoc, pageDetail, scriptOcr, subscribe, textPdf, uploadPdf, waitFor } from "./helpers";

describe("live progress over WebSocket", () => {
  it("sends a snapshot, then every transition in order with no gaps, up to the final state", async () => {
    const doc = await uploadPdf(await textPdf(4, [331, 431]));
    const live = await subscribe(doc);
    const final = await live.next("document", (m) => ["done", "partial", "failed"].includes(m.stage));
    expect(final.stage).toBe("done");

    const [first] = live.of("snapshot");
    expect(live.messages[0]).toBe(first);
    const events = live.messages.slice(1).filter((m) => m.type === "document" || m.type === "page");
    expect(events).toHaveLength(live.messages.length - 1);
    let seq = first.document.seq;
    for (const event of events) {
      expect(event.seq).toBe(++seq);
    }
    // Replaying the events over the snapshot gives the final state the REST API reports.
    const pages = new Map<number, string>(first.document.pages.map((p) => [p.page, p.status]));
    for (const event of live.of("page")) pages.set(event.page.page, event.page.status);
    expect([...pages.values()]).toEqual(["done", "done", "done", "done"]);
    const rest = await waitFor(doc);
    expect(rest.seq).toBe(seq);

    // Every page event continues from the state the client last knew: a legal move in the lifecycle.
    const known = new Map<number, PageStatus>(first.document.pages.map((p) => [p.page, p.status]));
    for (const event of live.of("page")) {
      const before = known.get(event.page.page);
      if (before !== undefined) {
        expect(event.from).toBe(before);
        expect(canMovePage(before, event.page.status)).toBe(true);
      }
      known.set(event.page.page, event.page.status);
    }
    expect(live.of("page").filter((e) => e.page.status === "done").length).toBe(4 - first.document.pages.filter((p) => p.status === "done").length);
    live.socket.close();
  });

  it("rejects bad client messages and keeps the connection", async () => {
    const doc = await uploadPdf(await textPdf(1, [341, 441]));
    await waitFor(doc);
    const live = await subscribe(doc);
    await live.next("snapshot");

    live.socket.send("this is not json");
    await live.next("error", (m) => /not valid JSON/.test(m.message));
    live.socket.send(JSON.stringify({ type: "launch-missiles" }));
    await live.next("error", (m) => /unknown message/.test(m.message));
    live.socket.send(JSON.stringify({ type: "ping", padding: "x".repeat(4096) }));
    await live.next("error", (m) => /at most 1024 bytes/.test(m.message));
    live.socket.send(new Uint8Array([1, 2, 3]));
    expect(live.messages.filter((m) => m.type === "error").length).toBeGreaterThanOrEqual(3);

    live.socket.send(JSON.stringify({ type: "ping" }));
    await live.next("pong");
    live.socket.send(JSON.stringify({ type: "snapshot" }));
    await live.next("snapshot", (m) => m !== live.messages[0]);
    expect(live.of("snapshot")).toHaveLength(2);
    expect(live.of("snapshot")[1].document.stage).toBe("done");
    live.socket.close();
  });

  it("refuses plain HTTP on the WebSocket endpoint", async () => {
    const doc = await uploadPdf(await textPdf(1, [342, 442]));
    const response = await fetchDoc(doc, "/ws");
    expect(response.status).toBe(426);
  });
});

describe("cancelling", () => {
  it("stops a running document; finished pages keep their results", async () => {
    // The first page is answered; the others hang (till the time-out), so they are still running.
    await scriptOcr(742, 942, [{ ok: true }], { hang: true }, 300);
    const doc = await uploadPdf(await textPdf(6, [371, 471]));
    await waitFor(doc, (s) => (s.pageCounts.done ?? 0) >= 1);
    const response = await fetchDoc(doc, "/cancel", { method: "POST" });
    expect(response.status).toBe(200);
    expect((await response.json<any>()).stage).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 1000));
    const after = await waitFor(doc);
    expect(after.stage).toBe("cancelled");
    expect(after.pageCounts.done).toBe(1);
    expect((await pageDetail(doc, 1)).ocr.text).toContain("Line 1 of");
  });
});
