import { parseJobRequest } from './job-request';
import {
  MAX_PATTERN_INSTRUCTIONS,
  TenantPattern,
  TenantPatternError,
  tenantPatternProblem,
} from './tenant-pattern';

const chat = (stopRegex: string) => ({
  role: 'chat',
  tier: 1,
  input: { messages: [{ role: 'user', content: 'hi' }], stopRegex },
});

describe('tenant patterns (RE2)', () => {
  it('takes JavaScript-style patterns without lookaround or backreferences', () => {
    for (const pattern of ['\\d{3}', '(?i)final answer:', '^END$', '(\\w+\\s?)*X', '\\p{L}+']) {
      expect(tenantPatternProblem(pattern)).toBeUndefined();
    }
  });

  it('says why a pattern is refused', () => {
    expect(tenantPatternProblem('(?=a)b')).toMatch(/RE2 syntax.*lookaround.*`\(\?=`/);
    expect(tenantPatternProblem('(a+)+\\1')).toMatch(/backreferences.*`\\1`/);
    expect(tenantPatternProblem('[')).toMatch(/missing closing \]/);
    expect(tenantPatternProblem('.{1000}')).toMatch(
      new RegExp(`too large.*1002 instructions.*at most ${MAX_PATTERN_INSTRUCTIONS}`),
    );
  });

  it('throws an error a job runner fails at once, never retries', () => {
    const error = (() => {
      try {
        TenantPattern.compile('(?!x)');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TenantPatternError);
    expect(error).toMatchObject({ code: 'invalid-stop-pattern', retryable: false });
    expect((error as Error).message).toMatch(/^The stop pattern must be a regular expression/);
  });

  it('finds the first match at or after a position, seeing the text before it', () => {
    const pattern = TenantPattern.compile('^ab');
    expect(pattern.firstMatch('xx\nab ab', 0)).toBe(3);
    expect(pattern.firstMatch('xab\nab', 1)).toBe(4);
    expect(pattern.firstMatch('xab', 1)).toBeUndefined();
    expect(TenantPattern.compile('(\\w+\\s?)*X').firstMatch(`${'aa bb '.repeat(10_000)}X`)).toBe(0);
  });

  it('refuses a pattern at submission with a 422 problem naming input.stopRegex', () => {
    const refused = parseJobRequest(chat('^(\\w+\\s?)*\\1X'));
    expect(refused).toEqual({
      ok: false,
      problem: {
        kind: 'invalid-input',
        errors: [{ field: 'input.stopRegex', message: expect.stringMatching(/RE2 syntax/) }],
      },
    });
    // The pattern that froze a worker under RegExp is linear under RE2: accepted.
    expect(parseJobRequest(chat('(\\w+\\s?)*X')).ok).toBe(true);
  });
});
