/**
 * Conditions that end a generation early: the stream is ended and the provider request
 * aborted as soon as one matches, so nothing after it is shown or paid for (beyond what
 * the provider had already sent).
 */
export interface StopConditions {
  /** Literal strings; the text ends before the first one (as OpenAI's `stop`). */
  strings?: string[];
  /**
   * A regular expression (JavaScript syntax); the text ends before its first match. A match
   * cannot be foreseen, so text shown before it completed stays shown.
   */
  regex?: string;
  /** End right after the code fence (```) that closes the first code block. */
  closingCodeFence?: boolean;
}

const FENCE = /^```[^\n]*\n[\s\S]*?\n```/m;

/**
 * Feeds streamed text through the stop conditions. Text that could be the start of a stop
 * string is held back until it is known not to be one, so a stop string split across two
 * deltas is never shown.
 */
export class StopMatcher {
  private text = '';
  private shown = 0;
  private readonly regex: RegExp | undefined;
  private readonly holdBack: number;
  stopped = false;

  constructor(private readonly conditions: StopConditions) {
    this.regex = conditions.regex ? new RegExp(conditions.regex, 'm') : undefined;
    this.holdBack = Math.max(0, ...(conditions.strings ?? []).map((s) => s.length - 1));
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
    this.text += delta;
    const end = this.matchEnd();
    if (end !== undefined) {
      this.stopped = true;
      return this.release(end);
    }
    return this.release(Math.max(this.shown, this.text.length - this.holdBack));
  }

  /** At the end of the stream: whatever was held back. */
  flush(): string {
    return this.stopped ? '' : this.release(this.text.length);
  }

  /** The text up to the stop (or all of it), as the final response says. */
  get result(): string {
    return this.text.slice(0, this.shown);
  }

  private release(upTo: number): string {
    const out = this.text.slice(this.shown, upTo);
    this.shown = Math.max(this.shown, upTo);
    return out;
  }

  /** Where the text ends if a condition matched, else undefined. */
  private matchEnd(): number | undefined {
    const ends: number[] = [];
    for (const s of this.conditions.strings ?? []) {
      const at = this.text.indexOf(s, Math.max(0, this.shown - s.length));
      if (s.length > 0 && at >= 0) ends.push(at);
    }
    const regexMatch = this.regex?.exec(this.text);
    if (regexMatch) ends.push(regexMatch.index);
    if (this.conditions.closingCodeFence) {
      const fence = FENCE.exec(this.text);
      if (fence) ends.push(fence.index + fence[0].length);
    }
    return ends.length > 0 ? Math.max(this.shown, Math.min(...ends)) : undefined;
  }
}
