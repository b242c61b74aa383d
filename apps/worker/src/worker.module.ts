import { Module } from '@nestjs/common';
import { ActorsModule } from '@switchboard/actors';
import { ConfigModule } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { PoolsService } from './pools.service';

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('switchboard-worker'),
    RedisModule,
    QueueModule,
    ActorsModule,
    MaintenanceModule,
  ],
  providers: [PoolsService],
})
export class WorkerModule {}
