import type { FieldProblem } from '@switchboard/catalogue';
import type { z } from 'zod';
import { toFieldErrors } from '../jobs/field-errors';
import { ProblemException } from '../problems/problem';

/**
 * Validates a body (422 invalid-input) or a query (400 invalid-query) against a schema, with
 * one field error per issue. The schemas are strict, so each unknown field is named too.
 */
export function parseOrProblem<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query',
): z.output<S> {
  const parsed = schema.safeParse(value ?? (where === 'query' ? {} : undefined));
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.flatMap((issue) => fieldProblems(issue, where));
  const [status, code] = where === 'body' ? [422, 'invalid-input'] : [400, 'invalid-query'];
  throw new ProblemException(status, code, toFieldErrors(errors).detail, { errors });
}

function fieldProblems(issue: z.core.$ZodIssue, where: 'body' | 'query'): FieldProblem[] {
  const field = (path: readonly PropertyKey[]) => path.map(String).join('.') || `(${where})`;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: field([...issue.path, key]),
      message: 'unknown field',
    }));
  }
  return [{ field: field(issue.path), message: issue.message }];
}
