/**
 * Document ids: 32 lowercase hex characters. With DOCUMENT_ID_SECRET set, the last 8 are a MAC of
 * the first 24 (HMAC-SHA256, truncated), so the Worker can tell an id it issued from a guessed one
 * and a random id never reaches a Durable Object (or costs it storage). Without the secret, ids
 * are 128 random bits and only their shape is checked.
 */
import { hex } from "./bytes";

export const documentIdPattern = /^[0-9a-f]{32}$/;

const BODY_CHARS = 24;

async function mac(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`document-id\n${body}`));
  return hex(new Uint8Array(signature)).slice(0, 32 - BODY_CHARS);
}

/** An id from `seed` bytes (random for uploads, a digest for bulk documents), signed when a secret is set. */
export async function documentIdFrom(seed: Uint8Array, secret: string | undefined): Promise<string> {
  const digits = hex(seed).padEnd(32, "0").slice(0, 32);
  if (!secret) return digits;
  const body = digits.slice(0, BODY_CHARS);
  return body + (await mac(secret, body));
}

/** Unguessable: 128 random bits, or 96 and their MAC. Never derived from anything the uploader sent. */
export function newDocumentId(secret: string | undefined): Promise<string> {
  return documentIdFrom(crypto.getRandomValues(new Uint8Array(16)), secret);
}

/** Whether `id` could have been issued here: its shape, and its MAC when a secret is set. */
export async function isIssuedDocumentId(id: string, secret: string | undefined): Promise<boolean> {
  if (!documentIdPattern.test(id)) return false;
  if (!secret) return true;
  const expected = await mac(secret, id.slice(0, BODY_CHARS));
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ id.charCodeAt(BODY_CHARS + i);
  return difference === 0;
}
