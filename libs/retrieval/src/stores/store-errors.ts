/**
 * Errors of the vector stores. Each carries a stable `code` and the HTTP status the API
 * answers with (problem+json), so the API maps them without a lookup table.
 */
export abstract class RetrievalStoreError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: 400 | 404 | 409 | 503;
}

/** A filter names a field the collection does not declare, or gives it the wrong type. */
export class RetrievalFilterError extends RetrievalStoreError {
  readonly code = 'retrieval-filter-invalid';
  readonly httpStatus = 400;
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`Invalid filter on field "${field}": ${reason}`);
    this.name = 'RetrievalFilterError';
  }
}

/** A search or upsert request that breaks the contract (k out of bounds, wrong dimension...). */
export class InvalidStoreRequestError extends RetrievalStoreError {
  readonly code = 'retrieval-request-invalid';
  readonly httpStatus = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStoreRequestError';
  }
}

export class CollectionNotFoundError extends RetrievalStoreError {
  readonly code = 'retrieval-collection-not-found';
  readonly httpStatus = 404;
  constructor(readonly collectionId: string) {
    super(`Collection "${collectionId}" does not exist`);
    this.name = 'CollectionNotFoundError';
  }
}

export class CollectionConflictError extends RetrievalStoreError {
  readonly code = 'retrieval-collection-conflict';
  readonly httpStatus = 409;
  constructor(
    readonly collectionId: string,
    reason: string,
  ) {
    super(`Collection "${collectionId}" exists with another spec: ${reason}`);
    this.name = 'CollectionConflictError';
  }
}

/** The store cannot be reached or failed on its side; the API answers 503. */
export class StoreUnavailableError extends RetrievalStoreError {
  readonly code = 'retrieval-store-unavailable';
  readonly httpStatus = 503;
  constructor(
    readonly store: string,
    cause: unknown,
  ) {
    super(
      `Vector store ${store} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'StoreUnavailableError';
  }
}
