import { StopMatcher } from './stop-matcher';

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
});
