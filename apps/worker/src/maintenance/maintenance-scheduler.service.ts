import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { MAINTENANCE_QUEUE, MAINTENANCE_TASKS, type MaintenanceTask } from './maintenance-task';

const RETRY_MS = 30_000;

/** Maintenance jobs are cheap to rerun; keep enough history to see that they run. */
const MAINTENANCE_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { count: 100, age: 86_400 },
  removeOnFail: { count: 500, age: 7 * 86_400 },
};

/**
 * One job scheduler per task. Upserting is idempotent, so every worker process does it at boot
 * and the last one to boot sets the interval.
 */
export async function upsertMaintenanceSchedulers(
  queue: Pick<Queue, 'upsertJobScheduler'>,
  tasks: readonly MaintenanceTask[],
): Promise<void> {
  for (const task of tasks) {
    await queue.upsertJobScheduler(
      task.name,
      { every: task.everyMs },
      { name: task.name, opts: MAINTENANCE_JOB_OPTIONS },
    );
  }
}

/** Upserts the schedulers at boot; while Redis is down it keeps trying instead of failing boot. */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    @Inject(MAINTENANCE_TASKS) private readonly tasks: MaintenanceTask[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue.on('error', (error: Error) =>
      this.logger.error(`queue ${MAINTENANCE_QUEUE}: ${error.message}`),
    );
    await this.upsert();
  }

  beforeApplicationShutdown(): void {
    clearTimeout(this.retry);
  }

  private async upsert(): Promise<void> {
    try {
      await upsertMaintenanceSchedulers(this.queue, this.tasks);
      this.logger.log(
        `scheduled ${this.tasks.map((t) => `${t.name} every ${t.everyMs} ms`).join(', ')}`,
      );
    } catch (error) {
      this.logger.error(
        `scheduling maintenance failed, retrying in ${RETRY_MS} ms: ${(error as Error).message}`,
      );
      this.retry = setTimeout(() => void this.upsert(), RETRY_MS).unref();
    }
  }
}
