// What "returns data" means for a PromQL expression that may be a threshold test which does
// not fire in a test (see the top of tests/e2e/observability-stack.e2e-spec.ts):
//
// 1. Every comparison against a number literal (`X > 0.9`, `X == 2`, not `X > bool 1`) is
//    removed, anywhere in the expression: thresholds filter data, and we want the data.
// 2. What is left is split into the operands that must each return data:
//    - `A or B`: each branch, separately (one branch with data must not hide a dead one);
//    - `A unless B`: A only (B is a subtraction that is normally empty, e.g. `offset 1h` in a
//      Prometheus that started a minute ago);
//    - `absent(v)`: v itself (absent() returns data exactly when v has none, so only v says
//      whether the selector matches what is really scraped);
//    - anything else (`and`, arithmetic, functions, aggregations): the whole, so that vector
//      matching (`on`, `group_right`, `by`) is checked too.
// The tokenising is small and deliberate: it skips label matchers, strings and range
// selectors, and splits only at parenthesis depth 0.

const WORD = /[A-Za-z0-9_:]/;

interface Scan {
  /** Index -> depth of () nesting, -1 inside {} [] or strings. */
  depth: number[];
}

function scan(expr: string): Scan {
  const depth: number[] = [];
  let parens = 0;
  let braces = 0;
  let brackets = 0;
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      depth.push(-1);
      if (c === '\\') {
        depth.push(-1);
        i++;
      } else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      depth.push(-1);
      continue;
    }
    if (c === '{') braces++;
    if (c === '[') brackets++;
    if (c === '(') parens++;
    const inside = braces > 0 || brackets > 0;
    depth.push(inside ? -1 : c === '(' ? parens - 1 : parens);
    if (c === '}') braces--;
    if (c === ']') brackets--;
    if (c === ')') parens--;
  }
  return { depth };
}

/** Whether `expr` is one parenthesised group: `( ... )` with the first paren closing last. */
function wrapsAll(expr: string): boolean {
  if (!expr.startsWith('(') || !expr.endsWith(')')) return false;
  return !scan(expr)
    .depth.slice(1, -1)
    .some((d) => d === 0);
}

/** `expr` without outer parentheses that wrap all of it. */
export function stripOuterParens(expr: string): string {
  let e = expr.trim();
  while (wrapsAll(e)) e = e.slice(1, -1).trim();
  return e;
}

/** Splits at a binary keyword (`or`, `unless`, `and`) at parenthesis depth 0. */
export function splitTopLevel(expr: string, keyword: string): string[] {
  const { depth } = scan(expr);
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i + keyword.length <= expr.length; i++) {
    if (depth[i] !== 0 || expr.slice(i, i + keyword.length) !== keyword) continue;
    const before = expr[i - 1];
    const after = expr[i + keyword.length];
    if ((before && WORD.test(before)) || (after && WORD.test(after))) continue;
    parts.push(expr.slice(start, i));
    start = i + keyword.length;
  }
  parts.push(expr.slice(start));
  return parts.map((p) => p.trim());
}

const COMPARISON =
  /^(==|!=|>=|<=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?=\s*(?:$|\)|(?:and|or|unless)(?![A-Za-z0-9_:])))/i;

/** Removes every comparison with a number literal (`X > 0.9` -> `X`), outside matchers. */
export function stripThresholds(expr: string): string {
  const { depth } = scan(expr);
  let out = '';
  for (let i = 0; i < expr.length; i++) {
    if (depth[i] >= 0 && '=!<>'.includes(expr[i])) {
      const match = COMPARISON.exec(expr.slice(i));
      if (match) {
        i += match[0].length - 1;
        continue;
      }
    }
    out += expr[i];
  }
  return out.replace(/[ \t]+\n/g, '\n');
}

export interface Operand {
  expr: string;
  /** How it was derived from the original: `whole`, `or-branch`, `unless-left`, `absent-arg`. */
  via: string;
}

function operandsOf(expr: string, via: string): Operand[] {
  const e = stripOuterParens(expr);
  const branches = splitTopLevel(e, 'or');
  if (branches.length > 1) return branches.flatMap((b) => operandsOf(b, 'or-branch'));
  const unless = splitTopLevel(e, 'unless');
  if (unless.length > 1) return operandsOf(unless[0], 'unless-left');
  const absent = /^absent\s*\(/.exec(e);
  if (absent) {
    const arg = e.slice(absent[0].length - 1);
    if (wrapsAll(arg)) return operandsOf(arg, 'absent-arg');
  }
  return [{ expr: e, via }];
}

/** The operands of `expr` that must each return data (thresholds removed). */
export function dataOperands(expr: string): Operand[] {
  return operandsOf(stripThresholds(expr), 'whole');
}
