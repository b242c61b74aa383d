import type { FieldProblem } from '@switchboard/catalogue';

/** A one-line summary naming the fields, for the problem's `detail`. */
export function toFieldErrors(errors: readonly FieldProblem[]): { detail: string } {
  const fields = [...new Set(errors.map((e) => e.field))];
  return { detail: `Invalid fields: ${fields.join(', ')}. See errors for each one.` };
}
