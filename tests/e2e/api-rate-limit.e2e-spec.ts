import { chatInput, createTenant } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { countJobRows, mailboxJobCounts } from '../support/store-probe';

describe('the per-key rate limit', () => {
  const platform = usePlatform({ RATE_LIMIT_PER_MINUTE: '3' });

  it('answers 429 rate-limited with Retry-After once a key used its 3 calls, and enqueues nothing', async () => {
    const { key } = await createTenant(platform.http, 'limited');
    for (let remaining = 2; remaining >= 0; remaining--) {
      const ok = await platform.http('GET', '/v1/jobs', { key });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(remaining));
    }

    const refused = await platform.http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: chatInput('one too many') },
    });
    expectProblem(refused, 429, 'rate-limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // Sliding window over fixed minutes: the wait can reach the end of this minute plus part
    // of the next one, never two whole windows.
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(refused.body.retryAfterSeconds).toBe(retryAfter);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');

    // Still limited, whatever the route.
    expectProblem(await platform.http('GET', '/v1/jobs', { key }), 429, 'rate-limited');

    expect(await countJobRows(platform.env)).toBe(0);
    expect(await mailboxJobCounts(platform.env)).toEqual({});
  });

  it('limits each key on its own: another key of the same tenant still works', async () => {
    const first = await createTenant(platform.http, 'two-keys');
    const second = await platform.http('POST', `/v1/admin/tenants/${first.tenantId}/keys`, {
      admin: true,
      body: { name: 'second' },
    });
    expect(second.status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await platform.http('GET', '/v1/jobs', { key: first.key })).status).toBe(200);
    expectProblem(await platform.http('GET', '/v1/jobs', { key: first.key }), 429, 'rate-limited');
    expect((await platform.http('GET', '/v1/jobs', { key: second.body.key })).status).toBe(200);
  });

  it('answers bad keys 401 (never 429) and never limits the admin API', async () => {
    for (let i = 0; i < 5; i++) {
      expectProblem(
        await platform.http('GET', '/v1/jobs', { key: 'not-a-key' }),
        401,
        'invalid-api-key',
      );
      expect((await platform.http('GET', '/v1/admin/tenants', { admin: true })).status).toBe(200);
    }
  });
});
