import type { JobData } from '@switchboard/catalogue';
import { setMetricsEnabled } from '@switchboard/observability';
import type { Job } from 'bullmq';
import { jobQueueWaitSeconds, jobsTotal, observeJobRun, observeQueueWait } from './job.metrics';

const job = {
  queueName: 'agent.coder.t1',
  timestamp: 1_000,
  opts: {},
  data: { role: 'coder', tier: 1 },
} as unknown as Job<JobData>;

async function count(): Promise<number> {
  const { values } = await jobsTotal.get();
  return values.reduce((n, v) => n + v.value, 0);
}

async function waits(): Promise<number> {
  const { values } = await jobQueueWaitSeconds.get();
  return (
    values.find((v) => v.metricName === 'switchboard_job_queue_wait_seconds_count')?.value ?? 0
  );
}

describe('job metrics with METRICS_ENABLED=false', () => {
  afterEach(() => setMetricsEnabled(true));

  it('records nothing while the switch is off, and again once it is on', async () => {
    jobsTotal.reset();
    jobQueueWaitSeconds.reset();
    setMetricsEnabled(false);
    observeQueueWait(job, true, 2_000);
    observeJobRun(job, 'completed', 50);
    expect(await count()).toBe(0);
    expect(await waits()).toBe(0);
    setMetricsEnabled(true);
    observeQueueWait(job, true, 2_000);
    observeJobRun(job, 'completed', 50);
    expect(await count()).toBe(1);
    expect(await waits()).toBe(1);
  });
});
