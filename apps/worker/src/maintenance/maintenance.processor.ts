import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { bullWorkerOptions } from '@switchboard/queue';
import { Worker } from 'bullmq';
import { dispatchMaintenanceJob, maintenanceTaskMap } from './maintenance-dispatch';
import { MAINTENANCE_QUEUE, MAINTENANCE_TASKS, type MaintenanceTask } from './maintenance-task';

const sleep = (ms: number) =>
  new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/**
 * Runs maintenance jobs, one at a time, dispatched by job name. A plain BullMQ Worker like the
 * pools (not @Processor): workers need their own blocking connection, built from config.
 */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private worker: Worker | undefined;

  constructor(
    private readonly config: Config,
    @Inject(MAINTENANCE_TASKS) private readonly tasks: MaintenanceTask[],
  ) {}

  onApplicationBootstrap(): void {
    const tasks = maintenanceTaskMap(this.tasks);
    const worker = new Worker(
      MAINTENANCE_QUEUE,
      (job) => dispatchMaintenanceJob(tasks, job),
      bullWorkerOptions(this.config.redis, this.config.worker, { concurrency: 1 }),
    );
    worker.on('error', (error: Error) =>
      this.logger.error(`worker ${MAINTENANCE_QUEUE}: ${error.message}`),
    );
    worker.on('failed', (job, error) =>
      this.logger.error(`${job?.name ?? 'maintenance job'} failed: ${error.message}`),
    );
    this.worker = worker;
  }

  /** Maintenance jobs are idempotent: past the grace period, stop without waiting. */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close();
    if ((await Promise.race([closing, sleep(this.config.worker.shutdownGraceMs)])) !== 'timeout') {
      return;
    }
    await Promise.race([worker.close(true), sleep(5_000)]);
  }
}
