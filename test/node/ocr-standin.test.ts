import { encode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOcrStandin, type OcrStandin } from "../../dev/ocr-standin.ts";
import type { Stats } from "../../dev/ocr-standin-protocol.ts";

let standin: OcrStandin;
beforeAll(async () => {
  standin = await startOcrStandin();
});
afterAll(() => standin.close());

/** A white gray PNG with a black bar over rows [top, bottom) and columns [left, right). */
function pngWithBar(width: number, height: number, [left, top, right, bottom]: number[]): Uint8Array {
  const data = new Uint8Array(width * height).fill(255);
  for (let y = top; y < bottom; y++) data.fill(0, y * width + left, y * width + right);
  return encode({ width, height, data, channels: 1, depth: 8 });
}

function chat(url: string, mediaType = "image/png", bytes = pngWithBar(1000, 500, [100, 100, 900, 150])) {
  return fetch(`${standin.url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({
      model: "deepseek-ai/DeepSeek-OCR",
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: url || `data:${mediaType};base64,${Buffer.from(bytes).toString("base64")}` } },
            { type: "text", text: "<|grounding|>Convert the document to markdown." },
          ],
        },
      ],
    }),
  });
}

describe("the OCR stand-in", () => {
  it("answers like vLLM with grounded markdown whose boxes come from the image", async () => {
    const response = await chat("");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].finish_reason).toBe("stop");
    const text: string = body.choices[0].message.content;
    // The bar spans x 100..899 and y 100..149 of a 1000 x 500 image, on the 0..999 grid.
    expect(text).toContain("<|ref|>text<|/ref|><|det|>[[100, 200, 899, 298]]<|/det|>\nLine 1 of 1: 50 px tall, 100.0% ink.");
    expect(text).toMatch(/<\|ref\|>table<\|\/ref\|><\|det\|>\[\[0, 0, 999, 999\]\]<\|\/det\|>\n<table>/);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("rejects what vLLM rejects: no image, or bytes that are not an image", async () => {
    const noImage = await chat("not-a-data-url");
    expect(noImage.status).toBe(400);
    const pdf = await chat("", "application/pdf", new TextEncoder().encode("%PDF-1.7"));
    expect(pdf.status).toBe(400);
    expect((await pdf.json()).message).toMatch(/cannot identify image/);
  });

  it("follows a script for one page size, then answers normally, and counts what it saw", async () => {
    await fetch(`${standin.url}/_sim/rules`, {
      method: "POST",
      body: JSON.stringify({ width: 1000, height: 500, script: [{ status: 503 }] }),
    });
    expect((await chat("")).status).toBe(503);
    expect((await chat("")).status).toBe(200);
    const stats: Stats = await (await fetch(`${standin.url}/_sim/stats`)).json();
    const [image] = Object.values(stats.images).filter((entry) => entry.last.width === 1000);
    expect(image.requests).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${standin.url}/health`)).status).toBe(200);
  });
});
