/**
 * Strings that match a JSON Schema `pattern`, for the simulated provider's generated values.
 * A small sampler walks the regular expression: the first branch of every alternation, each
 * quantified atom repeated its minimum number of times plus `extra` (where the maximum
 * allows), and for a character class or escape the first of some common characters the class
 * accepts (the `variant`th of them, cycling, for other samples). Lookarounds and backreferences are beyond it. Every sample is checked against the
 * real RegExp, so a pattern the sampler misreads yields `undefined`, never a wrong string.
 */
export function patternSample(pattern: string, extra = 0, variant = 0): string | undefined {
  const full = compile(pattern);
  if (!full) return undefined;
  let sample: string;
  try {
    sample = new PatternSampler(pattern, extra, variant).sample();
  } catch {
    return undefined;
  }
  return full.test(sample) ? sample : undefined;
}

/** The pattern as ajv runs it (unicode), or without the flag when only that one compiles. */
export function compile(pattern: string): RegExp | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // try the next flags
    }
  }
  return undefined;
}

/** Characters tried for a class or escape, most readable first, then all printable ASCII. */
const CANDIDATES = [
  ...'ax0A1_-. @:/',
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  '\n',
  '\t',
  '\r',
];

class Unsupported extends Error {}

class PatternSampler {
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly extra: number,
    private readonly variant: number,
  ) {}

  sample(): string {
    const out = this.alternation();
    if (this.at < this.source.length) throw new Unsupported('unbalanced )');
    return out;
  }

  /** The first branch; the others are skipped (parsed, so groups stay balanced). */
  private alternation(): string {
    const first = this.sequence();
    while (this.peek() === '|') {
      this.at++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let out = '';
    while (this.at < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      const { min, max } = this.quantifier();
      const times = Math.min(min + (max > min ? this.extra : 0), max);
      out += atom.repeat(times);
    }
    return out;
  }

  private atom(): string {
    const c = this.source[this.at];
    if (c === '^' || c === '$') {
      this.at++;
      return '';
    }
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    if (c === '.') {
      this.at++;
      return 'a';
    }
    if ('*+?{'.includes(c) && !this.isLiteralBrace()) throw new Unsupported('nothing to repeat');
    const cp = this.source.codePointAt(this.at)!;
    const ch = String.fromCodePoint(cp);
    this.at += ch.length;
    return ch;
  }

  private group(): string {
    this.at++;
    if (this.source.startsWith('?:', this.at)) this.at += 2;
    else if (this.source.startsWith('?<', this.at) && !/^\?<[=!]/.test(this.rest())) {
      const close = this.source.indexOf('>', this.at);
      if (close < 0) throw new Unsupported('group name');
      this.at = close + 1;
    } else if (this.peek() === '?') throw new Unsupported('lookaround');
    const out = this.alternation();
    if (this.peek() !== ')') throw new Unsupported('unclosed group');
    this.at++;
    return out;
  }

  private charClass(): string {
    const start = this.at;
    this.at++;
    if (this.peek() === '^') this.at++;
    if (this.peek() === ']') this.at++;
    while (this.at < this.source.length && this.peek() !== ']') {
      this.at += this.peek() === '\\' ? 2 : 1;
    }
    if (this.peek() !== ']') throw new Unsupported('unclosed class');
    this.at++;
    const body = this.source.slice(start, this.at);
    const inner = body.replace(/^\[\^?/, '');
    return this.firstAccepted(body, inner[0] === '\\' ? inner[1] : inner[0]);
  }

  private escape(): string {
    const start = this.at;
    const next = this.source[this.at + 1];
    if (next === undefined) throw new Unsupported('trailing backslash');
    this.at += 2;
    if (next === 'b' || next === 'B') return '';
    if (/[1-9]/.test(next) || next === 'k') throw new Unsupported('backreference');
    if (next === 'u' && this.peek() === '{') this.at = this.source.indexOf('}', this.at) + 1;
    else if (next === 'u') this.at += 4;
    else if (next === 'x') this.at += 2;
    else if (next === 'c') this.at += 1;
    else if ((next === 'p' || next === 'P') && this.peek() === '{') {
      this.at = this.source.indexOf('}', this.at) + 1;
    }
    if (this.at <= start) throw new Unsupported('bad escape');
    return this.firstAccepted(
      this.source.slice(start, this.at),
      /\w/.test(next) ? undefined : next,
    );
  }

  /** A candidate character the class or escape `atom` matches: the first, or the variant's. */
  private firstAccepted(atom: string, own: string | undefined): string {
    const re = compile(`^(?:${atom})$`);
    if (!re) throw new Unsupported('atom does not compile');
    const accepted = [...new Set([...(own ? [own] : []), ...CANDIDATES])].filter((c) => re.test(c));
    if (accepted.length === 0) throw new Unsupported('no candidate matches');
    return accepted[this.variant % accepted.length];
  }

  private quantifier(): { min: number; max: number } {
    const c = this.peek();
    let range: { min: number; max: number } | undefined;
    if (c === '*') range = { min: 0, max: Infinity };
    else if (c === '+') range = { min: 1, max: Infinity };
    else if (c === '?') range = { min: 0, max: 1 };
    if (range) this.at++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.rest());
      if (!m) return { min: 1, max: 1 };
      this.at += m[0].length;
      const min = Number(m[1]);
      range = { min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity };
    } else return { min: 1, max: 1 };
    if (this.peek() === '?' || this.peek() === '+') this.at++;
    return range;
  }

  /** A `{` that does not start a quantifier is a literal (outside unicode mode). */
  private isLiteralBrace(): boolean {
    return this.peek() === '{' && !/^\{\d+(,\d*)?\}/.test(this.rest());
  }

  private peek(): string | undefined {
    return this.source[this.at];
  }

  private rest(): string {
    return this.source.slice(this.at);
  }
}
