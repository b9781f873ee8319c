/**
 * One object per Idempotency-Key (named by the hash of the uploader's scope and the key, see
 * ../idempotency.ts): it remembers which document a key produced and what upload that was, so a
 * retried upload returns that document instead of making a second one, and a different upload
 * under the same key is told so.
 */
import { DurableObject } from "cloudflare:workers";
import type { UploadFingerprint } from "../idempotency";

/** A key's claim. The token is sealed by the key itself: nothing here opens the document. */
export interface Claim {
  documentId: string;
  sealedToken: string;
  state: "pending" | "committed";
  claimedAt: number;
  /** Set when the upload is stored: what a replay must match. */
  upload?: UploadFingerprint;
}

export type ClaimResult = { outcome: "new" | "in-progress" | "replay"; claim: Claim };

/** How long an unfinished upload holds its key before a retry may take over. */
const PENDING_LEASE_MS = 10 * 60_000;
/** How long a key is remembered after its upload succeeded. */
const RETENTION_MS = 24 * 60 * 60_000;

export class UploadKey extends DurableObject<Env> {
  /** Claims the key for `proposed`, unless a live claim holds it: then that claim is the answer. */
  async claim(proposed: { documentId: string; sealedToken: string }): Promise<ClaimResult> {
    const now = Date.now();
    const existing = await this.ctx.storage.get<Claim>("claim");
    if (existing?.state === "committed") return { outcome: "replay", claim: existing };
    if (existing && now - existing.claimedAt < PENDING_LEASE_MS) return { outcome: "in-progress", claim: existing };
    const claim: Claim = { ...proposed, state: "pending", claimedAt: now };
    await this.ctx.storage.put("claim", claim);
    await this.ctx.storage.setAlarm(now + RETENTION_MS);
    return { outcome: "new", claim };
  }

  async commit(documentId: string, upload: UploadFingerprint): Promise<void> {
    const existing = await this.ctx.storage.get<Claim>("claim");
    if (existing?.documentId !== documentId) return;
    await this.ctx.storage.put("claim", { ...existing, state: "committed", upload } satisfies Claim);
    await this.ctx.storage.setAlarm(Date.now() + RETENTION_MS);
  }

  /** The upload failed: the key is free for the client's retry. */
  async release(documentId: string): Promise<void> {
    const existing = await this.ctx.storage.get<Claim>("claim");
    if (existing?.documentId === documentId && existing.state === "pending") await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
