import { TenantPattern } from '@switchboard/catalogue';
import { ClosingFenceFinder, FENCE_LOOKBACK_CHARS } from './closing-fence';

/**
 * Conditions that end a generation early: the stream is ended and the provider request
 * aborted as soon as one matches, so nothing after it is shown or paid for (beyond what
 * the provider had already sent).
 */
export interface StopConditions {
  /** Literal strings; the text ends before the first one (as OpenAI's `stop`). */
  strings?: string[];
  /**
   * A regular expression in RE2 syntax (linear time; checked at submission); the text ends
   * before its first match. A match cannot be foreseen, so text shown before it completed
   * stays shown. A match may begin at most `REGEX_LOOKBACK_CHARS` before the newest delta.
   */
  regex?: string;
  /** End right after the code fence (```) that closes the first code block. */
  closingCodeFence?: boolean;
}

/**
 * How far back before each new delta a regex match may begin. Each delta is searched with
 * this much of the text before it, not the whole text again, so a long stream costs time
 * linear in its length rather than quadratic.
 */
export const REGEX_LOOKBACK_CHARS = 4_096;

/**
 * Feeds streamed text through the stop conditions. Text that could be the start of a stop
 * string is held back until it is known not to be one, so a stop string split across two
 * deltas is never shown.
 *
 * Each delta costs work in proportion to its own length plus a bounded window, never to the
 * whole text so far: only the recent text is kept for searching (searching a string that
 * keeps growing would copy all of it on every delta).
 */
export class StopMatcher {
  /** The text from position `base` on: the part any later search or release can need. */
  private recent = '';
  private base = 0;
  private length = 0;
  private shown = 0;
  private readonly shownParts: string[] = [];
  private readonly regex: TenantPattern | undefined;
  private readonly fence: ClosingFenceFinder | undefined;
  private readonly longestString: number;
  /** How much text before the newest delta a search may read. */
  private readonly keep: number;
  stopped = false;

  constructor(private readonly conditions: StopConditions) {
    this.regex = conditions.regex ? TenantPattern.compile(conditions.regex) : undefined;
    this.fence = conditions.closingCodeFence ? new ClosingFenceFinder() : undefined;
    this.longestString = Math.max(0, ...(conditions.strings ?? []).map((s) => s.length));
    // The regex window plus the one character before it (for `^` and `\b`), the fence's scans,
    // and held-back text with a stop string's length before it.
    this.keep = Math.max(REGEX_LOOKBACK_CHARS + 1, FENCE_LOOKBACK_CHARS, 2 * this.longestString);
  }

  static active(conditions: StopConditions | undefined): conditions is StopConditions {
    return Boolean(
      conditions &&
      ((conditions.strings?.length ?? 0) > 0 || conditions.regex || conditions.closingCodeFence),
    );
  }

  /** Adds a delta; returns the text that may now be shown (possibly empty). */
  push(delta: string): string {
    if (this.stopped) return '';
    const before = this.length;
    this.recent += delta;
    this.length += delta.length;
    const end = this.matchEnd(before);
    if (end !== undefined) {
      this.stopped = true;
      return this.release(end);
    }
    const out = this.release(Math.max(this.shown, this.length - this.holdBack));
    this.trim();
    return out;
  }

  /** At the end of the stream: whatever was held back. */
  flush(): string {
    return this.stopped ? '' : this.release(this.length);
  }

  /** The text up to the stop (or all of it), as the final response says. */
  get result(): string {
    if (this.shownParts.length > 1) this.shownParts.splice(0, Infinity, this.shownParts.join(''));
    return this.shownParts[0] ?? '';
  }

  private get holdBack(): number {
    return Math.max(0, this.longestString - 1);
  }

  private release(upTo: number): string {
    const out = this.recent.slice(this.shown - this.base, upTo - this.base);
    this.shown = Math.max(this.shown, upTo);
    if (out) this.shownParts.push(out);
    return out;
  }

  /** Drops text no search can reach any more, once there is twice as much as needed. */
  private trim(): void {
    const keepFrom = Math.min(this.shown - this.longestString, this.length - this.keep);
    if (keepFrom - this.base < this.keep) return;
    this.recent = this.recent.slice(keepFrom - this.base);
    this.base = keepFrom;
  }

  /** Where the text ends if a condition matched, else undefined. */
  private matchEnd(before: number): number | undefined {
    const ends: number[] = [];
    for (const s of this.conditions.strings ?? []) {
      const from = Math.max(this.base, this.shown - s.length);
      const at = this.recent.indexOf(s, from - this.base);
      if (s.length > 0 && at >= 0) ends.push(at + this.base);
    }
    const regexFrom = Math.max(this.base, before - REGEX_LOOKBACK_CHARS) - this.base;
    const regexAt = this.regex?.firstMatch(this.recent, regexFrom);
    if (regexAt !== undefined) ends.push(regexAt + this.base);
    const fenceEnd = this.fence?.feed(this.recent, this.base);
    if (fenceEnd !== undefined) ends.push(fenceEnd);
    return ends.length > 0 ? Math.max(this.shown, Math.min(...ends)) : undefined;
  }
}
