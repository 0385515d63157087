import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'omniflow_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** A new session token for the cookie (256 random bits). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores: a leaked database does not give away live sessions. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
