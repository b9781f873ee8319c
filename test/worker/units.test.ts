import { describe, expect, it } from "vitest";
import { env, runInDurableObject } from "cloudflare:test";
import { PDFDocument, degrees } from "pdf-lib";
import { backoffMs } from "../../src/lib/retry";
import { settings } from "../../src/config";
import { ocrClientOptions } from "../../src/ocr/deepseek";
import { canMoveDocument, canMovePage, documentStages, isFinalStage, ocrOutcome } from "../../src/domain/lifecycle";
import { documentMigrations } from "../../src/objects/document/schema";
import { migrate } from "../../src/lib/sql";
import { parseGrounded } from "../../src/ocr/grounding";
import { openPdf } from "../../src/pdf/document";
import { PdfError } from "../../src/pdf/errors";
import { fullPageJpeg } from "../../src/pdf/jpeg-passthrough";
import { scannedPdf } from "./helpers";

describe("lifecycle", () => {
  it("only lets a document move forward, and out of an end state only into a new run", () => {
    expect(canMoveDocument("received", "paging")).toBe(true);
    expect(canMoveDocument("ocr", "paging")).toBe(false);
    expect(canMoveDocument("ocr", "done")).toBe(false); // outputs are persisted first
    expect(canMoveDocument("persisting", "done")).toBe(true);
    expect(canMoveDocument("persist_retry", "done")).toBe(false);
    for (const stage of documentStages.filter(isFinalStage)) {
      expect(documentStages.filter((to) => canMoveDocument(stage, to))).toEqual(["ocr"]);
    }
    expect(canMovePage("ocr", "retrying")).toBe(true);
    expect(canMovePage("done", "queued")).toBe(true);
    expect(canMovePage("ocr", "queued")).toBe(false);
  });

  it("ends the OCR stage done, partial or failed from the pages' outcomes", () => {
    expect(ocrOutcome({ withResult: 3, failed: 0 })).toBe("done");
    expect(ocrOutcome({ withResult: 2, failed: 1 })).toBe("partial");
    expect(ocrOutcome({ withResult: 0, failed: 2 })).toBe("failed");
  });
});

describe("backoff", () => {
  it("doubles per attempt within ±50% jitter, capped at five minutes", () => {
    expect(backoffMs(1, 1000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, () => 0.999)).toBe(1499);
    expect(backoffMs(3, 1000, () => 0.5)).toBe(4000);
    expect(backoffMs(30, 1000, () => 0.5)).toBe(300_000);
  });
});

describe("grounded markdown to plain text", () => {
  it("drops the grounding tags and keeps tables readable", () => {
    const raw =
      "<|ref|>title<|/ref|><|det|>[[10, 20, 500, 60]]<|/det|>\n# Authorised vessels\n\n" +
      "<|ref|>table<|/ref|><|det|>[[10, 80, 990, 900], [10, 910, 990, 990]]<|/det|>\n" +
      "<table><tr><td>Name</td><td>IMO</td></tr><tr><td>OCEAN &amp; PEARL</td><td>7910187</td></tr></table>";
    expect(parseGrounded(raw, { width: 1, height: 1 }).text).toBe("# Authorised vessels\n\nName\tIMO\nOCEAN & PEARL\t7910187");
  });

  it("keeps text that merely looks like markup when it is not a tag", () => {
    expect(parseGrounded("Length < 24 m and GT > 100", { width: 1, height: 1 }).text).toBe("Length < 24 m and GT > 100");
  });
});

describe("opening PDFs", () => {
  it("names the problem with a file that is not a PDF inside", async () => {
    const error = await openPdf(new TextEncoder().encode("%PDF-1.4\nnothing here"), 1 << 20).catch((e) => e);
    expect(error).toBeInstanceOf(PdfError);
    expect(error.message).toMatch(/^not a readable PDF/);
  });

  it("says a PDF without pages has no pages", async () => {
    const empty = await (await PDFDocument.create()).save({ addDefaultPage: false });
    await expect(openPdf(empty, 1 << 20)).rejects.toThrow("the PDF has no pages");
  });
});

describe("JPEG pass-through", () => {
  it("takes a full-page scan's JPEG byte for byte", async () => {
    const { pdf, jpeg } = await scannedPdf(210, 297);
    const found = fullPageJpeg(await PDFDocument.load(pdf), 0);
    expect(found?.bytes).toEqual(jpeg);
    expect([found?.width, found?.height]).toEqual([210, 297]);
  });

  it("renders instead when the page is rotated", async () => {
    const { pdf } = await scannedPdf(210, 297);
    const doc = await PDFDocument.load(pdf);
    doc.getPage(0).setRotation(degrees(90));
    expect(fullPageJpeg(doc, 0)).toBeNull();
  });

  it("renders instead when the JPEG carries an Adobe colour transform", async () => {
    const { jpeg } = await scannedPdf(210, 297);
    const app14 = [0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x02];
    const adobe = new Uint8Array([0xff, 0xd8, ...app14, ...jpeg.subarray(2)]);
    const doc = await PDFDocument.create();
    const image = await doc.embedJpg(adobe);
    doc.addPage([210, 297]).drawImage(image, { x: 0, y: 0, width: 210, height: 297 });
    expect(fullPageJpeg(await PDFDocument.load(await doc.save()), 0)).toBeNull();
  });

  it("renders instead when the image does not cover the page", async () => {
    const { jpeg } = await scannedPdf(210, 297);
    const doc = await PDFDocument.create();
    const image = await doc.embedJpg(jpeg);
    doc.addPage([400, 500]).drawImage(image, { x: 10, y: 10, width: 210, height: 297 });
    expect(fullPageJpeg(await PDFDocument.load(await doc.save()), 0)).toBeNull();
  });
});

describe("Document storage schema", () => {
  it("has no schema before a document is received, then records the applied version and runs no DDL on a warm wake", async () => {
    const stub = env.Document.getByName(`schema-${crypto.randomUUID()}`);
    await runInDurableObject(stub, (_instance, state) => {
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master").toArray()).toEqual([]);
      migrate(state.storage, documentMigrations); // what receive() does first
      const versions = () => state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_migrations").toArray();
      expect(versions().map((row) => row.version)).toEqual(documentMigrations.map((_, i) => i + 1));
      migrate(state.storage, documentMigrations); // would fail on CREATE TABLE if it re-ran
      expect(versions()).toHaveLength(documentMigrations.length);
    });
  });

  it("migrates a version-1 database forward without losing its document", async () => {
    // A bare object of another class stands in for a Document stored before migration 2 existed.
    const stub = env.UploadKey.getByName(`migrate-${crypto.randomUUID()}`);
    await runInDurableObject(stub, (_instance, state) => {
      migrate(state.storage, documentMigrations.slice(0, 1));
      state.storage.sql.exec(
        "INSERT INTO document (id, filename, bytes, sha256, r2_key, stage, created_at, updated_at) VALUES ('d1', 'old.pdf', 1, 'h', 'k', 'done', 0, 0)",
      );
      migrate(state.storage, documentMigrations);
      expect(state.storage.sql.exec("SELECT id, filename, token_sha256 FROM document").toArray()).toEqual([
        { id: "d1", filename: "old.pdf", token_sha256: null },
      ]);
    });
  });
});

describe("OCR client configuration", () => {
  it("sends the Access service token and bearer token only when configured", async () => {
    expect(ocrClientOptions(settings(env)).headers).toEqual({});
    const withSecrets = settings({
      ...env,
      SPARK_OCR_URL: "https://ocr.example.org/",
      SPARK_ACCESS_CLIENT_ID: "id.access",
      SPARK_ACCESS_CLIENT_SECRET: "s3cret",
      SPARK_API_TOKEN: "tok",
    } as Env);
    const options = ocrClientOptions(withSecrets);
    expect(options.baseUrl).toBe("https://ocr.example.org");
    expect(options.headers).toEqual({
      "CF-Access-Client-Id": "id.access",
      "CF-Access-Client-Secret": "s3cret",
      Authorization: "Bearer tok",
    });
  });

  it("refuses a configuration that is not usable, naming the setting", async () => {
    expect(() => settings({ ...env, SPARK_OCR_URL: "ftp://nope", OCR_MAX_ATTEMPTS: "zero" } as unknown as Env)).toThrow(
      /SPARK_OCR_URL[\s\S]*OCR_MAX_ATTEMPTS|OCR_MAX_ATTEMPTS[\s\S]*SPARK_OCR_URL/,
    );
  });
});
