import { HttpException } from '@nestjs/common';

/** Stable problem codes; `type` is derived from them. See docs/problems.md. */
export type ProblemCode =
  | 'malformed-json'
  | 'payload-too-large'
  | 'json-too-deep'
  | 'unsupported-media-type'
  | 'unknown-role-or-tier'
  | 'invalid-input'
  | 'invalid-query'
  | 'invalid-idempotency-key'
  | 'invalid-last-event-id'
  | 'idempotency-key-reused'
  | 'missing-api-key'
  | 'invalid-api-key'
  | 'admin-credential-required'
  | 'rate-limited'
  | 'not-found'
  | 'job-finished'
  | 'job-not-failed'
  | 'conflict'
  | 'queue-unavailable'
  | 'events-unavailable'
  | 'budget-exhausted'
  | 'budget-forbidden'
  | 'budget-unavailable'
  | 'webhook-secret-missing'
  | 'internal-error';

export const PROBLEM_BASE = 'https://switchboard.dev/problems/';

/** Throw this for any refusal: the filter renders it as RFC 9457 problem+json. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    code: ProblemCode | (string & {}),
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super({ code, detail, ...extensions }, status);
  }
}
