import { ClosingFenceFinder, FENCE_LOOKBACK_CHARS } from './closing-fence';

// The pattern the finder stands for, run on the whole text each time.
const FENCE = /^```[^\n]*\n[\s\S]*?\n```/m;
const byRegex = (text: string) => {
  const match = FENCE.exec(text);
  return match ? match.index + match[0].length : undefined;
};

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function lcg(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
}

describe('ClosingFenceFinder', () => {
  it('ends right after the fence closing the first block', () => {
    const finder = new ClosingFenceFinder();
    expect(finder.feed('Here:\n```ts\nconst a = 1;\n')).toBeUndefined();
    const text = 'Here:\n```ts\nconst a = 1;\n```\nand more';
    expect(finder.feed(text)).toBe(text.indexOf('\n```\n') + 4);
  });

  it('needs the opening line to be complete, and a line between the fences', () => {
    const finder = new ClosingFenceFinder();
    expect(finder.feed('```')).toBeUndefined();
    expect(finder.feed('```\n```')).toBeUndefined();
    expect(finder.feed('```\n```\nx\n```')).toBe(byRegex('```\n```\nx\n```'));
  });

  it('agrees with the regular expression on every prefix of random streams', () => {
    const pieces = ['`', '``', '```', '\n', '\r', 'a', ' ', 'ts', '\u2028'];
    for (let seed = 1; seed <= 200; seed++) {
      const random = lcg(seed);
      const whole = new ClosingFenceFinder();
      const windowed = new ClosingFenceFinder();
      let text = '';
      for (let i = 0; i < 40; i++) {
        const before = text.length;
        text += Array.from({ length: 1 + random(4) }, () => pieces[random(pieces.length)]).join('');
        const base = Math.max(0, before - FENCE_LOOKBACK_CHARS);
        const seen = {
          seed,
          text,
          end: whole.feed(text),
          windowed: windowed.feed(text.slice(base), base),
        };
        expect(seen).toEqual({ seed, text, end: byRegex(text), windowed: byRegex(text) });
      }
    }
  });

  it('reads only the window it is given: positions stay those of the whole text', () => {
    const finder = new ClosingFenceFinder();
    const lines = ['intro\n', '```py\n', 'x = 1\n'.repeat(50), '```', ' and after'];
    let text = '';
    let end: number | undefined;
    for (const line of lines) {
      const base = Math.max(0, text.length - FENCE_LOOKBACK_CHARS);
      text += line;
      end = finder.feed(text.slice(base), base);
    }
    expect(end).toBe(lines.slice(0, 4).join('').length);
  });
});
