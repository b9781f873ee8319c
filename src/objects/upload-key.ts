/**
 * One object per Idempotency-Key (named by the hash of the uploader's identity and the key): it
 * remembers which document a key produced, so a retried upload returns that document instead of
 * making a second one.
 */
import { DurableObject } from "cloudflare:workers";
import { newCapabilityToken } from "../auth";
import { newDocumentId } from "../ids";

/** The document a key produced and its capability token, so a replay can answer exactly as the first time. */
type Claim = { documentId: string; token: string; state: "pending" | "committed"; claimedAt: number };

export type ClaimResult = { outcome: "new" | "in-progress" | "replay"; documentId: string; token: string };

/** How long an unfinished upload holds its key before a retry may take over. */
const PENDING_LEASE_MS = 10 * 60_000;
/** How long a key is remembered after its upload succeeded. */
const RETENTION_MS = 24 * 60 * 60_000;

export class UploadKey extends DurableObject<Env> {
  async claim(): Promise<ClaimResult> {
    const now = Date.now();
    const existing = await this.ctx.storage.get<Claim>("claim");
    if (existing?.state === "committed") return { outcome: "replay", documentId: existing.documentId, token: existing.token };
    if (existing && now - existing.claimedAt < PENDING_LEASE_MS) {
      return { outcome: "in-progress", documentId: existing.documentId, token: existing.token };
    }
    const claim: Claim = { documentId: newDocumentId(), token: newCapabilityToken(), state: "pending", claimedAt: now };
    await this.ctx.storage.put("claim", claim);
    await this.ctx.storage.setAlarm(now + RETENTION_MS);
    return { outcome: "new", documentId: claim.documentId, token: claim.token };
  }

  async commit(documentId: string): Promise<void> {
    const existing = await this.ctx.storage.get<Claim>("claim");
    if (existing?.documentId !== documentId) return;
    await this.ctx.storage.put("claim", { ...existing, state: "committed" } satisfies Claim);
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
