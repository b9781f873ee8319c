/**
 * The whole local system as `npm start` runs it (wrangler dev, the Document objects, the local
 * tesseract engine), for benchmarks that upload documents through the API and read back what came
 * out. Uploads carry an operator key: operators are not rate-limited.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { startLocalSystem, type LocalSystem } from "../../dev/local-system.ts";

export interface BenchSystem extends LocalSystem {
  key: string;
}

export async function startBenchSystem(out: string, key: string): Promise<BenchSystem> {
  const system = await startLocalSystem({
    port: 0,
    stateDir: resolve(out, "state"),
    ocrEngine: "tesseract",
    // More tesseract workers only make the run shorter; each page is read the same way.
    ocrWorkers: 2,
    stdio: process.env.BENCH_VERBOSE ? "inherit" : "ignore",
    vars: { OPERATOR_KEY_HASHES: createHash("sha256").update(key).digest("hex") },
  });
  return Object.assign(system, { key });
}

/** Uploads a PDF; `get` reads the document's API paths. */
export async function uploadDocument(system: BenchSystem, name: string, pdf: Uint8Array): Promise<{ id: string; get: (path: string) => Promise<any> }> {
  const post = () =>
    fetch(`${system.base}/api/documents?filename=${name}.pdf`, {
      method: "POST",
      body: Buffer.from(pdf),
      headers: { "content-type": "application/pdf", authorization: `Bearer ${system.key}` },
    });
  // wrangler dev may restart its worker once just after it says it is ready, closing the
  // connections of that moment: an upload cut off so is sent again (were it taken, the bench
  // only holds one more document).
  const upload = await post().catch(async (error) => {
    if (!(error instanceof TypeError)) throw error;
    await new Promise((r) => setTimeout(r, 2000));
    return post();
  });
  if (upload.status !== 202) throw new Error(`${name}: upload answered ${upload.status}: ${await upload.text()}`);
  const { id, token } = (await upload.json()) as { id: string; token: string };
  const get = async (path: string) => (await fetch(`${system.base}/api/documents/${id}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  return { id, get };
}

/** Uploads a PDF, waits until its document is final; `get` reads the document's API paths after. */
export async function processDocument(system: BenchSystem, name: string, pdf: Uint8Array): Promise<{ snapshot: any; get: (path: string) => Promise<any> }> {
  const { get } = await uploadDocument(system, name, pdf);
  let snapshot = await get("");
  for (const started = Date.now(); !["done", "partial", "failed", "cancelled"].includes(snapshot.stage); snapshot = await get("")) {
    if (Date.now() - started > 600_000) throw new Error(`${name}: not finished after 10 minutes (${snapshot.stage})`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { snapshot, get };
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function eachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}
