/**
 * A pool definition the budget rules refuse. Carries a stable `code`, the field at fault and
 * the HTTP status an API should answer with, like the auth admin errors.
 */
export class InvalidBudgetPoolError extends Error {
  readonly code = 'invalid-budget-pool';
  readonly httpStatus = 400;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`Invalid budget pool (${field}): ${message}`);
    this.name = 'InvalidBudgetPoolError';
  }
}
