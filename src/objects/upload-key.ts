/**
 * One object per Idempotency-Key (named by the key's hash): it remembers which document a key
 * produced, so a retried upload returns that document instead of making a second one.
 */
import { DurableObject } from "cloudflare:workers";
import { newDocumentId } from "../ids";

type Claim = { documentId: string; state: "pending" | "committed"; claimedAt: number };

export type ClaimResult =
  | { outcome: "new"; documentId: string }
  | { outcome: "in-progress"; documentId: string }
  | { outcome: "replay"; documentId: string };

/** How long an unfinished upload holds its key before a retry may take over. */
const PENDING_LEASE_MS = 10 * 60_000;
/** How long a key is remembered after its upload succeeded. */
const RETENTION_MS = 24 * 60 * 60_000;

export class UploadKey extends DurableObject<Env> {
  async claim(): Promise<ClaimResult> {
    const now = Date.now();
    const existing = await this.ctx.storage.get<Claim>("claim");
    if (existing?.state === "committed") return { outcome: "replay", documentId: existing.documentId };
    if (existing && now - existing.claimedAt < PENDING_LEASE_MS) {
      return { outcome: "in-progress", documentId: existing.documentId };
    }
    const claim: Claim = { documentId: newDocumentId(), state: "pending", claimedAt: now };
    await this.ctx.storage.put("claim", claim);
    await this.ctx.storage.setAlarm(now + RETENTION_MS);
    return { outcome: "new", documentId: claim.documentId };
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
