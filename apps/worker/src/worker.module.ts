import { Module } from '@nestjs/common';
import { ActorsModule } from '@switchboard/actors';
import { BudgetAlertsModule } from '@switchboard/budget-alerts';
import { ConfigModule } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsServerService } from './metrics/metrics-server.service';
import { PoolsService } from './pools.service';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('switchboard-worker'),
    RedisModule,
    QueueModule,
    ActorsModule,
    BudgetAlertsModule,
    MaintenanceModule,
    WebhooksModule,
  ],
  providers: [PoolsService, MetricsServerService],
})
export class WorkerModule {}
