import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { JobRunner } from '@switchboard/actors';
import { Config } from '@switchboard/config';
import { JobCancelBus, JobCancelListener } from '@switchboard/queue';

/** How often the markers of running jobs are checked, for cancels whose message was missed. */
const SWEEP_MS = 2_000;

/**
 * Connects the cancel signal to this process's runs: a cancel for a job running here aborts
 * its run (the runner ends it `cancelled`). Listens until the pools have closed, so a job
 * finishing its grace period at shutdown can still be cancelled.
 */
@Injectable()
export class CancelWatchService implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener: JobCancelListener | undefined;

  constructor(
    private readonly config: Config,
    private readonly bus: JobCancelBus,
    private readonly runner: JobRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new JobCancelListener({
      redis: this.config.redis,
      bus: this.bus,
      targets: this.runner.active,
      sweepMs: SWEEP_MS,
    });
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }
}
