import { TenantPatternError } from '@switchboard/catalogue';
import { REGEX_LOOKBACK_CHARS, StopMatcher } from './stop-matcher';

const feed = (matcher: StopMatcher, deltas: string[]) => {
  let shown = '';
  for (const d of deltas) {
    shown += matcher.push(d);
    if (matcher.stopped) break;
  }
  return shown + matcher.flush();
};

describe('StopMatcher', () => {
  it('ends before a stop string split across deltas, never showing its start', () => {
    const matcher = new StopMatcher({ strings: ['END'] });
    const pieces: string[] = [];
    for (const d of ['one two E', 'N', 'D three']) {
      pieces.push(matcher.push(d));
      if (matcher.stopped) break;
    }
    expect(pieces.join('')).toBe('one two ');
    expect(pieces.some((p) => p.includes('E'))).toBe(false);
    expect(matcher.stopped).toBe(true);
    expect(matcher.result).toBe('one two ');
  });

  it('passes everything through when nothing matches, releasing held text at the end', () => {
    const matcher = new StopMatcher({ strings: ['STOP'] });
    expect(feed(matcher, ['abc S', 'TO', 'x'])).toBe('abc STOx');
    expect(matcher.stopped).toBe(false);
  });

  it('stops at a regular expression match; what was already shown stays shown', () => {
    const matcher = new StopMatcher({ regex: '\\d{3}' });
    expect(feed(matcher, ['call 5', '55 now'])).toBe('call 5');
    expect(matcher.result).toBe('call 5');
    expect(feed(new StopMatcher({ regex: 'b+c' }), ['a', 'bbc d'])).toBe('a');
  });

  it('stops right after the code fence that closes the first block', () => {
    const matcher = new StopMatcher({ closingCodeFence: true });
    const text = feed(matcher, ['Here:\n```ts\nconst a = 1;\n', '```\nand then more', ' text']);
    expect(text).toBe('Here:\n```ts\nconst a = 1;\n```');
  });

  it('is inactive without conditions', () => {
    expect(StopMatcher.active(undefined)).toBe(false);
    expect(StopMatcher.active({ strings: [] })).toBe(false);
    expect(StopMatcher.active({ strings: ['x'] })).toBe(true);
  });

  it('matches in linear time the pattern that froze a worker with a backtracking engine', () => {
    // `(\w+\s?)*X` over words with no X is exponential for JavaScript's RegExp.
    const matcher = new StopMatcher({ regex: '(\\w+\\s?)*X' });
    let shown = '';
    for (let i = 0; i < 5_000; i++) shown += matcher.push(`word${i} `);
    expect(matcher.stopped).toBe(false);
    shown += matcher.push('X and the rest');
    expect(matcher.stopped).toBe(true);
    // The match began long before; what was shown stays shown, nothing after it is added.
    expect(shown).toBe(matcher.result);
    expect(shown.endsWith('word4999 ')).toBe(true);
  });

  it('refuses patterns RE2 cannot take (lookaround, backreferences)', () => {
    for (const regex of ['(?=a)b', '(a)\\1', 'a{5000}', '.{1000}', '[']) {
      expect(() => new StopMatcher({ regex })).toThrow(TenantPatternError);
    }
  });

  it('finds a match only if it begins within the lookback before the newest delta', () => {
    const near = new StopMatcher({ regex: 'BEGIN[^!]*END' });
    feed(near, ['BEGIN', 'y'.repeat(REGEX_LOOKBACK_CHARS - 100), 'END']);
    expect(near.stopped).toBe(true);
    const far = new StopMatcher({ regex: 'BEGIN[^!]*END' });
    feed(far, ['BEGIN', 'y'.repeat(REGEX_LOOKBACK_CHARS + 100), 'END']);
    expect(far.stopped).toBe(false);
  });

  it('lets ^ and \\b see the text before the searched window', () => {
    const matcher = new StopMatcher({ regex: '^abc\\b' });
    // The second delta's window begins exactly at "abc", which follows a "z": no line start.
    const first = `zzzzzabc ${'w'.repeat(REGEX_LOOKBACK_CHARS - 4)}`;
    expect(matcher.push(first)).toBe(first);
    expect(matcher.push(' more')).toBe(' more');
    expect(matcher.stopped).toBe(false);
    expect(matcher.push('\nabc def')).toBe('\n');
    expect(matcher.stopped).toBe(true);
  });

  it('keeps a long stream cheap: only recent text is searched, the result is all of it', () => {
    const matcher = new StopMatcher({
      strings: ['STOP'],
      regex: '\\d{3}x',
      closingCodeFence: true,
    });
    let shown = '';
    let expected = '';
    for (let i = 0; i < 20_000; i++) {
      const delta = ` word${i % 50}`;
      expected += delta;
      shown += matcher.push(delta);
    }
    shown += matcher.push(' the STOP here');
    expect(matcher.stopped).toBe(true);
    expect(shown).toBe(`${expected} the `);
    expect(matcher.result).toBe(shown);
  });
});
