import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Switchboard-Timestamp';
export const SIGNATURE_HEADER = 'X-Switchboard-Signature';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. Signing the timestamp with the body
 * lets a receiver refuse replays of an old delivery (compare the timestamp with its clock).
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `sha256=${mac}`;
}

/** What a receiver does: recompute the signature and compare in constant time. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
