import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@switchboard/auth';
import { ConfigModule } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { AdminController } from './admin/admin.controller';
import { AdminBoardModule } from './admin/bull-board.module';
import { DlqController } from './dlq/dlq.controller';
import { DlqService } from './dlq/dlq.service';
import { HealthModule } from './health/health.module';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { ProblemDetailsFilter } from './problems/problem-details.filter';

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('switchboard-api'),
    RedisModule,
    QueueModule,
    AuthModule,
    HealthModule,
    AdminBoardModule,
  ],
  controllers: [JobsController, DlqController, AdminController],
  providers: [JobsService, DlqService, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
export class ApiModule {}
