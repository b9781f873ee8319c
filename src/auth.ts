/**
 * Who is asking. Three kinds of caller:
 * - an operator: a valid Cloudflare Access JWT (when Access is configured) or an operator API key;
 * - an uploader: decided by UPLOAD_AUTH (`public`: anyone, rate-limited per IP; `apikey`: a bearer
 *   key whose SHA-256 is in UPLOAD_KEY_HASHES; `access`: a valid Access JWT);
 * - the holder of a document's capability token, who may read that document and nothing else.
 * Keys and tokens are only ever compared as SHA-256 digests, in constant time, and never logged.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { hex } from "./lib/bytes";
import type { Settings } from "./config";

export type Principal =
  | { kind: "operator"; id: string }
  | { kind: "uploader"; id: string }
  | { kind: "anonymous" };

export class AuthError extends Error {
  override name = "AuthError";
}

/** A document's capability token: 256 random bits, base64url. */
export function newCapabilityToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Of(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

export async function tokenHash(token: string): Promise<string> {
  return hex(await sha256Of(token));
}

/** Constant-time equality of two hex digests of the same length. */
export function sameDigest(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

/** Whether `secret`'s SHA-256 is one of the comma-separated hex digests in `hashes`. */
export async function keyMatches(secret: string, hashes: string | undefined): Promise<string | null> {
  if (!hashes) return null;
  const presented = hex(await sha256Of(secret));
  let found: string | null = null;
  // Compare against every entry, so the time taken does not say which one matched.
  for (const candidate of hashes.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean)) {
    if (sameDigest(presented, candidate) && !found) found = candidate;
  }
  return found;
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+([\x21-\x7e]{1,512})$/i.exec(header.trim()) : null;
  return match ? match[1] : null;
}

const keySets = new Map<string, JWTVerifyGetKey>();

/** The team's signing keys, fetched once per isolate and refreshed by jose when a new kid appears. */
function accessKeys(teamDomain: string): JWTVerifyGetKey {
  let keys = keySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL("/cdn-cgi/access/certs", teamDomain));
    keySets.set(teamDomain, keys);
  }
  return keys;
}

const ACCESS_CLOCK_TOLERANCE_S = 30;

/**
 * Verifies a `Cf-Access-Jwt-Assertion`: RS256 signature by one of the team's keys, issuer = the
 * team domain, audience = the application's tag, not expired, not issued in the future. Returns the subject (email or
 * service token id).
 */
export async function verifyAccessJwt(
  jwt: string,
  options: { teamDomain: string; audience: string; keys?: JWTVerifyGetKey },
): Promise<string> {
  try {
    const { payload } = await jwtVerify(jwt, options.keys ?? accessKeys(options.teamDomain), {
      issuer: options.teamDomain.replace(/\/+$/, ""),
      audience: options.audience,
      algorithms: ["RS256"],
      clockTolerance: ACCESS_CLOCK_TOLERANCE_S,
      requiredClaims: ["exp", "iat"],
    });
    // jose checks `iat` only against a maximum age; a token from the future is forged or from a broken clock.
    if (payload.iat! > Date.now() / 1000 + ACCESS_CLOCK_TOLERANCE_S) throw new AuthError("Access token rejected: issued in the future");
    const subject = payload.email ?? payload.common_name ?? payload.sub;
    if (typeof subject !== "string" || !subject) throw new AuthError("Access token names no subject");
    return subject;
  } catch (error) {
    if (error instanceof AuthError) throw error;
    if (error instanceof joseErrors.JOSEError) throw new AuthError(`Access token rejected: ${error.code}`);
    throw error;
  }
}

/** Identifies the caller from the request's credentials; an invalid credential is an error, not anonymous. */
export async function identify(
  request: Request,
  settings: Settings,
  options: { accessKeys?: JWTVerifyGetKey } = {},
): Promise<Principal> {
  const jwt = request.headers.get("cf-access-jwt-assertion");
  if (jwt && settings.ACCESS_TEAM_DOMAIN && settings.ACCESS_AUD) {
    const subject = await verifyAccessJwt(jwt, {
      teamDomain: settings.ACCESS_TEAM_DOMAIN,
      audience: settings.ACCESS_AUD,
      keys: options.accessKeys,
    });
    // Behind Access, everyone Access lets in is an operator of this deployment.
    return { kind: "operator", id: `access:${subject}` };
  }
  const bearer = bearerToken(request);
  if (bearer) {
    const operatorKey = await keyMatches(bearer, settings.OPERATOR_KEY_HASHES);
    if (operatorKey) return { kind: "operator", id: `key:${operatorKey.slice(0, 12)}` };
    const uploadKey = await keyMatches(bearer, settings.UPLOAD_KEY_HASHES);
    if (uploadKey) return { kind: "uploader", id: `key:${uploadKey.slice(0, 12)}` };
  }
  return { kind: "anonymous" };
}
