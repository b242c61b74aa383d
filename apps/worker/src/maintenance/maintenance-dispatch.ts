import { UnrecoverableError, type Job } from 'bullmq';
import type { MaintenanceTask } from './maintenance-task';

/** Which task handles which job name; refuses two tasks with one name. */
export function maintenanceTaskMap(
  tasks: readonly MaintenanceTask[],
): Map<string, MaintenanceTask> {
  const map = new Map<string, MaintenanceTask>();
  for (const task of tasks) {
    if (map.has(task.name)) throw new Error(`two maintenance tasks are named '${task.name}'`);
    map.set(task.name, task);
  }
  return map;
}

/**
 * Runs a maintenance job by its name. An unknown name (a task renamed or removed while its
 * scheduler still fires, e.g. during a blue-green switch) fails without retries.
 */
export async function dispatchMaintenanceJob(
  tasks: ReadonlyMap<string, MaintenanceTask>,
  job: Job,
): Promise<unknown> {
  const task = tasks.get(job.name);
  if (!task) throw new UnrecoverableError(`no maintenance task named '${job.name}'`);
  return task.run(job);
}
