/**
 * A small JSONPath: `$`, `.key`, `['key']`, `[n]` (negative from the end), `[a:b]`, `*` /
 * `[*]`, `..key` (any depth), and filters `[?(@.field op value)]` with op one of == != < <=
 * > >= (value a JSON literal) or `[?(@.field)]` (present and not null/false).
 */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

type Step =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'all' }
  | { kind: 'deep'; key: string /* or '*' */ }
  | { kind: 'filter'; field: string[]; op?: string; value?: unknown };

const FILTER = /^\?\(\s*@((?:\.[A-Za-z_$][\w$-]*)*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+?))?\s*\)$/;

export function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (rest && !rest.startsWith('.') && !rest.startsWith('[')) rest = `.${rest}`;
  while (rest) {
    let m: RegExpExecArray | null;
    if ((m = /^\.\.([A-Za-z_$][\w$-]*|\*)/.exec(rest))) {
      steps.push({ kind: 'deep', key: m[1] });
    } else if ((m = /^\.([A-Za-z_$][\w$-]*)/.exec(rest))) {
      steps.push({ kind: 'key', key: m[1] });
    } else if ((m = /^\.\*|^\[\*\]/.exec(rest))) {
      steps.push({ kind: 'all' });
    } else if ((m = /^\[\s*(-?\d+)\s*\]/.exec(rest))) {
      steps.push({ kind: 'index', index: Number(m[1]) });
    } else if ((m = /^\[\s*(-?\d*)\s*:\s*(-?\d*)\s*\]/.exec(rest))) {
      steps.push({
        kind: 'slice',
        ...(m[1] ? { start: Number(m[1]) } : {}),
        ...(m[2] ? { end: Number(m[2]) } : {}),
      });
    } else if ((m = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest))) {
      steps.push({ kind: 'key', key: (m[1] ?? m[2]).replace(/\\(.)/g, '$1') });
    } else if ((m = /^\[(\?\(.*?\))\]/.exec(rest))) {
      const f = FILTER.exec(m[1]);
      if (!f) throw new JsonPathError(`cannot read the filter ${m[1]}`);
      const field = f[1].split('.').filter(Boolean);
      if (f[2] === undefined) steps.push({ kind: 'filter', field });
      else steps.push({ kind: 'filter', field, op: f[2], value: literal(f[3]) });
    } else {
      throw new JsonPathError(`cannot read the path at '${rest.slice(0, 30)}'`);
    }
    rest = rest.slice(m[0].length);
  }
  return steps;
}

function literal(text: string): unknown {
  const t = text.trim();
  try {
    return JSON.parse(t.startsWith("'") && t.endsWith("'") ? JSON.stringify(t.slice(1, -1)) : t);
  } catch {
    throw new JsonPathError(`the filter value ${t} is not a JSON literal`);
  }
}

const children = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];

function descendants(v: unknown, out: unknown[] = []): unknown[] {
  out.push(v);
  for (const child of children(v)) descendants(child, out);
  return out;
}

function compare(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case '==':
      return JSON.stringify(left) === JSON.stringify(right);
    case '!=':
      return JSON.stringify(left) !== JSON.stringify(right);
  }
  const ordered =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string');
  if (!ordered) return false;
  const [a, b] = [left as number, right as number]; // both numbers or both strings
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

function apply(step: Step, value: unknown): unknown[] {
  switch (step.kind) {
    case 'key':
      return value &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.hasOwn(value, step.key)
        ? [(value as Record<string, unknown>)[step.key]]
        : [];
    case 'index': {
      if (!Array.isArray(value)) return [];
      const at = step.index < 0 ? value.length + step.index : step.index;
      return at >= 0 && at < value.length ? [value[at]] : [];
    }
    case 'slice':
      return Array.isArray(value) ? value.slice(step.start, step.end) : [];
    case 'all':
      return children(value);
    case 'deep':
      return descendants(value).flatMap((v) =>
        step.key === '*' ? children(v) : apply({ kind: 'key', key: step.key }, v),
      );
    case 'filter':
      return children(value).filter((item) => {
        let field: unknown = item;
        for (const key of step.field) field = apply({ kind: 'key', key }, field)[0];
        return step.op === undefined
          ? field !== undefined && field !== null && field !== false
          : compare(field, step.op, step.value);
      });
  }
}

/** Every value the path selects from `document`, in document order. */
export function queryJson(document: unknown, path: string): unknown[] {
  let current = [document];
  for (const step of parsePath(path)) current = current.flatMap((v) => apply(step, v));
  return current;
}
