import { Injectable } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { InvocationsRepository } from '@switchboard/persistence';
import type { MaintenanceTask } from './maintenance-task';

const DAY_MS = 86_400_000;

/**
 * Refreshes the daily invocation rollup for yesterday and today (UTC). Yesterday too, because
 * rows land after their start time: a call that began before midnight is written after it.
 */
@Injectable()
export class InvocationsRollupTask implements MaintenanceTask {
  readonly name = 'invocations-rollup';
  readonly everyMs: number;

  constructor(
    private readonly invocations: InvocationsRepository,
    config: Config,
  ) {
    this.everyMs = config.llm.rollupIntervalMs;
  }

  async run(): Promise<{ rows: number }> {
    const now = new Date();
    const rows = await this.invocations.refreshDailyRollup(new Date(now.getTime() - DAY_MS), now);
    return { rows };
  }
}
