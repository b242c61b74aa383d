const LINE_TERMINATORS = '\n\r\u2028\u2029';

/** Characters before the newest delta that `feed` may read (its scans stay this close). */
export const FENCE_LOOKBACK_CHARS = 4;

/**
 * Finds the end of the code fence (```) that closes the first code block of a growing text,
 * the way `/^```[^\n]*\n[\s\S]*?\n```/m` would on the whole text, but reading each new part
 * of the text once: a stream of n characters costs O(n), not O(n²).
 *
 * The first line that starts with ``` and is complete opens the block (a later opener can
 * only close later); the first "\n```" after its newline closes it.
 */
export class ClosingFenceFinder {
  private openScan = 0;
  private opener: number | undefined;
  private newlineScan = 0;
  private openerNewline: number | undefined;
  private closeScan = 0;
  private end: number | undefined;

  /**
   * `recent` is the text from position `base` on; it must hold at least the
   * `FENCE_LOOKBACK_CHARS` characters before the newest delta. Positions are of the whole text.
   */
  feed(recent: string, base = 0): number | undefined {
    if (this.end !== undefined) return this.end;
    const find = (what: string, from: number) => {
      const at = recent.indexOf(what, Math.max(0, from - base));
      return at < 0 ? undefined : at + base;
    };
    const length = base + recent.length;
    if (this.openerNewline === undefined && !this.findOpener(recent, base, find)) return undefined;
    const at = find('\n```', this.closeScan);
    if (at === undefined) {
      this.closeScan = Math.max(this.closeScan, length - 3);
      return undefined;
    }
    this.end = at + 4;
    return this.end;
  }

  private findOpener(
    recent: string,
    base: number,
    find: (what: string, from: number) => number | undefined,
  ): boolean {
    const length = base + recent.length;
    while (this.opener === undefined) {
      const at = find('```', this.openScan);
      if (at === undefined) {
        this.openScan = Math.max(this.openScan, length - 2);
        return false;
      }
      if (at === 0 || LINE_TERMINATORS.includes(recent[at - 1 - base])) {
        this.opener = at;
        this.newlineScan = at + 3;
      } else {
        this.openScan = at + 1;
      }
    }
    const newline = find('\n', this.newlineScan);
    if (newline === undefined) {
      this.newlineScan = Math.max(this.newlineScan, length);
      return false;
    }
    this.openerNewline = newline;
    this.closeScan = newline + 1;
    return true;
  }
}
