import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so leaked keys are easy to recognise (and to scan for). */
export const API_KEY_PREFIX = 'sb_';

// 32 random bytes in base64url are 43 characters, without padding.
const API_KEY_PATTERN = /^sb_[A-Za-z0-9_-]{43}$/;
const DISPLAY_PREFIX_LENGTH = 11;

export interface GeneratedApiKey {
  /** The secret itself: shown once to its owner, never stored. */
  key: string;
  /** SHA-256 hex of the key: what the database keeps. */
  hash: string;
  /** The first characters (`sb_AbCdEfGh`), safe to show in listings. */
  prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: apiKeyDisplayPrefix(key) };
}

/** Keys carry 256 random bits, so a fast unsalted hash is enough (no password stretching). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** Lets the guard refuse garbage without a database round trip. */
export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

/**
 * The key a client sent, from `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 * Header names are lower-case, as Node gives them.
 */
export function extractApiKey(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const authorization = single(headers['authorization']);
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (bearer) return bearer[1];
  const header = single(headers['x-api-key'])?.trim();
  return header ? header : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
