import { JOB_COMPAT_VERSION, canRunJob, effectiveJobCompat, jobCompatOf } from './job-compat';

describe('job compatibility version', () => {
  it('is a positive integer', () => {
    expect(Number.isInteger(JOB_COMPAT_VERSION)).toBe(true);
    expect(JOB_COMPAT_VERSION).toBeGreaterThanOrEqual(1);
  });

  it("is the code's unless config overrides it", () => {
    expect(effectiveJobCompat(undefined)).toBe(JOB_COMPAT_VERSION);
    expect(effectiveJobCompat(JOB_COMPAT_VERSION + 3)).toBe(JOB_COMPAT_VERSION + 3);
  });

  it('reads a stamp, and counts an unstamped or malformed job as version 1', () => {
    expect(jobCompatOf({ compat: 4 })).toBe(4);
    expect(jobCompatOf({})).toBe(1);
    expect(jobCompatOf({ compat: '4' })).toBe(1);
    expect(jobCompatOf({ compat: 2.5 })).toBe(1);
  });

  it('lets a worker run jobs up to its own version, never newer ones', () => {
    expect(canRunJob(1, 1)).toBe(true);
    expect(canRunJob(1, 2)).toBe(true);
    expect(canRunJob(2, 2)).toBe(true);
    expect(canRunJob(3, 2)).toBe(false);
  });
});
