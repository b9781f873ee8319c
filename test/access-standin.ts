/**
 * Cloudflare Access's side of a sign-in, for tests: a team domain serving its signing keys at
 * `/cdn-cgi/access/certs` (the JWKS the Worker verifies against). Tests sign their own tokens
 * with the private key it hands out.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface AccessStandin {
  teamDomain: string;
  privateJwk: JWK;
  close(): Promise<void>;
}

export async function startAccessStandin(): Promise<AccessStandin> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = "test-signing-key";
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "RS256" };
  const server: Server = createServer((req, res) => {
    if (req.url === "/cdn-cgi/access/certs") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    teamDomain: `http://127.0.0.1:${port}`,
    privateJwk,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
