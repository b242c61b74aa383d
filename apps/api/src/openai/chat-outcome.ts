import type { JobResult } from '@switchboard/catalogue';
import { OpenAiException } from './openai-error';

/** How a chat job ended, from its event stream or, failing that, its record. */
export type ChatOutcome =
  | { status: 'completed'; result: JobResult<'chat'> }
  | { status: 'failed'; error: { message: string; code?: string } }
  | { status: 'cancelled' };

/** HTTP statuses for job error codes; anything else is a 500. */
const STATUS_BY_CODE: Record<string, number> = {
  BUDGET_EXCEEDED: 402,
  'context-length-exceeded': 400,
  'providers-exhausted': 503,
  'no-local-provider': 503,
  'no-model-for-tier': 503,
  'stream-interrupted': 502,
  timeout: 504,
};

/**
 * The OpenAI error for a job that did not complete. `x-should-retry: false` stops OpenAI SDKs
 * from resubmitting on their own: the queue has already spent the job's attempts.
 */
export function outcomeError(outcome: Exclude<ChatOutcome, { status: 'completed' }>) {
  const noRetry = { 'x-should-retry': 'false' };
  if (outcome.status === 'cancelled') {
    return new OpenAiException(
      409,
      {
        message: 'The job behind this completion was cancelled.',
        type: 'invalid_request_error',
        param: null,
        code: 'job_cancelled',
      },
      noRetry,
    );
  }
  const code = outcome.error.code ?? 'error';
  const status = STATUS_BY_CODE[code] ?? 500;
  return new OpenAiException(
    status,
    {
      message: outcome.error.message,
      type:
        status === 402
          ? 'insufficient_quota'
          : status < 500
            ? 'invalid_request_error'
            : 'server_error',
      param: code === 'context-length-exceeded' ? 'messages' : null,
      code: code.toLowerCase().replace(/-/g, '_'),
    },
    noRetry,
  );
}
