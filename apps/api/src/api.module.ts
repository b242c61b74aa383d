import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@switchboard/auth';
import { ConfigModule } from '@switchboard/config';
import { LlmModule } from '@switchboard/llm';
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
import { LlmController } from './llm/llm.controller';
import { ProblemDetailsFilter } from './problems/problem-details.filter';

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('switchboard-api'),
    RedisModule,
    QueueModule,
    AuthModule,
    LlmModule,
    HealthModule,
    AdminBoardModule,
  ],
  controllers: [JobsController, DlqController, AdminController, LlmController],
  providers: [JobsService, DlqService, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
export class ApiModule {}
