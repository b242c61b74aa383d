import {
  byteBound,
  inputTokenBound,
  MESSAGE_FRAMING_TOKENS,
  messageTexts,
  REQUEST_FRAMING_TOKENS,
} from './input-bound';

describe('byteBound', () => {
  it('counts every UTF-8 byte as a token, plus the framing of each message and the request', () => {
    expect(byteBound([])).toBe(REQUEST_FRAMING_TOKENS);
    // 'héllo' is 6 bytes, '日本' 6, '🙂' 4.
    expect(byteBound(['héllo', '日本', '🙂'])).toBe(
      REQUEST_FRAMING_TOKENS + 6 + 6 + 4 + 3 * MESSAGE_FRAMING_TOKENS,
    );
  });
});

describe('inputTokenBound', () => {
  const texts = ['a fairly ordinary prompt of some length', 'and a second message'];
  const bytes = byteBound(texts);

  it('is the byte bound when the catalogue gives the model no factor', () => {
    expect(inputTokenBound({ inputTokenFactor: null }, texts, 12)).toBe(bytes);
  });

  it("is our count times the model's factor, rounded up", () => {
    expect(inputTokenBound({ inputTokenFactor: 1.25 }, texts, 13)).toBe(Math.ceil(13 * 1.25));
    expect(inputTokenBound({ inputTokenFactor: 1.25 }, texts, 13)).toBeLessThan(bytes);
  });

  it('never goes above the byte bound, whatever the factor', () => {
    expect(inputTokenBound({ inputTokenFactor: 16 }, texts, 12)).toBe(bytes);
  });
});

describe('messageTexts', () => {
  it("takes each message's content", () => {
    const texts = messageTexts([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
    expect(texts).toEqual(['be brief', 'hi']);
  });
});
