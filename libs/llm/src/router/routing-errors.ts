/**
 * Why a routed call could not be served. `retryable` tells the job runner whether BullMQ may
 * try the job again later (a provider may recover) or must fail it now (configuration).
 */
export class RoutingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RoutingError';
  }
}

/** Every candidate was tried or skipped and none answered. */
export class ProvidersExhaustedError extends RoutingError {
  constructor(
    readonly privacy: boolean,
    readonly attempts: string[],
    cause?: unknown,
  ) {
    super(
      privacy ? 'no-local-provider' : 'providers-exhausted',
      (privacy
        ? 'No healthy local provider for this private job; it never reaches hosted providers. '
        : 'No provider could serve this call. ') + `Tried: ${attempts.join('; ') || 'none'}.`,
      true,
      { cause },
    );
    this.name = 'ProvidersExhaustedError';
  }
}

/** The catalogue has nothing that may serve this call: a configuration problem. */
export class NoCandidateError extends RoutingError {
  constructor(message: string, privacy: boolean) {
    super(privacy ? 'no-local-provider' : 'no-model-for-tier', message, false);
    this.name = 'NoCandidateError';
  }
}

/** Every model that could serve the call has too small a context window for it. */
export class ContextLengthError extends RoutingError {
  constructor(
    readonly neededTokens: number,
    readonly largestWindow: number,
  ) {
    super(
      'context-length-exceeded',
      `The call needs ${neededTokens} tokens of context (prompt and max tokens), more than ` +
        `the largest context window (${largestWindow} tokens) among the models that could ` +
        'serve it.',
      false,
    );
    this.name = 'ContextLengthError';
  }
}

/** A stream failed after text reached the client, and the job's policy is `fail`. */
export class StreamInterruptedError extends RoutingError {
  constructor(provider: string, cause: unknown) {
    super(
      'stream-interrupted',
      `The stream from ${provider} broke after text was delivered (${(cause as Error).message}); ` +
        "the job's streamFailover policy is 'fail'.",
      false,
      { cause },
    );
    this.name = 'StreamInterruptedError';
  }
}
