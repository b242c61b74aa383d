import type { JobData } from '@switchboard/catalogue';
import { DelayedError, type Job } from 'bullmq';
import { JobCompatGate } from './job-compat-gate';
import { jobsTotal } from './job.metrics';

/** The few fields of a BullMQ job the gate reads, and the one call it makes. */
function fakeJob(id: string, compat?: number) {
  const moves: { timestamp: number; token: string }[] = [];
  const data = { tenantId: 't', role: 'chat', tier: 1, privacy: false, compat } as JobData;
  const job = {
    id,
    queueName: 'agent.chat.t1',
    data,
    moveToDelayed: (timestamp: number, token: string) => {
      moves.push({ timestamp, token });
      return Promise.resolve();
    },
  } as unknown as Job<JobData>;
  return { job, moves };
}

const handedBack = async () =>
  (await jobsTotal.get()).values.find(
    (v) => v.labels.outcome === 'handed_back' && v.labels.queue === 'agent.chat.t1',
  )?.value ?? 0;

describe('JobCompatGate', () => {
  const warnings: string[] = [];
  const gate = new JobCompatGate(2, 1000, { warn: (m: string) => warnings.push(m) });

  beforeEach(() => (warnings.length = 0));

  it('lets through jobs at or below its version, and unstamped ones, touching nothing', async () => {
    for (const compat of [undefined, 1, 2]) {
      const { job, moves } = fakeJob(`ok-${compat}`, compat);
      await expect(gate.handBackIfNewer(job, 'tok')).resolves.toBeUndefined();
      expect(moves).toEqual([]);
    }
    expect(warnings).toEqual([]);
  });

  it('hands a newer job back to delayed for the retry delay, counted, warned once', async () => {
    const before = await handedBack();
    const { job, moves } = fakeJob('new-1', 3);
    const first = await gate.handBackIfNewer(job, 'tok', 10_000);
    const second = await gate.handBackIfNewer(job, 'tok', 20_000);
    expect(first).toBeInstanceOf(DelayedError);
    expect(second).toBeInstanceOf(DelayedError);
    expect(moves).toEqual([
      { timestamp: 11_000, token: 'tok' },
      { timestamp: 21_000, token: 'tok' },
    ]);
    expect(await handedBack()).toBe(before + 2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('new-1');
    expect(warnings[0]).toContain('compat 3');
    expect(warnings[0]).toContain('up to 2');
  });

  it('refuses to hand back without the lock token', async () => {
    const { job, moves } = fakeJob('new-2', 3);
    await expect(gate.handBackIfNewer(job, undefined)).rejects.toThrow(/lock token/);
    expect(moves).toEqual([]);
  });
});
