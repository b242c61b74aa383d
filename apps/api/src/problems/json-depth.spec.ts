import { MAX_JSON_DEPTH, jsonDepthExceeds, utf8JsonDepthExceeds } from './json-depth';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
  return value;
};

describe('jsonDepthExceeds', () => {
  it('counts object and array levels; scalars are level 0', () => {
    expect(jsonDepthExceeds('x', 0)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
    expect(jsonDepthExceeds({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(jsonDepthExceeds({ a: [1, { b: 2 }] }, 2)).toBe(true);
  });

  it('takes MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('walks half a million levels without a recursion (no stack overflow)', () => {
    const deep: unknown = JSON.parse('['.repeat(500_000) + ']'.repeat(500_000));
    expect(jsonDepthExceeds(deep)).toBe(true);
    expect(jsonDepthExceeds(deep, 600_000)).toBe(false);
  });

  it('finds a deep branch beside wide shallow ones', () => {
    const wide = { items: Array.from({ length: 10_000 }, (_, i) => ({ i })), deep: nested(70) };
    expect(jsonDepthExceeds(wide)).toBe(true);
  });
});

describe('utf8JsonDepthExceeds', () => {
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

  it('agrees with the walk over the parsed value', () => {
    for (const levels of [0, 1, 5, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 200]) {
      const value = nested(levels);
      expect(utf8JsonDepthExceeds(bytes(value))).toBe(jsonDepthExceeds(value));
    }
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const value = { text: `${'['.repeat(100)}\\"{{{"${'{'.repeat(100)}`, 'ключ [': '漢字 ]]' };
    expect(utf8JsonDepthExceeds(bytes(value), 1)).toBe(false);
    expect(utf8JsonDepthExceeds(bytes([value]), 1)).toBe(true);
  });

  it('stops at the first level too deep of a 1 MB body', () => {
    expect(utf8JsonDepthExceeds(Buffer.from('['.repeat(1_000_000)))).toBe(true);
  });
});
