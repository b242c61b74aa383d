import { JobCancelledError, JobTimeoutError } from '../actor-errors';
import { stopReason } from './run-endings';

describe('stopReason', () => {
  it("is the signal's cancel or timeout when the run was aborted by one", () => {
    const cancelled = new AbortController();
    const cancel = new JobCancelledError();
    cancelled.abort(cancel);
    expect(stopReason(cancelled.signal, new Error('what the handler threw'))).toBe(cancel);
    const timedOut = new AbortController();
    const timeout = new JobTimeoutError(300);
    timedOut.abort(timeout);
    expect(stopReason(timedOut.signal, undefined)).toBe(timeout);
  });

  it('is a cancel the final write refused with, when the signal says nothing', () => {
    const refused = new JobCancelledError();
    expect(stopReason(new AbortController().signal, refused)).toBe(refused);
  });

  it('is nothing for a run aborted for another reason, or a plain failure', () => {
    const shutdown = new AbortController();
    shutdown.abort(new Error('hand back'));
    expect(stopReason(shutdown.signal, new Error('boom'))).toBeUndefined();
    expect(stopReason(new AbortController().signal, new Error('boom'))).toBeUndefined();
  });
});
