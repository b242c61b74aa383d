/** The document was cancelled or deleted while its job ran: stop, leave nothing visible. */
export class IngestionCancelledError extends Error {
  constructor(readonly documentId: string) {
    super(`Document ${documentId} was cancelled`);
    this.name = 'IngestionCancelledError';
  }
}

/** A failure retrying cannot fix (wrong vector size, a non-retryable routing error). */
export class IngestionFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestionFailedError';
  }
}
