import type { z } from 'zod';
import { ProblemException } from '../problems/problem';

/** 400 `invalid-input` naming each bad field (retrieval answers 400 for bad bodies, per the issue). */
export function invalidInput(errors: { field: string; message: string }[]): ProblemException {
  return new ProblemException(
    400,
    'invalid-input',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    { errors },
  );
}

export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw invalidInput(
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => ({
            field: [...issue.path, k].map(String).join('.'),
            message: 'unknown field',
          }))
        : [{ field: issue.path.map(String).join('.') || '(body)', message: issue.message }],
    ),
  );
}

export function collectionNotFound(id: string): ProblemException {
  return new ProblemException(404, 'not-found', `No collection ${id}.`);
}

export function documentNotFound(id: string): ProblemException {
  return new ProblemException(404, 'not-found', `No document ${id} in this collection.`);
}

export function storeUnavailable(message: string): ProblemException {
  return new ProblemException(503, 'retrieval-store-unavailable', message);
}
