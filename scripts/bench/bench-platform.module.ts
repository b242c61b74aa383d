import { Module } from '@nestjs/common';
import { ActorsModule } from '@switchboard/actors';
import { TenantsModule } from '@switchboard/auth';
import { ConfigModule } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';

/** The worker app's modules (without its pools) plus tenants, to make the bench's tenant. */
@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('bench'),
    RedisModule,
    QueueModule,
    ActorsModule,
    TenantsModule,
  ],
})
export class BenchPlatformModule {}
