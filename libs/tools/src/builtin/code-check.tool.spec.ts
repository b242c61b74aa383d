import { checkCode } from './code-check.tool';

describe('code_check', () => {
  it('reports syntax errors with line and column', () => {
    const result = checkCode('const a = 1;\nconst b = ;\n', 'typescript');
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      { line: 2, column: 11, code: 1109, message: 'Expression expected.' },
    ]);
  });

  it('accepts valid TypeScript and refuses type annotations in JavaScript', () => {
    const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    expect(checkCode(code, 'typescript')).toMatchObject({ ok: true, diagnostics: [] });
    const js = checkCode(code, 'javascript');
    expect(js.ok).toBe(false);
    expect(js.diagnostics[0].line).toBe(1);
  });

  it('measures cyclomatic complexity per function and the deepest nesting', () => {
    const code = [
      'function flat(x) { return x + 1; }',
      'function branchy(xs, y) {',
      '  for (const x of xs) {',
      '    if (x > 0 && y) {',
      '      while (y) { y--; }',
      '    } else if (x < 0) {',
      '      return x ?? 0;',
      '    }',
      '  }',
      '  const g = () => (y ? 1 : 2);',
      '  return g();',
      '}',
    ].join('\n');
    const result = checkCode(code, 'javascript');
    expect(result.ok).toBe(true);
    const byName = Object.fromEntries(result.functions.map((f) => [f.name, f]));
    expect(byName.flat).toMatchObject({ line: 1, complexity: 1, maxNesting: 0 });
    // for, if, &&, while, else-if, ?? -> 1 + 6; the arrow's ?: is its own.
    expect(byName.branchy).toMatchObject({ line: 2, complexity: 7, maxNesting: 3 });
    expect(byName.g).toMatchObject({ line: 10, complexity: 2, maxNesting: 0 });
    expect(result.maxNesting).toBe(3);
    expect(result.maxComplexity).toBe(7);
  });

  it('parses TSX', () => {
    expect(checkCode('const el = <div className="a">{1}</div>;', 'tsx').ok).toBe(true);
    expect(checkCode('const el = <div>{1}</span>;', 'tsx').ok).toBe(false);
  });
});
