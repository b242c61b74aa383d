import { createHash, timingSafeEqual } from 'node:crypto';

/** Sent with every admin 401, so a browser opening Bull Board shows its login prompt. */
export const ADMIN_AUTH_CHALLENGE = 'Basic realm="Switchboard admin"';

/**
 * True when an `Authorization` header carries the admin token, either as
 * `Bearer <token>` or as HTTP Basic whose password is the token (any user name).
 * Plain function so raw Express middleware (Bull Board) can share the check.
 */
export function isAdminRequest(
  authorizationHeader: string | undefined,
  adminToken: string,
): boolean {
  if (!adminToken) return false;
  const presented = presentedSecret(authorizationHeader);
  return presented !== undefined && constantTimeEqual(presented, adminToken);
}

function presentedSecret(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  if (match[1].toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

// Hashing first gives equal-length buffers, so neither content nor length leaks by timing.
function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
