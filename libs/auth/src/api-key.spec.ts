import { createHash } from 'node:crypto';
import {
  apiKeyDisplayPrefix,
  extractApiKey,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
} from './api-key';

describe('api keys', () => {
  it('are sb_ followed by 32 random bytes in base64url', () => {
    const { key } = generateApiKey();
    expect(key).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('are different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey().key));
    expect(keys.size).toBe(100);
  });

  it('are stored as their sha256 hex and shown by an 11-character prefix', () => {
    const generated = generateApiKey();
    const expected = createHash('sha256').update(generated.key).digest('hex');
    expect(generated.hash).toBe(expected);
    expect(hashApiKey(generated.key)).toBe(expected);
    expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.prefix).toBe(generated.key.slice(0, 11));
    expect(apiKeyDisplayPrefix('sb_AbCdEfGhIjKl')).toBe('sb_AbCdEfGh');
  });

  it('refuses malformed keys without a lookup', () => {
    const { key } = generateApiKey();
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}x`)).toBe(false);
    expect(isWellFormedApiKey(`sk_${key.slice(3)}`)).toBe(false);
    expect(isWellFormedApiKey(`${key.slice(0, -1)}=`)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });
});

describe('extractApiKey', () => {
  const key = 'sb_key';

  it('reads a bearer token, whatever the scheme case and spacing', () => {
    expect(extractApiKey({ authorization: `Bearer ${key}` })).toBe(key);
    expect(extractApiKey({ authorization: `bearer   ${key} ` })).toBe(key);
  });

  it('reads X-API-Key', () => {
    expect(extractApiKey({ 'x-api-key': ` ${key} ` })).toBe(key);
    expect(extractApiKey({ 'x-api-key': [key, 'other'] })).toBe(key);
  });

  it('prefers the bearer token, and falls back when Authorization is another scheme', () => {
    expect(extractApiKey({ authorization: `Bearer ${key}`, 'x-api-key': 'other' })).toBe(key);
    expect(extractApiKey({ authorization: 'Basic dTpw', 'x-api-key': key })).toBe(key);
  });

  it('gives undefined when no key was sent', () => {
    expect(extractApiKey({})).toBeUndefined();
    expect(extractApiKey({ authorization: 'Bearer' })).toBeUndefined();
    expect(extractApiKey({ authorization: 'Bearer a b' })).toBeUndefined();
    expect(extractApiKey({ 'x-api-key': '  ' })).toBeUndefined();
  });
});
