import { InFlightWork } from './in-flight-work';

// The bound is the fake clock's: these tests move it, they never measure it.
describe('InFlightWork', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is settled at once when nothing is in flight', async () => {
    expect(await new InFlightWork().settled(1_000)).toBe(true);
  });

  it('waits for tracked work, failed work included, and forgets what finished', async () => {
    const work = new InFlightWork();
    let finish!: () => void;
    let fail!: (error: Error) => void;
    const ok = work.track(new Promise<void>((resolve) => (finish = resolve)));
    const failed = work.track(new Promise<void>((_, reject) => (fail = reject)));
    failed.catch(() => undefined);
    expect(work.size).toBe(2);
    const settling = work.settled(60_000);
    finish();
    fail(new Error('write refused'));
    expect(await settling).toBe(true);
    await ok;
    expect(work.size).toBe(0);
  });

  it('gives up after its bound on work that never ends, leaving it tracked', async () => {
    const work = new InFlightWork();
    void work.track(new Promise(() => undefined));
    const settling = work.settled(5_000);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await settling).toBe(false);
    expect(work.size).toBe(1);
  });

  it('also waits for work started while it was waiting', async () => {
    const work = new InFlightWork();
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    void work.track(new Promise<void>((resolve) => (finishFirst = resolve)));
    const settling = work.settled(60_000);
    void work.track(new Promise<void>((resolve) => (finishSecond = resolve)));
    finishFirst();
    await jest.advanceTimersByTimeAsync(0);
    let done = false;
    void settling.then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    finishSecond();
    expect(await settling).toBe(true);
  });
});
