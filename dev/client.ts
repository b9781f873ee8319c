/**
 * A client of the Worker's REST API and WebSocket, for the command-line tools (smoke test, bulk
 * uploads): upload with byte progress, follow a document live until it is final.
 */
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";

export interface Uploaded {
  id: string;
  token: string;
}

export interface Progress {
  stage: string;
  pageCount: number | null;
  pagesSettled: number;
  error: string | null;
}

const SETTLED = new Set(["done", "degraded", "blank", "failed"]);
const FINAL = new Set(["done", "partial", "failed", "cancelled"]);

/** Uploads one PDF file; `onBytes` hears how many bytes have gone so far. */
export async function uploadFile(base: string, path: string, key: string | undefined, onBytes: (sent: number, total: number) => void): Promise<Uploaded> {
  const bytes = readFileSync(path);
  const total = statSync(path).size;
  let sent = 0;
  const chunk = 256 * 1024;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const next = bytes.subarray(sent, sent + chunk);
      sent += next.length;
      onBytes(sent, total);
      controller.enqueue(next);
    },
  });
  const response = await fetch(`${base}/api/documents?filename=${encodeURIComponent(basename(path))}`, {
    method: "POST",
    body,
    duplex: "half",
    headers: { "content-type": "application/pdf", "idempotency-key": `cli-${crypto.randomUUID()}`, ...(key ? { authorization: `Bearer ${key}` } : {}) },
  } as RequestInit);
  const answer = (await response.json().catch(() => null)) as (Uploaded & { error?: { message: string } }) | null;
  if (response.status !== 202 || !answer?.id) throw new Error(answer?.error?.message ?? `the server answered ${response.status}`);
  return { id: answer.id, token: answer.token };
}

/** Follows a document over its WebSocket until it is final; `onProgress` hears every change. */
export function follow(base: string, document: Uploaded, onProgress: (progress: Progress) => void, timeoutMs = 30 * 60_000): Promise<Progress> {
  const url = new URL(`/api/documents/${document.id}/ws`, base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, ["vessel-docs.v1", `bearer.${document.token}`]);
    const pages = new Map<number, string>();
    const progress: Progress = { stage: "received", pageCount: null, pagesSettled: 0, error: null };
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`not finished after ${timeoutMs / 60_000} minutes (${progress.stage})`));
    }, timeoutMs);
    const update = () => {
      progress.pagesSettled = [...pages.values()].filter((status) => SETTLED.has(status)).length;
      onProgress({ ...progress });
      if (FINAL.has(progress.stage)) {
        clearTimeout(timer);
        socket.close();
        resolve({ ...progress });
      }
    };
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data));
      if (message.type === "snapshot") {
        Object.assign(progress, { stage: message.document.stage, pageCount: message.document.pageCount, error: message.document.error });
        for (const page of message.document.pages) pages.set(page.page, page.status);
      } else if (message.type === "document") {
        Object.assign(progress, { stage: message.stage, pageCount: message.pageCount ?? progress.pageCount, error: message.error });
      } else if (message.type === "page") {
        pages.set(message.page.page, message.page.status);
      } else return;
      update();
    });
    socket.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error("the WebSocket failed"));
    });
  });
}
