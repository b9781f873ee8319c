import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { describe, expect, inject, it } from "vitest";
import { identify, sameDigest, verifyAccessJwt } from "../../src/auth";
import { settings } from "../../src/config";
import { isIssuedDocumentId, newDocumentId } from "../../src/lib/ids";
import { contentDisposition } from "../../src/routes/documents";
import { cleanFilename } from "../../src/routes/upload";
import { OPERATOR_KEY, workerWith, fetchDoc, pageDetail, scriptOcr, snapshot, textPdf, upload, uploadPdf, waitFor, worker } from "./helpers";

const AUD = "test-application-aud";
const teamDomain = inject("accessTeamDomain");
const accessKey = JSON.parse(inject("accessPrivateJwk")) as JWK;

/** A token as Cloudflare Access would issue it, with `changes` applied. */
async function accessJwt(changes: { aud?: string; iss?: string; iat?: number; exp?: number; key?: CryptoKey; kid?: string } = {}) {
  const key = changes.key ?? ((await importJWK(accessKey, "RS256")) as CryptoKey);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: "analyst@example.org", type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: changes.kid ?? accessKey.kid })
    .setIssuer(changes.iss ?? teamDomain)
    .setAudience(changes.aud ?? AUD)
    .setSubject("user-1")
    .setIssuedAt(changes.iat ?? now - 60)
    .setExpirationTime(changes.exp ?? now + 600)
    .sign(key);
}


const base64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("Cloudflare Access JWTs", () => {
  const options = { teamDomain, audience: AUD };

  it("accepts a token signed by the team's key for this application", async () => {
    expect(await verifyAccessJwt(await accessJwt(), options)).toBe("analyst@example.org");
  });

  it.each([
    ["expired", { exp: Math.floor(Date.now() / 1000) - 3600 }],
    ["for another application", { aud: "someone-elses-aud" }],
    ["from another team", { iss: "https://evil.cloudflareaccess.com" }],
    ["issued in the future", { iat: Math.floor(Date.now() / 1000) + 3600 }],
  ])("rejects a token %s", async (_case, changes) => {
    await expect(verifyAccessJwt(await accessJwt(changes), options)).rejects.toThrow(/Access token rejected/);
  });

  it("rejects a forged token signed by another key under the team's key id", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    await expect(verifyAccessJwt(await accessJwt({ key: privateKey }), options)).rejects.toThrow(/Access token rejected/);
  });

  it('rejects `alg: "none"` and HS256 signed with the public key', async () => {
    const payload = { iss: teamDomain, aud: AUD, email: "x@example.org", iat: 1, exp: 4_000_000_000 };
    const unsigned = `${base64url(JSON.stringify({ alg: "none", kid: accessKey.kid }))}.${base64url(JSON.stringify(payload))}.`;
    await expect(verifyAccessJwt(unsigned, options)).rejects.toThrow(/Access token rejected/);
    const publicJwk = { kty: accessKey.kty, n: accessKey.n, e: accessKey.e };
    const confused = await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", kid: accessKey.kid })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    await expect(verifyAccessJwt(confused, options)).rejects.toThrow(/Access token rejected/);
  });

  it("verifies against a local key set too (the same checks, no network)", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "k2", alg: "RS256" }] });
    const jwt = await accessJwt({ key: privateKey, kid: "k2" });
    expect(await verifyAccessJwt(jwt, { ...options, keys })).toBe("analyst@example.org");
  });
});

describe("who may upload", () => {
  it("in apikey mode, only a listed key (compared as a digest)", async () => {
    const key = "upload-key-0123456789abcdef";
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const call = workerWith({ UPLOAD_AUTH: "apikey", UPLOAD_KEY_HASHES: `${"f".repeat(64)},${digest}` });
    const pdf = await textPdf(1);
    const post = (headers: Record<string, string>) =>
      call(new Request("http://vessel.test/api/documents", { method: "POST", body: pdf, headers: { "content-type": "application/pdf", ...headers } }));
    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await post({ authorization: "Bearer wrong-key-0123456789" })).status).toBe(401);
    expect((await post({ authorization: `Bearer ${key}` })).status).toBe(202);
  });

  it("in access mode, only a valid Access sign-in", async () => {
    const call = workerWith({ UPLOAD_AUTH: "access" });
    const pdf = await textPdf(1);
    const post = (headers: Record<string, string>) =>
      call(new Request("http://vessel.test/api/documents", { method: "POST", body: pdf, headers: { "content-type": "application/pdf", ...headers } }));
    expect((await post({})).status).toBe(401);
    expect((await post({ "cf-access-jwt-assertion": await accessJwt({ aud: "other" }) })).status).toBe(401);
    expect((await post({ "cf-access-jwt-assertion": await accessJwt() })).status).toBe(202);
  });

  it("never fails open: a mode without its credentials configured accepts nothing", async () => {
    const response = await workerWith({ UPLOAD_AUTH: "apikey", UPLOAD_KEY_HASHES: "" })(
      new Request("http://vessel.test/api/documents", { method: "POST", body: await textPdf(1), headers: { "content-type": "application/pdf" } }),
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { status: 500, message: "internal error" } });
    expect(() => settings({ ...env, UPLOAD_AUTH: "access", ACCESS_AUD: "" } as Env)).toThrow(/ACCESS_TEAM_DOMAIN and ACCESS_AUD/);
  });

  it("in public mode, rate-limits each client address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      const response = await upload("x", { "content-type": "text/plain", "cf-connecting-ip": "203.0.113.99" });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses.slice(0, 30).every((status) => status === 415)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another client is not affected.
    expect((await upload("x", { "content-type": "text/plain", "cf-connecting-ip": "203.0.113.100" })).status).toBe(415);
  });
});

describe("who may read a document", () => {
  it("needs the document's own token, or an operator credential", async () => {
    const a = await uploadPdf(await textPdf(1, [381, 481]));
    const b = await uploadPdf(await textPdf(1, [382, 482]));
    await waitFor(a);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const anonymous = await worker.fetch(`http://vessel.test/api/documents/${a.id}`);
    expect(anonymous.status).toBe(401);
    // Swapped tokens, a guessed token, and a token in the query string all open nothing.
    expect((await fetchDoc({ id: a.id, token: b.token })).status).toBe(404);
    expect((await fetchDoc({ id: a.id, token: "A".repeat(43) })).status).toBe(404);
    expect((await worker.fetch(`http://vessel.test/api/documents/${a.id}?token=${a.token}`)).status).toBe(401);
    for (const path of ["/pages/1", "/pages/1/image", "/file"]) {
      expect((await fetchDoc({ id: a.id, token: b.token }, path)).status).toBe(404);
      expect((await fetchDoc(a, path)).status).toBe(200);
    }
    expect((await fetchDoc({ id: a.id, token: b.token }, "/cancel", { method: "POST" })).status).toBe(404);

    const operator = await worker.fetch(`http://vessel.test/api/documents/${a.id}`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
    expect(operator.status).toBe(200);
    const signedIn = await worker.fetch(`http://vessel.test/api/documents/${a.id}`, {
      headers: { "cf-access-jwt-assertion": await accessJwt() },
    });
    expect(signedIn.status).toBe(200);
    const forged = await worker.fetch(`http://vessel.test/api/documents/${a.id}`, {
      headers: { "cf-access-jwt-assertion": await accessJwt({ exp: 1 }) },
    });
    expect(forged.status).toBe(401);
  });

  it("answers a guessed id in the Worker, and an unknown one without creating any storage", async () => {
    const stored = async () => (await listDurableObjectIds(env.Document)).map((id) => id.toString());
    const guessed = "0123456789abcdef0123456789abcdef";
    expect(await isIssuedDocumentId(guessed, settings(env).DOCUMENT_ID_SECRET)).toBe(false);
    // Issued by the same secret (it passes the MAC), but never uploaded.
    const unknown = await newDocumentId(settings(env).DOCUMENT_ID_SECRET);
    expect(await isIssuedDocumentId(unknown, settings(env).DOCUMENT_ID_SECRET)).toBe(true);
    for (const id of [guessed, unknown]) {
      for (const path of ["", "/pages/1", "/entities", "/file"]) {
        const response = await worker.fetch(new Request(`http://x/api/documents/${id}${path}`, { headers: { authorization: "Bearer any-string-at-all" } }));
        expect(response.status).toBe(404);
      }
    }
    // The guessed id reached no object at all; the unknown one has no schema (no tables, no rows).
    expect(await stored()).not.toContain(env.Document.idFromName(guessed).toString());
    const tables = (id: string) =>
      runInDurableObject(env.Document.getByName(id), (_object, state) => state.storage.sql.exec("SELECT name FROM sqlite_master").toArray().length);
    expect(await tables(unknown)).toBe(0);
    const uploaded = await uploadPdf(await textPdf(1));
    expect(await isIssuedDocumentId(uploaded.id, settings(env).DOCUMENT_ID_SECRET)).toBe(true);
    expect(await tables(uploaded.id)).toBeGreaterThan(0);
  });

  it("lists documents to operators only", async () => {
    const doc = await uploadPdf(await textPdf(1));
    expect((await worker.fetch("http://vessel.test/api/documents")).status).toBe(401);
    expect((await worker.fetch("http://vessel.test/api/documents", { headers: { authorization: `Bearer ${doc.token}` } })).status).toBe(401);
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await worker.fetch(`http://vessel.test/api/documents?limit=1000${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      });
      expect(response.status).toBe(200);
      const page = await response.json<{ documents: { id: string }[]; cursor: string | null }>();
      listed.push(...page.documents.map((d) => d.id));
      cursor = page.cursor;
    } while (cursor);
    expect(listed).toContain(doc.id);
  });

  it("opens the WebSocket with the token as a subprotocol, and echoes the protocol", async () => {
    const doc = await uploadPdf(await textPdf(1, [383, 483]));
    const open = await worker.fetch(`http://vessel.test/api/documents/${doc.id}/ws`, {
      headers: { upgrade: "websocket", "sec-websocket-protocol": `vessel-docs.v1, bearer.${doc.token}` },
    });
    expect(open.status).toBe(101);
    expect(open.headers.get("sec-websocket-protocol")).toBe("vessel-docs.v1");
    open.webSocket!.accept();
    open.webSocket!.close();
    const refused = await worker.fetch(`http://vessel.test/api/documents/${doc.id}/ws`, {
      headers: { upgrade: "websocket", "sec-websocket-protocol": "vessel-docs.v1, bearer.not-the-token" },
    });
    expect(refused.status).toBe(404);
  });

  it("compares digests in constant time, and only equal lengths can match", () => {
    expect(sameDigest("ab".repeat(32), "ab".repeat(32))).toBe(true);
    expect(sameDigest("ab".repeat(32), "ac".repeat(32))).toBe(false);
    expect(sameDigest("ab", "ab".repeat(32))).toBe(false);
  });

  it("keeps tokens out of the logs", async () => {
    const lines: string[] = [];
    const original = { log: console.log, error: console.error, warn: console.warn };
    for (const level of ["log", "error", "warn"] as const) {
      console[level] = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    }
    try {
      const doc = await uploadPdf(await textPdf(1, [384, 484]));
      await waitFor(doc);
      await fetchDoc({ id: doc.id, token: `${doc.token}x` });
      expect(lines.length).toBeGreaterThan(3);
      expect(lines.filter((line) => line.includes(doc.token))).toEqual([]);
    } finally {
      Object.assign(console, original);
    }
  });
});

describe("hostile input", () => {
  it("cuts off an upload that drips too slowly, and keeps nothing", async () => {
    const before = (await env.DOCUMENTS_BUCKET.list({ prefix: "uploads/" })).objects.length;
    let sent = 0;
    const drip = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent++ === 0) return controller.enqueue(new TextEncoder().encode("%PDF-1.7\n"));
        await new Promise((r) => setTimeout(r, 2000));
        controller.enqueue(new Uint8Array(10));
      },
    });
    const response = await upload(drip);
    expect(response.status).toBe(408);
    expect(((await response.json()) as any).error.message).toMatch(/stalled: no data for 500 ms/);
    expect((await env.DOCUMENTS_BUCKET.list({ prefix: "uploads/" })).objects.length).toBe(before);
  });

  it("makes filenames harmless: no paths, no control characters, bounded", () => {
    expect(cleanFilename("../../../etc/passwd")).toBe("passwd");
    expect(cleanFilename("C:\\Users\\x\\list.pdf")).toBe("list.pdf");
    expect(cleanFilename("a\u0000b\r\nc\u202efdp.exe")).toBe("abcfdp.exe");
    expect(cleanFilename("..")).toBe("document.pdf");
    expect(cleanFilename("x".repeat(5000)).length).toBe(200);
  });

  it("cannot inject headers through a filename in Content-Disposition", async () => {
    const name = 'list".pdf\r\nSet-Cookie: session=stolen; x="y';
    expect(contentDisposition(cleanFilename(name))).toBe(
      `attachment; filename="list_.pdfSet-Cookie: session=stolen; x=_y"; filename*=UTF-8''list%22.pdfSet-Cookie%3A%20session%3Dstolen%3B%20x%3D%22y`,
    );
    const doc = await uploadPdf(await textPdf(1), encodeURIComponent(name));
    const response = await fetchDoc(doc, "/file");
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("content-disposition")).not.toMatch(/[\r\n]/);
    expect(response.headers.get("content-type")).toBe("application/pdf");
  });

  it("stores OCR output carrying script, handlers and javascript: URLs verbatim, served as inert JSON", async () => {
    const hostile = `<|ref|>text<|/ref|><|det|>[[1, 2, 3, 4]]<|/det|>\n<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>`;
    await scriptOcr(772, 972, [], { content: hostile });
    const doc = await uploadPdf(await textPdf(1, [386, 486]));
    await waitFor(doc);
    const response = await fetchDoc(doc, "/pages/1");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const page = await response.json<any>();
    expect(page.ocr.raw).toBe(hostile);
  });

  it("stores SQL metacharacters and non-ASCII verbatim in names and OCR text", async () => {
    const text = `Robert'); DROP TABLE pages;-- "Ωcean Star" 漁船 \\ %_ 🐟`;
    await scriptOcr(774, 974, [], { content: text });
    const doc = await uploadPdf(await textPdf(2, [387, 487]), encodeURIComponent(`x'); DROP TABLE document;--.pdf`));
    const end = await waitFor(doc);
    expect(end.stage).toBe("done");
    expect(end.filename).toBe(`x'); DROP TABLE document;--.pdf`);
    expect((await pageDetail(doc, 2)).ocr.raw).toBe(text);
    expect((await snapshot(doc)).pageCount).toBe(2);
  });
});

describe("the page and the API in a browser's eyes", () => {
  it("serves the upload page with a strict Content-Security-Policy and no framing", async () => {
    const response = await worker.fetch("http://vessel.test/");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<title>Vessel documents</title>");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("answers CORS only for configured origins", async () => {
    const preflight = (origin: string) =>
      worker.fetch("http://vessel.test/api/documents", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    expect((await preflight("https://portal.example.org")).headers.get("access-control-allow-origin")).toBe("https://portal.example.org");
    expect((await preflight("https://evil.example.com")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("does not treat a bearer that is no known key as anyone in particular", async () => {
    const who = await identify(new Request("http://x/", { headers: { authorization: "Bearer nobody-knows-this" } }), settings(env));
    expect(who).toEqual({ kind: "anonymous" });
  });
});
