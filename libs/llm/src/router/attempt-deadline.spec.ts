import { ProviderError } from '../providers/provider-error';
import { AttemptDeadline } from './attempt-deadline';

// Time is the fake clock's: these tests move it, they never measure it.
describe('AttemptDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts with a retryable timeout naming the provider when it answers too slowly', () => {
    const deadline = new AttemptDeadline('acme', 1_000);
    jest.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    const reason = deadline.signal.reason as ProviderError;
    expect(reason).toBeInstanceOf(ProviderError);
    expect(reason).toMatchObject({ kind: 'timeout', provider: 'acme', retryable: true });
    expect(reason.message).toBe('acme: no response within 1000 ms');
    expect(deadline.jobAborted).toBe(false);
  });

  it('bounds the gap between chunks: each touch restarts the clock', () => {
    const deadline = new AttemptDeadline('acme', 1_000);
    for (let chunk = 0; chunk < 5; chunk += 1) {
      jest.advanceTimersByTime(800);
      deadline.touch();
    }
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(deadline.signal.aborted).toBe(true);
  });

  it("carries the job's own reason when the job is cancelled mid-attempt", () => {
    const job = new AbortController();
    const deadline = new AttemptDeadline('acme', 1_000, job.signal);
    const cancelled = new Error('cancelled by the client');
    job.abort(cancelled);
    expect(deadline.signal.reason).toBe(cancelled);
    expect(deadline.jobAborted).toBe(true);
  });

  it('starts aborted when the job already was, with no failover to make', () => {
    const job = new AbortController();
    const timedOut = new Error('job timed out');
    job.abort(timedOut);
    const deadline = new AttemptDeadline('acme', 1_000, job.signal);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(timedOut);
    expect(deadline.jobAborted).toBe(true);
  });

  it('does nothing more once disposed: neither the clock nor the job aborts it', () => {
    const job = new AbortController();
    const deadline = new AttemptDeadline('acme', 1_000, job.signal);
    deadline.dispose();
    jest.advanceTimersByTime(5_000);
    job.abort(new Error('late cancel'));
    expect(deadline.signal.aborted).toBe(false);
    // Without a job signal there is no listener to remove, and no timer after dispose.
    const solo = new AttemptDeadline('acme', 1_000);
    solo.dispose();
    jest.advanceTimersByTime(5_000);
    expect(solo.signal.aborted).toBe(false);
    expect(solo.jobAborted).toBe(false);
  });
});
