/**
 * A safe arithmetic evaluator (no `eval`): numbers, + - * / % ^ (or **), parentheses, unary
 * signs, the constants pi and e, and a few functions. Recursive descent over tokens.
 */
const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  sign: Math.sign,
  exp: Math.exp,
  ln: Math.log,
  log: Math.log10,
  log10: Math.log10,
  log2: Math.log2,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  hypot: Math.hypot,
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };
const MAX_DEPTH = 100;

export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithmeticError';
  }
}

type Token =
  { kind: 'num'; value: number } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/%^(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m)
      throw new ArithmeticError(`unexpected character '${text.slice(at).trim()[0]}' at ${at + 1}`);
    at = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1].replace(/_/g, '')) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', name: m[2].toLowerCase() });
    else tokens.push({ kind: 'op', op: m[3] === '**' ? '^' : m[3] });
  }
  return tokens;
}

export function evaluateArithmetic(text: string): number {
  const tokens = tokenize(text);
  let i = 0;
  let depth = 0;
  const peek = () => tokens[i];
  const isOp = (op: string) => tokens[i]?.kind === 'op' && (tokens[i] as { op: string }).op === op;
  const expect = (op: string) => {
    if (!isOp(op)) throw new ArithmeticError(`expected '${op}'`);
    i++;
  };
  const deeper = () => {
    if (++depth > MAX_DEPTH) throw new ArithmeticError('expression nested too deeply');
  };

  // sum := product (('+'|'-') product)*
  const sum = (): number => {
    let value = product();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[i++] as { op: string }).op;
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  };
  // product := unary (('*'|'/'|'%') unary)*
  const product = (): number => {
    let value = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (tokens[i++] as { op: string }).op;
      const right = unary();
      if ((op === '/' || op === '%') && right === 0) throw new ArithmeticError('division by zero');
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  };
  // unary := ('-'|'+') unary | power
  const unary = (): number => {
    if (isOp('-') || isOp('+')) {
      const negative = isOp('-');
      i++;
      deeper();
      const value = unary();
      depth--;
      return negative ? -value : value;
    }
    return power();
  };
  // power := atom ('^' unary)?   (right-associative; -2^2 = -4, 2^-1 = 0.5)
  const power = (): number => {
    const base = atom();
    if (!isOp('^')) return base;
    i++;
    deeper();
    const exponent = unary();
    depth--;
    return base ** exponent;
  };
  const atom = (): number => {
    const token = peek();
    if (!token) throw new ArithmeticError('unexpected end of expression');
    if (token.kind === 'num') {
      i++;
      return token.value;
    }
    if (token.kind === 'id') {
      i++;
      if (isOp('(')) return call(token.name);
      if (token.name in CONSTANTS) return CONSTANTS[token.name];
      throw new ArithmeticError(`unknown name '${token.name}'`);
    }
    if (token.op === '(') {
      i++;
      deeper();
      const value = sum();
      depth--;
      expect(')');
      return value;
    }
    throw new ArithmeticError(`unexpected '${token.op}'`);
  };
  const call = (name: string): number => {
    const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (!fn) throw new ArithmeticError(`unknown function '${name}'`);
    expect('(');
    deeper();
    const args: number[] = [];
    if (!isOp(')')) {
      args.push(sum());
      while (isOp(',')) {
        i++;
        args.push(sum());
      }
    }
    depth--;
    expect(')');
    return fn(...args);
  };

  if (tokens.length === 0) throw new ArithmeticError('empty expression');
  const value = sum();
  if (i < tokens.length)
    throw new ArithmeticError(`unexpected '${describe(tokens[i])}' after the expression`);
  if (!Number.isFinite(value))
    throw new ArithmeticError(`the result is not a finite number (${value})`);
  return value;
}

const describe = (t: Token) =>
  t.kind === 'num' ? String(t.value) : t.kind === 'id' ? t.name : t.op;
