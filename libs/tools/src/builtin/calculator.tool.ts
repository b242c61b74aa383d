import { z } from 'zod';
import { LocalTool, type LocalToolHandler } from '../local-tool.decorator';
import type { ToolOutput } from '../tool.types';
import { ArithmeticError, evaluateArithmetic } from './arithmetic';

const input = z.strictObject({
  expression: z
    .string()
    .min(1)
    .max(2_000)
    .describe(
      'e.g. "(2 + 3) * 4 ^ 2 / 7". Operators + - * / % ^; functions sqrt, abs, round, floor, ' +
        'ceil, exp, ln, log, log2, sin, cos, tan, min, max, pow, hypot; constants pi, e',
    ),
});

@LocalTool({
  name: 'calculator',
  description: 'Evaluates an arithmetic expression exactly as written (double precision).',
  input,
  privacyCompatible: true,
  timeoutMs: 2_000,
})
export class CalculatorTool implements LocalToolHandler<typeof input> {
  async run({ expression }: z.output<typeof input>): Promise<ToolOutput> {
    try {
      const value = evaluateArithmetic(expression);
      return { content: String(value), data: { value } };
    } catch (error) {
      if (error instanceof ArithmeticError) return { content: error.message, isError: true };
      throw error;
    }
  }
}
