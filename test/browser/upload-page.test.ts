/**
 * The upload page in a real browser: Debian's Chromium driven by playwright-core, against
 * `wrangler dev` with the local services (OCR stand-in, DuckDB warehouse, Argilla stand-in), as
 * `npm start` runs them. The browser reaches the Worker through a TCP proxy the test can cut, to
 * drop its WebSockets for real. Screenshots of the main states go to test-output/screenshots/.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import jpeg from "jpeg-js";
import { PDFDocument } from "pdf-lib";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalSystem, type LocalSystem } from "../../dev/local-system.ts";

const SCREENSHOTS = resolve(import.meta.dirname, "../../test-output/screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** What the model "reads" on the test pages: a vessel table, with markup that must stay text. */
const VESSEL_PAGE =
  "<|ref|>title<|/ref|><|det|>[[60,40,940,90]]<|/det|>\n# Authorised vessels <img src=x onerror=\"window.pwned=1\"> <script>window.pwned=2</script>\n\n" +
  "<|ref|>table<|/ref|><|det|>[[60,120,940,520]]<|/det|>\n<table><tr><td>Vessel Name</td><td>Flag</td><td>IMO</td><td>IRCS</td></tr>" +
  "<tr><td>OCEAN STAR</td><td>Panama</td><td>9074729</td><td>3EAB7</td></tr>" +
  "<tr><td>SEIN 11</td><td>Fiji</td><td>8664369</td><td>3DN6876</td></tr></table>";

let stateDir: string;
let system: LocalSystem;
let proxy: { url: string; cut(forMs: number): void; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "vessel-docs-browser-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  system = await startLocalSystem({ port: 0, stateDir, ocrEngine: "standin", ocrStandinLatencyMs: 100, stdio: "ignore" });
  proxy = await startProxy(Number(new URL(system.base).port));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await system?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A scanned-style PDF: each page one full-page JPEG of `width` x `height` pixels (sent to OCR as is). */
async function scannedPdf(pages: number, width: number, height: number): Promise<Buffer> {
  const pixels = new Uint8Array(width * height * 4).fill(255);
  for (let y = 60; y < 80; y++) pixels.fill(0, y * width * 4 + 80, y * width * 4 + (width - 80) * 4);
  const image = jpeg.encode({ data: pixels, width, height }, 80).data;
  const pdf = await PDFDocument.create();
  const embedded = await pdf.embedJpg(image);
  for (let i = 0; i < pages; i++) pdf.addPage([width, height]).drawImage(embedded, { x: 0, y: 0, width, height });
  return Buffer.from(await pdf.save());
}

async function scriptOcr(width: number, height: number, latencyMs = 100): Promise<void> {
  const response = await fetch(`${system.ocrUrl}/_sim/rules`, {
    method: "POST",
    body: JSON.stringify({ width, height, script: [], then: { content: VESSEL_PAGE, finishReason: "stop" }, latencyMs }),
  });
  expect(response.status).toBe(201);
}

async function dropFiles(page: Page, files: Array<{ name: string; bytes: Buffer }>): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const file of list) data.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: "application/pdf" }));
    return data;
  }, files.map((file) => ({ name: file.name, bytes: [...file.bytes] })));
  await page.dispatchEvent("#drop", "dragenter", { dataTransfer: transfer });
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
}

const card = (page: Page, name: string) => page.locator("article.document", { has: page.locator("h2", { hasText: name }) });

describe("the upload page", () => {
  let page: Page;

  it("takes two dropped PDFs and shows every page reach done, with counts and time", async () => {
    await scriptOcr(400, 520);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(proxy.url);
    await dropFiles(page, [
      { name: "iotc-authorised.pdf", bytes: await scannedPdf(2, 400, 520) },
      { name: "iuu-notice.pdf", bytes: await scannedPdf(1, 400, 520) },
    ]);
    for (const [name, pages] of [["iotc-authorised.pdf", 2], ["iuu-notice.pdf", 1]] as const) {
      const doc = card(page, name);
      await expect.poll(() => doc.getAttribute("data-stage"), { timeout: 60_000 }).toBe("done");
      await expect.poll(() => doc.locator(".page.done").count()).toBe(pages);
      expect(await doc.locator(".stage").textContent()).toBe("Done");
      expect(await doc.locator(".counts").textContent()).toBe(`· ${pages} of ${pages} pages read`);
      expect(await doc.locator(".timing").textContent()).toMatch(/^· \d+ s$/);
      // Colour is not the only signal: every page says its status in words.
      expect(await doc.locator(".page").first().textContent()).toBe("1done");
    }
    await page.screenshot({ path: join(SCREENSHOTS, "1-documents-done.png"), fullPage: true });
  });

  it("opens a page with its image, blocks and entity boxes, the table, and the facts, OCR markup kept as text", async () => {
    // By keyboard: the page buttons are real buttons.
    await card(page, "iuu-notice.pdf").locator(".page").first().focus();
    await page.keyboard.press("Enter");
    const dialog = page.locator("#page-view");
    await dialog.waitFor({ state: "visible" });
    await expect.poll(() => page.locator("#page-image").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
    expect(await page.locator("#page-boxes rect.box").count()).toBe(2);
    expect(await page.locator("#page-boxes rect.box.entity").count()).toBe(1);
    expect(await page.locator(".ocr-table th, .ocr-table td").allTextContents()).toEqual(["Vessel Name", "Flag", "IMO", "IRCS", "OCEAN STAR", "Panama", "9074729", "3EAB7", "SEIN 11", "Fiji", "8664369", "3DN6876"]);
    expect(await page.locator("#page-text mark[data-label=IMO_NUMBER]").allTextContents()).toEqual(["9074729", "8664369"]);
    const facts = await page.locator("#page-entities tbody tr").allTextContents();
    expect(facts).toContain("IMO_NUMBER90747299074729ok");
    expect(facts).toContain("FLAG_STATEPANPanamaok");
    // Untrusted output: no element was made from it and nothing of it ran.
    expect(await page.locator("#page-text img, #page-text script").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // The parser drops the tags from the clean text; what is left is shown as text.
    expect(await page.locator("#page-text p").first().textContent()).toBe("# Authorised vessels  window.pwned=2");
    await page.screenshot({ path: join(SCREENSHOTS, "2-page-view.png") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });

  it("survives a dropped connection and a reload, and opens a shared link", async () => {
    await scriptOcr(404, 520, 700);
    await page.setInputFiles("#file-input", { name: "registry.pdf", mimeType: "application/pdf", buffer: await scannedPdf(4, 404, 520) });
    const doc = card(page, "registry.pdf");
    await expect.poll(() => doc.locator(".connection").textContent(), { timeout: 30_000 }).toBe("live");
    await expect.poll(() => doc.locator(".page").count(), { timeout: 30_000 }).toBe(4);
    proxy.cut(2500);
    await expect.poll(() => doc.locator(".connection").textContent(), { timeout: 10_000 }).toMatch(/reconnecting/);
    await page.screenshot({ path: join(SCREENSHOTS, "3-reconnecting.png"), fullPage: true });
    await expect.poll(() => doc.getAttribute("data-stage"), { timeout: 60_000 }).toBe("done");
    expect(await doc.locator(".page.done").count()).toBe(4);

    await page.reload();
    await expect.poll(() => page.locator("article.document[data-stage=done]").count(), { timeout: 30_000 }).toBe(3);
    expect(await page.locator("article.document").count()).toBe(3);
    expect(await card(page, "registry.pdf").locator(".page.done").count()).toBe(4);

    // A shared link (token in the fragment) in a fresh browser profile.
    const { id, token } = await page.evaluate(() => JSON.parse(localStorage.getItem("vessel-docs.documents")!).find((d: { name: string }) => d.name === "registry.pdf"));
    const other = await browser.newPage();
    await other.goto(`${proxy.url}/#doc=${id}&token=${token}`);
    await expect.poll(() => other.locator("article.document h2").textContent(), { timeout: 30_000 }).toBe("registry.pdf");
    expect(await other.locator("article.document .page.done").count()).toBe(4);
    await other.close();
    const forged = await browser.newPage();
    await forged.goto(`${proxy.url}/#doc=${id}&token=${"A".repeat(43)}`);
    await expect.poll(() => forged.locator(`article.document[data-id="${id}"] .alert`).textContent(), { timeout: 30_000 }).toMatch(/token is not valid/);
    expect(await forged.locator(".page").count()).toBe(0);
    await forged.close();
    // A link whose values are not an id and a token is refused before anything is fetched.
    const malformed = await browser.newPage();
    const requested: string[] = [];
    malformed.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await malformed.goto(`${proxy.url}/#doc=../../api/health%3Fx&token=${token}`);
    await expect.poll(() => malformed.locator("#notice").textContent()).toMatch(/shared link is not valid/);
    expect(await malformed.locator("article.document").count()).toBe(0);
    expect(requested.filter((path) => path.startsWith("/api/"))).toEqual([]);
    await malformed.close();
  });

  it("shows an unavailable OCR server and a failed page's reason, and retries failed pages", async () => {
    // Page 1 is refused by the model once (a 4xx fails a page at once); page 2 reads fine.
    for (const [width, script] of [[408, [{ status: 400 }]], [410, []]] as const) {
      const response = await fetch(`${system.ocrUrl}/_sim/rules`, {
        method: "POST",
        body: JSON.stringify({ width, height: 520, script, then: { content: VESSEL_PAGE, finishReason: "stop" }, latencyMs: 100 }),
      });
      expect(response.status).toBe(201);
    }
    const pdf = await PDFDocument.create();
    for (const width of [408, 410]) (await pdf.copyPages(await PDFDocument.load(await scannedPdf(1, width, 520)), [0])).forEach((p) => pdf.addPage(p));
    await fetch(`${system.ocrUrl}/_sim/outage`, { method: "POST", body: JSON.stringify({ ms: 4000 }) });
    await page.setInputFiles("#file-input", { name: "inspection.pdf", mimeType: "application/pdf", buffer: Buffer.from(await pdf.save()) });
    const doc = card(page, "inspection.pdf");
    await expect.poll(() => doc.locator(".alert").textContent(), { timeout: 30_000 }).toMatch(/^The OCR server is unavailable/);
    expect(await doc.locator(".stage").textContent()).toBe("Waiting for the OCR server");
    await page.screenshot({ path: join(SCREENSHOTS, "4-ocr-unavailable.png"), fullPage: true });

    await expect.poll(() => doc.getAttribute("data-stage"), { timeout: 60_000 }).toBe("partial");
    const failed = doc.locator(".page.failed");
    expect(await failed.getAttribute("aria-label")).toMatch(/^Page 1: failed\. page 1: .*400/);
    expect(await doc.locator(".alert").textContent()).toBe("1 of 2 pages failed");
    expect(await doc.locator(".page-errors li").allTextContents()).toEqual([(await failed.getAttribute("title"))!]);
    expect(await doc.locator(".page-errors li").first().textContent()).toMatch(/^page 1: .*400/);
    await page.screenshot({ path: join(SCREENSHOTS, "5-page-failed.png"), fullPage: true });
    await doc.getByRole("button", { name: "Retry failed pages" }).click();
    await expect.poll(() => doc.getAttribute("data-stage"), { timeout: 60_000 }).toBe("done");
    expect(await doc.locator(".page.done").count()).toBe(2);
    expect(await doc.locator(".page-errors").isHidden()).toBe(true);
  });

  it("serves a page's signed image to Argilla's origin, where the browser shows it as an <img>", async () => {
    await scriptOcr(404, 520);
    const uploaded = await fetch(`${system.base}/api/documents?filename=signed.pdf`, { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await scannedPdf(1, 404, 520)) });
    expect(uploaded.status).toBe(202);
    const { id, token } = (await uploaded.json()) as { id: string; token: string };
    await expect
      .poll(async () => ((await (await fetch(`${system.base}/api/documents/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { stage: string }).stage, { timeout: 30_000 })
      .toBe("done");
    // The link exactly as the document sent it to Argilla (the stand-in) for review.
    const argilla = async (path: string) => (await (await fetch(`${system.argilla!.url}${path}`, { headers: { "x-argilla-api-key": system.argilla!.ownerApiKey } })).json()) as { items: any[] };
    const datasets = (await argilla("/api/v1/me/datasets")).items;
    const records = (await Promise.all(datasets.map(async (d) => (await argilla(`/api/v1/datasets/${d.id}/records?limit=1000`)).items))).flat();
    const link = records.map((r) => r.fields?.page_image as string | undefined).find((url) => url?.includes(id));
    expect(link).toMatch(/\/api\/review\/pages\/[0-9a-f]{32}\/1\/image\?expires=\d+&signature=[0-9a-f]{64}$/);
    // Another origin (another port), as Argilla's is.
    const argillaOrigin = createHttpServer((_request, response) => {
      response.setHeader("content-type", "text/html");
      response.end(`<!doctype html><img id="page" src="${link}" alt="page 1">`);
    });
    await new Promise<void>((resolve) => argillaOrigin.listen(0, "127.0.0.1", resolve));
    const other = await browser.newPage();
    try {
      await other.goto(`http://127.0.0.1:${(argillaOrigin.address() as AddressInfo).port}/`);
      await expect.poll(() => other.locator("#page").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(404);
    } finally {
      await other.close();
      argillaOrigin.close();
    }
  });

  it("is started without its secrets on a command line (`ps` shows those to every user)", async () => {
    const secret = readFileSync(join(stateDir, "review-link-secret"), "utf8").trim();
    const commandLines = [system.wrangler.pid!, ...descendants(system.wrangler.pid!)].map((pid) => readFileSync(`/proc/${pid}/cmdline`, "latin1"));
    expect(commandLines.length).toBeGreaterThan(1);
    for (const line of commandLines) expect(line).not.toContain(secret);
    const envFile = join(stateDir, "local.env");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, "utf8")).toContain(`REVIEW_LINK_SECRET="${secret}"`);
  });

  it("says why a file that is not a PDF was refused", async () => {
    await page.setInputFiles("#file-input", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just some notes") });
    await expect.poll(() => page.locator("#notice").textContent()).toBe("notes.txt: not a PDF: the file does not start with a %PDF- header");
    expect(await card(page, "notes.txt").locator(".stage").textContent()).toBe("Not uploaded");
    await page.screenshot({ path: join(SCREENSHOTS, "6-not-a-pdf.png"), fullPage: true });
  });

  it("fits a phone's width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "7-phone.png"), fullPage: true });
    await page.close();
  });
});


/** A TCP proxy to the Worker; `cut` drops every connection and refuses new ones for a while. */
async function startProxy(target: number) {
  const open = new Set<Socket>();
  let refuseUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < refuseUntil) return void client.destroy();
    const upstream = connect(target, "127.0.0.1");
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut(forMs: number) {
      refuseUntil = Date.now() + forMs;
      for (const socket of open) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Every process started, directly or not, by `root`. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  for (let frontier = [root]; frontier.length; ) {
    frontier = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}
