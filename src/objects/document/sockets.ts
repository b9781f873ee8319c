/**
 * What a subscriber may say on a document's WebSocket, and the answers: `ping` (pong), `snapshot`
 * (the document as it stands); anything else is told what is expected. Messages are JSON text,
 * size-limited and parsed with the protocol's schema.
 */
import type { Connection } from "partyserver";
import { MAX_CLIENT_MESSAGE_BYTES, clientMessage, type ServerMessage } from "../../domain/protocol";

export function send(connection: Connection, message: ServerMessage): void {
  connection.send(JSON.stringify(message));
}

export function answerClient(connection: Connection, message: string | ArrayBuffer, sendSnapshot: () => void): void {
  const size = typeof message === "string" ? message.length : message.byteLength;
  if (typeof message !== "string" || size > MAX_CLIENT_MESSAGE_BYTES) {
    return send(connection, { type: "error", message: `messages must be JSON text of at most ${MAX_CLIENT_MESSAGE_BYTES} bytes` });
  }
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return send(connection, { type: "error", message: "message is not valid JSON" });
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) return send(connection, { type: "error", message: 'unknown message: expected {"type":"ping"} or {"type":"snapshot"}' });
  switch (parsed.data.type) {
    case "ping":
      return send(connection, { type: "pong" });
    case "snapshot":
      return sendSnapshot();
    default:
      assertNever(parsed.data);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
