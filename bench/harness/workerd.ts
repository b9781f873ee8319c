/**
 * The Node side of a benchmark whose measuring runs in workerd (bench/workerd/<name>.test.ts, by
 * vitest and the Cloudflare plugin): a collector the workerd side reaches over HTTP (`/tick` to let
 * time advance, `/figures` to hand its results back, and whatever `files` serves), and the run.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";

/** Runs bench/workerd/`name`.test.ts; resolves with what it posted to `/figures`. */
export async function measureInWorkerd<Figures>(name: string, files: Record<string, Uint8Array> = {}): Promise<Figures> {
  let figures: Figures | null = null;
  const server = createServer((req, res) => {
    const file = files[req.url ?? ""];
    if (file) return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(file);
    if (req.url === "/tick") return void res.writeHead(204).end();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.url === "/figures") figures = JSON.parse(Buffer.concat(chunks).toString()) as Figures;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const vitest = spawn("vitest", ["run", "--config", "bench/workerd/vitest.config.ts"], {
      cwd: resolve(import.meta.dirname, "../.."),
      env: { ...process.env, BENCH_COLLECTOR: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, BENCH_ONLY: name },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const code = await new Promise<number | null>((r) => vitest.on("exit", r));
    if (code !== 0 || figures === null) throw new Error(`bench/workerd/${name}.test.ts failed (exit ${code})`);
    return figures;
  } finally {
    server.close();
  }
}
