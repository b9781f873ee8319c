/**
 * Idempotency-Key for uploads (as in the IETF httpapi idempotency-key draft and Stripe): a key is
 * scoped to its caller, remembers what upload it was first used for, and a reuse for another file
 * or other options is refused. The replay answers with the first upload's token, which is kept
 * only sealed by the key itself (AES-GCM, key derived by HKDF from the Idempotency-Key): stored
 * claims cannot be turned into tokens without the key the client holds.
 */
import { z } from "zod";
import { sha256Of } from "./auth";
import { base64, hex } from "./lib/bytes";

export const idempotencyKeySchema = z
  .string()
  .min(16, "at least 16 characters: use a random UUID")
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

/** What makes a retry "the same upload": the same bytes with the same processing options. */
export interface UploadFingerprint {
  sha256: string;
  pages: string | null;
  textLayer: string;
}

export function sameUpload(a: UploadFingerprint, b: UploadFingerprint): boolean {
  return a.sha256 === b.sha256 && a.pages === b.pages && a.textLayer === b.textLayer;
}

/** The name of the UploadKey object for `key` sent by `scope`: one caller's key never finds another's. */
export async function uploadKeyName(scope: string, key: string): Promise<string> {
  return hex(await sha256Of(`${scope}\n${key}`));
}

async function sealingKey(scope: string, key: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode(scope), info: new TextEncoder().encode("vessel-docs upload token") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function sealToken(scope: string, key: string, token: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sealingKey(scope, key), new TextEncoder().encode(token));
  return `${base64(iv)}.${base64(new Uint8Array(sealed))}`;
}

export async function unsealToken(scope: string, key: string, sealed: string): Promise<string> {
  const [iv, data] = sealed.split(".").map((part) => Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
  return new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, await sealingKey(scope, key), data));
}
