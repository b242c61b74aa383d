import { InjectQueue } from '@nestjs/bullmq';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  BudgetPoolsRepository,
  type BudgetAlert,
  type BudgetAlertSink,
  type InputBoundAlert,
} from '@switchboard/budget';
import type { Queue } from 'bullmq';
import { budgetAlertsTotal, inputBoundExceededTotal } from './budget-alert.metrics';
import { budgetAlertId, toBudgetAlertPayload } from './budget-alert.payload';
import { WEBHOOK_JOB_OPTIONS, WEBHOOKS_QUEUE, type WebhookJobData } from './webhook-queue';

/**
 * Where crossed thresholds go. The `budget_alerts` row decides: only the process whose insert
 * wins counts the alert and enqueues its webhook, so each threshold fires once per pool and
 * period however many processes settle at once. The webhook job id is the alert id, so an
 * enqueue retried after a hiccup never delivers twice.
 */
@Injectable()
export class BudgetAlertSinkService
  implements BudgetAlertSink, OnModuleInit, BeforeApplicationShutdown
{
  private readonly logger = new Logger('BudgetAlerts');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly pools: BudgetPoolsRepository,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly webhooks: Queue<WebhookJobData>,
  ) {}

  onModuleInit(): void {
    this.webhooks.on('error', (error: Error) =>
      this.logger.error(`queue ${WEBHOOKS_QUEUE}: ${error.message}`),
    );
  }

  /** Called synchronously from settlement: the work runs in the background, never throws. */
  alert(alert: BudgetAlert): void {
    const at = new Date();
    const work = this.handle(alert, at)
      .catch((error: unknown) =>
        this.logger.error(`budget alert ${budgetAlertId(alert)}: ${(error as Error).message}`),
      )
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Counted per model (alert rules watch the rate); the budget service logs the details. */
  inputBoundExceeded(alert: InputBoundAlert): void {
    inputBoundExceededTotal.inc({ model: alert.model });
  }

  /** Alerts still being recorded or enqueued (tests and shutdown wait for them). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async handle(alert: BudgetAlert, at: Date): Promise<void> {
    if (!(await this.pools.recordAlert(alert))) return; // fired already, or the pool is gone
    const { pool } = alert;
    budgetAlertsTotal.inc({
      scope: pool.scope,
      threshold: String(alert.threshold),
      mode: pool.mode,
    });
    this.logger.log(
      `budget alert: ${pool.scope} pool ${pool.id} of tenant ${pool.tenantId} reached ` +
        `${alert.threshold}% in ${alert.periodKey} (${alert.spentMicros}/${alert.limitMicros} µ$)`,
    );
    if (!pool.webhookUrl) return;
    const payload = toBudgetAlertPayload(alert, at);
    await this.webhooks.add(
      payload.event,
      { poolId: pool.id, payload },
      { ...WEBHOOK_JOB_OPTIONS, jobId: payload.alertId },
    );
  }
}
