/** What the Argilla stand-in reports about the webhook deliveries it made (`GET /_sim/deliveries`). */
export interface Delivery {
  webhookId: string;
  url: string;
  type: string;
  /** Exactly as sent: content-type, webhook-id, webhook-timestamp, webhook-signature. */
  headers: Record<string, string>;
  body: string;
  /** The receiver's status; 0 when it could not be reached, null while in flight. */
  status: number | null;
  attempt: number;
}
