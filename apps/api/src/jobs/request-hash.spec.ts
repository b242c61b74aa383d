import { requestHash } from './request-hash';

describe('requestHash', () => {
  it('ignores key order but not values', () => {
    const a = requestHash({
      role: 'chat',
      tier: 1,
      input: { messages: [{ role: 'user', content: 'x' }] },
    });
    const b = requestHash({
      input: { messages: [{ content: 'x', role: 'user' }] },
      tier: 1,
      role: 'chat',
    });
    const c = requestHash({
      role: 'chat',
      tier: 2,
      input: { messages: [{ role: 'user', content: 'x' }] },
    });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('keeps array order', () => {
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
});
