import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'secret-0123456789abcdef';
const BODY = '{"a":1}';
// openssl: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac "$SECRET"
const EXPECTED = 'sha256=8eae3d28cb521b6b37f86de366c0b3de07baa3505577e5d97c7b1625541e4a2c';

describe('webhook signatures', () => {
  it('are sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">', () => {
    expect(signWebhook(SECRET, '1700000000', BODY)).toBe(EXPECTED);
  });

  it('verify only the same secret, timestamp and body', () => {
    expect(verifyWebhookSignature(SECRET, '1700000000', BODY, EXPECTED)).toBe(true);
    expect(verifyWebhookSignature(SECRET, '1700000001', BODY, EXPECTED)).toBe(false);
    expect(verifyWebhookSignature(SECRET, '1700000000', '{"a":2}', EXPECTED)).toBe(false);
    expect(verifyWebhookSignature(`${SECRET}x`, '1700000000', BODY, EXPECTED)).toBe(false);
    expect(verifyWebhookSignature(SECRET, '1700000000', BODY, 'sha256=00')).toBe(false);
  });
});
