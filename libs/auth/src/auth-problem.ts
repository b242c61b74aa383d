/**
 * The response object of every HttpException this lib throws. The API's problem+json
 * filter turns `code` into the problem type and `detail` into its detail.
 */
export interface AuthProblem {
  code: string;
  detail: string;
}

/** A 429's response object: also says when to retry (mirrors the Retry-After header). */
export interface RateLimitedProblem extends AuthProblem {
  code: 'rate-limited';
  retryAfterSeconds: number;
}
