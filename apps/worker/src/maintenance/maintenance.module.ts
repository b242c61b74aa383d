import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { BudgetReconcileTask } from './budget-reconcile.task';
import { InvocationSpend } from './invocation-spend.query';
import { InvocationsRollupTask } from './invocations-rollup.task';
import { MaintenanceScheduler } from './maintenance-scheduler.service';
import { MAINTENANCE_QUEUE, MAINTENANCE_TASKS, type MaintenanceTask } from './maintenance-task';
import { MaintenanceProcessor } from './maintenance.processor';

/** Add a maintenance task: list its provider here; it is scheduled and dispatched by name. */
const TASKS = [InvocationsRollupTask, BudgetReconcileTask];

/**
 * Periodic housekeeping of the worker app on the `switchboard.maintenance` queue (same Redis
 * connection and prefix as the mailboxes, from QueueModule's BullModule root).
 */
@Module({
  imports: [BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
  providers: [
    InvocationSpend,
    ...TASKS,
    {
      provide: MAINTENANCE_TASKS,
      inject: TASKS,
      useFactory: (...tasks: MaintenanceTask[]) => tasks,
    },
    MaintenanceScheduler,
    MaintenanceProcessor,
  ],
})
export class MaintenanceModule {}
