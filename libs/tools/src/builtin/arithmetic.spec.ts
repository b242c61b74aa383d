import { ArithmeticError, evaluateArithmetic } from './arithmetic';

describe('calculator arithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 10', 1024],
    ['-2 ^ 2', -4],
    ['2 ^ -1', 0.5],
    ['10 % 4', 2],
    ['sqrt(16) + abs(-3)', 7],
    ['max(1, 5, 3) - min(4, 2)', 3],
    ['round(pi * 100) / 100', 3.14],
    ['1.5e3 / .5', 3000],
    ['  7  ', 7],
  ])('%s = %d', (expression, value) => {
    expect(evaluateArithmetic(expression)).toBeCloseTo(value, 10);
  });

  it.each([
    ['1 / 0', /division by zero/],
    ['1 +', /unexpected end/],
    ['2 3', /unexpected '3'/],
    ['process.exit(1)', /unexpected character|unknown name/],
    ['constructor(1)', /unknown function 'constructor'/],
    ['foo', /unknown name 'foo'/],
    ['(1', /expected '\)'/],
    ['10 ^ 400', /not a finite number/],
    ['', /empty expression/],
    ['-'.repeat(500) + '1', /nested too deeply/],
  ])('refuses %s', (expression, message) => {
    expect(() => evaluateArithmetic(expression)).toThrow(ArithmeticError);
    expect(() => evaluateArithmetic(expression)).toThrow(message);
  });
});
