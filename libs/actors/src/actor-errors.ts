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

export class JobTimeoutError extends Error {
  readonly code = 'timeout';
  constructor(ms: number) {
    super(`The job took longer than its ${ms} ms timeout`);
    this.name = 'JobTimeoutError';
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
