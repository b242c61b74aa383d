/** The same Idempotency-Key was used earlier with a different request body. */
export class IdempotencyConflictError extends Error {
  constructor(readonly existingJobId: string) {
    super('This Idempotency-Key was already used with a different request.');
    this.name = 'IdempotencyConflictError';
  }
}

/** The job record was written but Redis refused the job; the record was rolled back. */
export class EnqueueFailedError extends Error {
  constructor(cause: unknown) {
    super(`The queue is unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'EnqueueFailedError';
  }
}
