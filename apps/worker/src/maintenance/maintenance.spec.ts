import { UnrecoverableError, type Job } from 'bullmq';
import { dispatchMaintenanceJob, maintenanceTaskMap } from './maintenance-dispatch';
import { upsertMaintenanceSchedulers } from './maintenance-scheduler.service';
import type { MaintenanceTask } from './maintenance-task';

const task = (name: string, everyMs = 1000): MaintenanceTask & { runs: string[] } => {
  const runs: string[] = [];
  return { name, everyMs, runs, run: async (job: Job) => runs.push(job.id ?? '') };
};
const job = (name: string) => ({ id: `${name}-1`, name }) as Job;

describe('maintenance jobs', () => {
  it('upserts one job scheduler per task, named after it, at its interval', async () => {
    const calls: unknown[][] = [];
    const queue = { upsertJobScheduler: async (...args: unknown[]) => calls.push(args) };
    await upsertMaintenanceSchedulers(queue as never, [task('invocations-rollup', 300_000)]);
    expect(calls).toEqual([
      [
        'invocations-rollup',
        { every: 300_000 },
        {
          name: 'invocations-rollup',
          opts: expect.objectContaining({ removeOnComplete: expect.anything() }),
        },
      ],
    ]);
  });

  it('dispatches by job name', async () => {
    const rollup = task('invocations-rollup');
    const other = task('webhooks');
    const tasks = maintenanceTaskMap([rollup, other]);
    await dispatchMaintenanceJob(tasks, job('webhooks'));
    expect(other.runs).toEqual(['webhooks-1']);
    expect(rollup.runs).toEqual([]);
  });

  it('fails an unknown job name without retries, and refuses two tasks with one name', async () => {
    const tasks = maintenanceTaskMap([task('invocations-rollup')]);
    await expect(dispatchMaintenanceJob(tasks, job('gone'))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(() => maintenanceTaskMap([task('a'), task('a')])).toThrow(/two maintenance tasks/);
  });
});
