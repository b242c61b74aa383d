import { HttpException } from '@nestjs/common';
import { toProblem } from '../problems/problem-body';

/** OpenAI's error object: `{ "error": { message, type, param, code } }`. */
export interface OpenAiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** A refusal of the OpenAI front door, already in OpenAI's terms. */
export class OpenAiException extends HttpException {
  constructor(
    status: number,
    readonly error: OpenAiErrorBody,
    /** Sent as headers with the error (e.g. `x-should-retry`). */
    readonly headers: Record<string, string> = {},
  ) {
    // `code`/`detail` keep it readable for the problem filter should it ever reach another route.
    super({ code: error.code ?? error.type, detail: error.message }, status);
  }
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiException {
  return new OpenAiException(400, { message, type: 'invalid_request_error', param, code });
}

/** Problem codes whose OpenAI counterpart is not just the snake_case of the code. */
const OPENAI_CODES: Record<string, { type: string; code: string | null }> = {
  'missing-api-key': { type: 'invalid_request_error', code: 'invalid_api_key' },
  'invalid-api-key': { type: 'invalid_request_error', code: 'invalid_api_key' },
  // OpenAI's own 429 says `type: "requests"`; clients match on the code.
  'rate-limited': { type: 'requests', code: 'rate_limit_exceeded' },
  'budget-exhausted': { type: 'insufficient_quota', code: 'budget_exhausted' },
  'malformed-json': { type: 'invalid_request_error', code: 'invalid_json' },
  'invalid-input': { type: 'invalid_request_error', code: 'invalid_value' },
  'not-found': { type: 'invalid_request_error', code: 'not_found' },
};

/**
 * Any error thrown on an OpenAI route, as OpenAI would answer it. Problems (guards, the body
 * parser, the job submission) keep their status and message; their code becomes snake_case.
 * Unknown errors never leak their message (the problem mapping hides it).
 */
export function toOpenAiError(error: unknown): {
  status: number;
  body: { error: OpenAiErrorBody };
  headers: Record<string, string>;
} {
  if (error instanceof OpenAiException) {
    return { status: error.getStatus(), body: { error: error.error }, headers: error.headers };
  }
  const problem = toProblem(error);
  // Submission's 422 (input the front door did not catch) is a plain 400 in OpenAI's world.
  const status = problem.code === 'invalid-input' ? 400 : problem.status;
  const known = OPENAI_CODES[problem.code];
  const type = known?.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const code = known ? known.code : problem.code.replace(/-/g, '_');
  const fieldErrors = problem.errors as { field: string; message: string }[] | undefined;
  const message = fieldErrors?.length
    ? fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')
    : problem.detail;
  return {
    status,
    body: { error: { message, type, param: fieldErrors?.[0]?.field ?? null, code } },
    headers: {},
  };
}
