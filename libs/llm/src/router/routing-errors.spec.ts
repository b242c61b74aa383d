import type { BudgetRefusal } from '@switchboard/budget';
import { BudgetExceededError } from './budget-errors';
import {
  NoCandidateError,
  ProvidersExhaustedError,
  RoutingError,
  StreamInterruptedError,
} from './routing-errors';

describe('routing errors', () => {
  it('lets BullMQ retry a job whose providers were all exhausted, listing the attempts', () => {
    const cause = new Error('503');
    const error = new ProvidersExhaustedError(false, ['a/m (server)', 'b/n (timeout)'], cause);
    expect(error).toBeInstanceOf(RoutingError);
    expect(error).toMatchObject({
      name: 'ProvidersExhaustedError',
      code: 'providers-exhausted',
      retryable: true,
      cause,
    });
    expect(error.message).toBe(
      'No provider could serve this call. Tried: a/m (server); b/n (timeout).',
    );
  });

  it('says a private job never reaches hosted providers, and when nothing was tried', () => {
    const error = new ProvidersExhaustedError(true, []);
    expect(error.code).toBe('no-local-provider');
    expect(error.message).toBe(
      'No healthy local provider for this private job; it never reaches hosted providers. Tried: none.',
    );
  });

  it('fails a job at once when the catalogue has no model for it (configuration)', () => {
    expect(new NoCandidateError('none', false)).toMatchObject({
      name: 'NoCandidateError',
      code: 'no-model-for-tier',
      retryable: false,
    });
    expect(new NoCandidateError('none', true).code).toBe('no-local-provider');
  });

  it("fails a stream that broke after text when the job's policy says so", () => {
    const error = new StreamInterruptedError('acme', new Error('socket hang up'));
    expect(error).toMatchObject({ code: 'stream-interrupted', retryable: false });
    expect(error.message).toBe(
      "The stream from acme broke after text was delivered (socket hang up); the job's streamFailover policy is 'fail'.",
    );
  });
});

describe('BudgetExceededError', () => {
  const refusal: BudgetRefusal = {
    poolId: 'pool-1',
    scope: 'tenant',
    period: 'daily',
    limitMicros: 1_000,
    remainingMicros: 40,
    neededMicros: 120,
    resetsAt: new Date('2026-03-13T00:00:00.000Z'),
  };

  it('names the pool, what is left, what the call needs and when the period resets', () => {
    const error = new BudgetExceededError(refusal);
    expect(error).toMatchObject({ code: 'BUDGET_EXCEEDED', retryable: false, refusal });
    expect(error.message).toBe(
      'The daily tenant budget pool-1 has 40 micro-dollars left of 1000; the call needs at ' +
        'least 120 (it resets at 2026-03-13T00:00:00.000Z).',
    );
  });

  it('says nothing of a reset for a lifetime pool', () => {
    const error = new BudgetExceededError({ ...refusal, period: 'lifetime', resetsAt: null });
    expect(error.message).toBe(
      'The lifetime tenant budget pool-1 has 40 micro-dollars left of 1000; the call needs at least 120.',
    );
  });
});
