import { hex } from "./bytes";

/** 128 random bits: unguessable, and never derived from anything the uploader sent. */
export function newDocumentId(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

export const documentIdPattern = /^[0-9a-f]{32}$/;

export function uploadKey(documentId: string): string {
  return `uploads/${documentId}.pdf`;
}
