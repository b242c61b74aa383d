import type { JobData } from '@switchboard/catalogue';
import type { Job } from 'bullmq';
import {
  jobQueueWaitSeconds,
  jobRunSeconds,
  jobsTotal,
  observeJobRun,
  observeQueueWait,
} from './job.metrics';

/** The fields of a BullMQ job the metrics read. */
function jobOf(queueName: string, timestamp: number, delay?: number): Job<JobData> {
  return {
    queueName,
    timestamp,
    opts: delay === undefined ? {} : { delay },
    data: { role: 'judge', tier: 2 },
  } as unknown as Job<JobData>;
}

async function valueOf(
  metric: { get(): Promise<{ values: { value: number; labels: object; metricName?: string }[] }> },
  labels: object,
  metricName?: string,
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find(
    (v) =>
      (metricName === undefined || v.metricName === metricName) &&
      JSON.stringify(v.labels) === JSON.stringify(labels),
  )?.value;
}

describe('job metrics', () => {
  beforeEach(() => {
    jobsTotal.reset();
    jobRunSeconds.reset();
    jobQueueWaitSeconds.reset();
  });

  it('counts a run by queue, role, tier and outcome, and times it', async () => {
    const job = jobOf('agent.judge.t2', 0);
    observeJobRun(job, 'completed', 1_500);
    observeJobRun(job, 'retrying', 10);
    const labels = { queue: 'agent.judge.t2', role: 'judge', tier: '2', outcome: 'completed' };
    expect(await valueOf(jobsTotal, labels)).toBe(1);
    expect(await valueOf(jobsTotal, { ...labels, outcome: 'retrying' })).toBe(1);
    const timed = { queue: 'agent.judge.t2', role: 'judge', outcome: 'completed' };
    expect(await valueOf(jobRunSeconds, timed, 'switchboard_job_run_seconds_sum')).toBe(1.5);
  });

  it('counts a run that ended outside its handler without timing it', async () => {
    observeJobRun(jobOf('agent.judge.t2', 0), 'stalled');
    const labels = { queue: 'agent.judge.t2', role: 'judge', tier: '2', outcome: 'stalled' };
    expect(await valueOf(jobsTotal, labels)).toBe(1);
    const timed = { queue: 'agent.judge.t2', role: 'judge', outcome: 'stalled' };
    expect(
      await valueOf(jobRunSeconds, timed, 'switchboard_job_run_seconds_count'),
    ).toBeUndefined();
  });

  it('measures the queue wait from when the job became due, on its first run only', async () => {
    observeQueueWait(jobOf('q', 10_000, 5_000), true, 17_000);
    observeQueueWait(jobOf('q', 10_000), false, 99_000);
    const queue = { queue: 'q' };
    expect(
      await valueOf(jobQueueWaitSeconds, queue, 'switchboard_job_queue_wait_seconds_sum'),
    ).toBe(2);
    expect(
      await valueOf(jobQueueWaitSeconds, queue, 'switchboard_job_queue_wait_seconds_count'),
    ).toBe(1);
  });
});
