import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { BUDGET_ALERT_SINK } from '@switchboard/budget';
import { BudgetAlertSinkService } from './budget-alert.sink';
import { WEBHOOKS_QUEUE } from './webhook-queue';

/**
 * Binds BUDGET_ALERT_SINK for every process that runs BudgetService (global, as BudgetModule
 * expects). Needs the host's QueueModule (BullMQ root: shared connection and prefix) and
 * BudgetModule. The deliveries themselves are the worker's WebhookDeliveryProcessor.
 */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: WEBHOOKS_QUEUE })],
  providers: [
    BudgetAlertSinkService,
    { provide: BUDGET_ALERT_SINK, useExisting: BudgetAlertSinkService },
  ],
  exports: [BUDGET_ALERT_SINK, BudgetAlertSinkService],
})
export class BudgetAlertsModule {}
