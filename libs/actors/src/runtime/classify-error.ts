import type { JobErrorInfo } from '@switchboard/persistence';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { NonRetryableError } from '../actor-errors';

/** What the job record says about a failure, and whether BullMQ may try again. */
export function classifyError(error: unknown): JobErrorInfo & { retryable: boolean } {
  if (error instanceof NonRetryableError) {
    return { message: error.message, code: error.code, retryable: false };
  }
  if (error instanceof UnrecoverableError) {
    return { message: error.message, code: 'non-retryable', retryable: false };
  }
  if (error instanceof z.ZodError) {
    return { message: z.prettifyError(error), code: 'invalid-payload', retryable: false };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const { code, retryable } = err as { code?: unknown; retryable?: unknown };
  return {
    message: err.message,
    code: typeof code === 'string' ? code : 'error',
    // Provider request errors and routing configuration errors say so themselves.
    retryable: retryable !== false,
  };
}
