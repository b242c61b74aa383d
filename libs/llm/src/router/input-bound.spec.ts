import {
  byteBound,
  inputTokenBound,
  MESSAGE_FRAMING_TOKENS,
  REQUEST_FRAMING_TOKENS,
} from './input-bound';
import { IMAGE_INPUT_TOKENS } from '../messages/message-input';

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
    expect(inputTokenBound({ inputTokenFactor: null }, { texts, images: 0 }, 12)).toBe(bytes);
  });

  it("is our count times the model's factor, rounded up", () => {
    expect(inputTokenBound({ inputTokenFactor: 1.25 }, { texts, images: 0 }, 13)).toBe(
      Math.ceil(13 * 1.25),
    );
    expect(inputTokenBound({ inputTokenFactor: 1.25 }, { texts, images: 0 }, 13)).toBeLessThan(
      bytes,
    );
  });

  it('never goes above the byte bound, whatever the factor', () => {
    expect(inputTokenBound({ inputTokenFactor: 16 }, { texts, images: 0 }, 12)).toBe(bytes);
  });
});

describe('images', () => {
  it('adds a fixed allowance per image to the byte bound', () => {
    expect(byteBound(['hi'], 2)).toBe(byteBound(['hi']) + 2 * IMAGE_INPUT_TOKENS);
  });
});
