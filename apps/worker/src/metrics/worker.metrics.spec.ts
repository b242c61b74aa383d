import { metricsRegistry, setMetricsEnabled } from '@switchboard/observability';
import { MailboxLoadTracker, resetMailboxLoads } from './worker.metrics';

async function line(name: string, queue: string): Promise<string | undefined> {
  const text = await metricsRegistry.metrics();
  return text.split('\n').find((l) => l.startsWith(`${name}{queue="${queue}"} `));
}

describe('worker gauges', () => {
  afterEach(() => {
    setMetricsEnabled(true);
    resetMailboxLoads();
  });

  it('reports concurrency and the jobs running now, per mailbox', async () => {
    const coder = new MailboxLoadTracker('agent.coder.t1', 8);
    new MailboxLoadTracker('agent.judge.t3', 2);
    coder.started();
    coder.started();
    coder.ended();
    expect(await line('switchboard_worker_concurrency', 'agent.coder.t1')).toMatch(/ 8$/);
    expect(await line('switchboard_worker_jobs_active', 'agent.coder.t1')).toMatch(/ 1$/);
    expect(await line('switchboard_worker_concurrency', 'agent.judge.t3')).toMatch(/ 2$/);
    expect(await line('switchboard_worker_jobs_active', 'agent.judge.t3')).toMatch(/ 0$/);
  });

  it('tracks nothing with metrics off', async () => {
    setMetricsEnabled(false);
    const off = new MailboxLoadTracker('agent.chat.t0', 4);
    off.started();
    expect(await line('switchboard_worker_concurrency', 'agent.chat.t0')).toBeUndefined();
    expect(await line('switchboard_worker_jobs_active', 'agent.chat.t0')).toBeUndefined();
  });
});
