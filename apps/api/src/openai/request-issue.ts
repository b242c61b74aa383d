import type { z } from 'zod';
import { invalidRequest, type OpenAiException } from './openai-error';

/** A body path the way OpenAI names parameters: `messages[0].content`. */
function openAiParam(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * OpenAI answers the first thing wrong with a request, naming it in `param`; so does this. A
 * missing field says so (`missing_required_parameter`), as OpenAI's own message does.
 */
export function issueToError(
  body: unknown,
  issue: z.core.$ZodIssue,
  rename: (path: readonly PropertyKey[]) => readonly PropertyKey[] = (p) => p,
): OpenAiException {
  const param = openAiParam(rename(issue.path)) || null;
  if (issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined) {
    return invalidRequest(
      `Missing required parameter: '${param}'.`,
      param,
      'missing_required_parameter',
    );
  }
  const code = issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value';
  return invalidRequest(`Invalid '${param}': ${issue.message}.`, param, code);
}
