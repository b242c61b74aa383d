import { RE2JS, RE2Set } from 're2js';

/**
 * The largest compiled pattern accepted. RE2's matching is linear in the text, with a factor
 * of the program's size; `\d{3}` is 5 instructions, `(\w+\s?)*X` 10, `.{1000}` 1,002.
 */
export const MAX_PATTERN_INSTRUCTIONS = 1_000;

/**
 * A regular expression from a tenant (`stopRegex`). It runs on a worker's event loop, so it
 * uses RE2 (re2js, pure JavaScript): matching takes time linear in the text, whatever the
 * pattern. A backtracking engine froze a worker for 30 s on `(\w+\s?)*X`. RE2's syntax is
 * JavaScript's without lookaround and backreferences; `^` and `$` match at line boundaries.
 */
export class TenantPattern {
  private constructor(private readonly re: RE2JS) {}

  /** Throws `TenantPatternError` when RE2 cannot take the pattern. */
  static compile(pattern: string): TenantPattern {
    let re: RE2JS;
    try {
      re = RE2JS.compile(pattern, RE2JS.MULTILINE);
    } catch (error) {
      const reason = String((error as Error).message ?? '').replace(/^error parsing regexp: /, '');
      throw new TenantPatternError(
        'must be a regular expression in RE2 syntax, which has no lookaround and no ' +
          `backreferences (${reason || 'not a valid pattern'})`,
      );
    }
    if (re.programSize() > MAX_PATTERN_INSTRUCTIONS) {
      throw new TenantPatternError(
        `is too large a regular expression (${re.programSize()} instructions compiled, at most ` +
          `${MAX_PATTERN_INSTRUCTIONS}); use smaller repeat counts`,
      );
    }
    return new TenantPattern(re);
  }

  /**
   * Where the first match starting at or after `from` begins, or undefined. `^`, `\b` and the
   * like see the text before `from`. A DFA pass (no positions) rules out most texts; only a
   * text that does match pays for the pass that finds where.
   */
  firstMatch(text: string, from = 0): number | undefined {
    // No groups asked for: RE2 runs its DFA. The result is typed `any[]`: [matched, groups].
    const found = this.re.re2().matchWithGroup(text, from, text.length, RE2Set.UNANCHORED, 0);
    if (found[0] !== true) return undefined;
    const matcher = this.re.matcher(text);
    return matcher.find(from) ? matcher.start() : undefined;
  }
}

/**
 * A pattern RE2 cannot take. Submission refuses these; one that reaches a worker anyway (queued
 * before an upgrade) fails its job at once, never retried: `code` and `retryable` say so.
 */
export class TenantPatternError extends Error {
  readonly code = 'invalid-stop-pattern';
  readonly retryable = false;

  /** `reason` reads after a field name: "must be a regular expression ...". */
  constructor(readonly reason: string) {
    super(`The stop pattern ${reason}.`);
    this.name = 'TenantPatternError';
  }
}

/** Why a pattern is refused, in words for a 422 naming its field; undefined when it is fine. */
export function tenantPatternProblem(pattern: string): string | undefined {
  try {
    TenantPattern.compile(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof TenantPatternError) return error.reason;
    throw error;
  }
}
