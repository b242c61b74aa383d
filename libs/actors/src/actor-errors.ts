/** Thrown by actors for failures a retry cannot fix; the job fails at once. */
export class NonRetryableError extends Error {
  constructor(
    message: string,
    readonly code = 'non-retryable',
  ) {
    super(message);
    this.name = 'NonRetryableError';
  }
}

/**
 * The run outlived its timeout (the role's default or the job's `timeoutMs`) and was aborted.
 * Final, not retried: a job that hung once will likely hang again, holding a slot each time.
 */
export class JobTimeoutError extends Error {
  readonly code = 'TIMEOUT';
  readonly retryable = false;
  constructor(readonly ms: number) {
    super(`The job took longer than its ${ms} ms timeout`);
    this.name = 'JobTimeoutError';
  }
}

/** The job was cancelled while it ran (by its client, or with its parent): it ends `cancelled`. */
export class JobCancelledError extends Error {
  readonly code = 'cancelled';
  readonly retryable = false;
  constructor() {
    super('The job was cancelled');
    this.name = 'JobCancelledError';
  }
}

/** The worker is shutting down and handed the job back to the queue. */
export class HandBackSignal extends Error {
  constructor() {
    super('The worker is shutting down; the job goes back to the queue');
    this.name = 'HandBackSignal';
  }
}

export class ChildJobsFailedError extends NonRetryableError {
  constructor(failures: string[]) {
    super(`Child jobs failed: ${failures.join('; ')}`, 'child-failed');
    this.name = 'ChildJobsFailedError';
  }
}
