import type { Job } from 'bullmq';

/** The worker's housekeeping queue; its jobs come from job schedulers, one per task. */
export const MAINTENANCE_QUEUE = 'switchboard.maintenance';

/** Injection token of the list of MaintenanceTask providers. */
export const MAINTENANCE_TASKS = Symbol('MAINTENANCE_TASKS');

/**
 * One periodic housekeeping job. `name` is both the job scheduler's id and the job name the
 * processor dispatches on. Add a task: write a provider and list it in MaintenanceModule.
 */
export interface MaintenanceTask {
  readonly name: string;
  /** How often it runs; the first run is at boot. */
  readonly everyMs: number;
  run(job: Job): Promise<unknown>;
}
