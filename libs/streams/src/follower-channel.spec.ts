import { FollowerChannel } from './follower-channel';
import type { StoredJobEvent } from './job-event.types';

const entry = (n: number): StoredJobEvent => ({
  id: `${n}-0`,
  event: { type: 'progress', value: n },
});

describe('FollowerChannel', () => {
  it('hands over what was pushed, once', () => {
    const channel = new FollowerChannel(new AbortController().signal);
    channel.push(entry(1));
    channel.push(entry(2));
    expect(channel.take()).toEqual({ entries: [entry(1), entry(2)], overflowed: false });
    expect(channel.take()).toEqual({ entries: [], overflowed: false });
  });

  it('drops the queue of a follower more than 1,000 entries behind, and says so once', () => {
    const channel = new FollowerChannel(new AbortController().signal);
    for (let n = 1; n <= 1_000; n += 1) channel.push(entry(n));
    // The 1,001st entry finds the queue full: everything is dropped, the follower re-reads.
    channel.push(entry(1_001));
    channel.push(entry(1_002));
    expect(channel.take()).toEqual({ entries: [], overflowed: true });
    // After the re-read the follower takes live entries again.
    channel.push(entry(1_003));
    expect(channel.take()).toEqual({ entries: [entry(1_003)], overflowed: false });
  });

  it('wakes a waiting follower when an entry arrives, and at once when one is queued', async () => {
    const channel = new FollowerChannel(new AbortController().signal);
    let woken = false;
    const waiting = channel.wait().then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(false);
    channel.push(entry(1));
    await waiting;
    expect(woken).toBe(true);
    await channel.wait(); // entry 1 is still queued
    expect(channel.take().entries).toEqual([entry(1)]);
  });

  it('does not leave an overflowed follower waiting', async () => {
    const channel = new FollowerChannel(new AbortController().signal);
    for (let n = 0; n <= 1_000; n += 1) channel.push(entry(n));
    await channel.wait();
    expect(channel.take().overflowed).toBe(true);
  });

  it('is done when closed or when its signal aborts, and then never waits', async () => {
    const closed = new FollowerChannel(new AbortController().signal);
    const waiting = closed.wait();
    expect(closed.done).toBe(false);
    closed.close();
    await waiting;
    expect(closed.done).toBe(true);
    await closed.wait();
    await closed.pause(60_000);

    const abort = new AbortController();
    const aborted = new FollowerChannel(abort.signal);
    const waitingToo = aborted.wait();
    abort.abort();
    await waitingToo;
    expect(aborted.done).toBe(true);
  });

  it('cuts a pause short when the follower is closed, not when entries arrive', async () => {
    const channel = new FollowerChannel(new AbortController().signal);
    let paused = true;
    const pausing = channel.pause(60_000).then(() => (paused = false));
    channel.push(entry(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(paused).toBe(true);
    channel.close();
    await pausing;
    expect(paused).toBe(false);
  });

  it('stops listening to its signal once disposed, and drops what it held', async () => {
    const abort = new AbortController();
    const channel = new FollowerChannel(abort.signal);
    channel.push(entry(1));
    let paused = true;
    const pausing = channel.pause(60_000).then(() => (paused = false));
    channel.dispose();
    expect(channel.take().entries).toEqual([]);
    abort.abort();
    await new Promise((resolve) => setImmediate(resolve));
    // The abort reached no listener: the pause was not cut short by it.
    expect(paused).toBe(true);
    channel.close();
    await pausing;
  });
});
