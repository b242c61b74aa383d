import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { PROBLEM_BASE } from './problem';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  [extension: string]: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'invalid-input',
  429: 'rate-limited',
  503: 'service-unavailable',
};

function fromHttpException(
  error: HttpException,
): [number, string, string, Record<string, unknown>] {
  const status = error.getStatus();
  const response = error.getResponse();
  if (
    typeof response === 'object' &&
    response !== null &&
    'code' in response &&
    'detail' in response
  ) {
    const { code, detail, ...extensions } = response as { code: string; detail: string };
    return [status, code, detail, extensions];
  }
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? String(response.message)
      : error.message;
  // Terminus answers 503 with the state of each check; keep it, it is what operators need.
  const checks = (response as { details?: Record<string, { status?: string }> })?.details;
  if (checks) {
    const down = Object.entries(checks)
      .filter(([, c]) => c.status !== 'up')
      .map(([name]) => name);
    return [
      status,
      CODE_BY_STATUS[status] ?? 'error',
      `Not ready: ${down.join(', ')} down.`,
      { checks },
    ];
  }
  return [status, CODE_BY_STATUS[status] ?? 'error', message, {}];
}

/** Turns any thrown value into a problem body. Unknown errors never leak their message. */
export function toProblem(error: unknown, instance?: string): ProblemBody {
  let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
  let code = 'internal-error';
  let detail = 'Something went wrong on our side. The error was logged.';
  let extensions: Record<string, unknown> = {};
  if (error instanceof HttpException) [status, code, detail, extensions] = fromHttpException(error);
  return {
    type: `${PROBLEM_BASE}${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance ? { instance } : {}),
    code,
    ...extensions,
  };
}
