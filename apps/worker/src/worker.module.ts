import { Module } from '@nestjs/common';
import { ActorsModule } from '@switchboard/actors';
import { BudgetModule } from '@switchboard/budget';
import { BudgetAlertsModule } from '@switchboard/budget-alerts';
import { ConfigModule } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { StreamsModule } from '@switchboard/streams';
import { ToolsModule } from '@switchboard/tools';
import { McpWorkerModule } from '@switchboard/tools';
import { CancelWatchService } from './cancel-watch.service';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsServerService } from './metrics/metrics-server.service';
import { PoolsService } from './pools.service';
import { RetrievalWorkerModule } from './retrieval/retrieval-worker.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('switchboard-worker'),
    RedisModule,
    StreamsModule,
    QueueModule,
    ActorsModule,
    ToolsModule,
    // Also reached through LlmModule; listed because budgets and alerts depend on it here.
    BudgetModule,
    BudgetAlertsModule,
    MaintenanceModule,
    WebhooksModule,
    McpWorkerModule,
    RetrievalWorkerModule,
  ],
  providers: [PoolsService, CancelWatchService, MetricsServerService],
})
export class WorkerModule {}
