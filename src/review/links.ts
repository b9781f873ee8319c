/**
 * Signed, expiring links to page images, for Argilla's image field: experts' browsers load the
 * page from this Worker without a document token, and a link works only for the page it names and
 * only until it expires. HMAC-SHA256 over the document, page and expiry with REVIEW_LINK_SECRET.
 */
import { sameDigest } from "../auth";
import { hex } from "../lib/bytes";

async function signature(secret: string, documentId: string, page: number, expires: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`page-image\n${documentId}\n${page}\n${expires}`)));
}

export async function pageImageLink(base: string, secret: string, documentId: string, page: number, expires: number): Promise<string> {
  const url = new URL(`/api/review/pages/${documentId}/${page}/image`, base);
  url.searchParams.set("expires", String(expires));
  url.searchParams.set("signature", await signature(secret, documentId, page, expires));
  return url.toString();
}

/** Why a link is refused, or null when it is good. */
export async function checkPageImageLink(
  secret: string,
  link: { documentId: string; page: number; expires: number; signature: string },
  nowSeconds: number,
): Promise<string | null> {
  if (!sameDigest(await signature(secret, link.documentId, link.page, link.expires), link.signature)) return "the link's signature is not valid";
  if (link.expires < nowSeconds) return "the link has expired";
  return null;
}
