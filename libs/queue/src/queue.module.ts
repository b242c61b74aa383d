import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import type Redis from 'ioredis';
import { JobControlService } from './job-control.service';
import { JobSubmissionService } from './job-submission.service';
import { MailboxQueues } from './mailbox-queues.service';
import { QUEUE_REDIS, QueueRedisLifecycle, queueRedisProvider } from './queue-redis.provider';

@Module({
  providers: [
    queueRedisProvider,
    {
      provide: QueueRedisLifecycle,
      inject: [QUEUE_REDIS],
      useFactory: (r: Redis) => new QueueRedisLifecycle(r),
    },
  ],
  exports: [QUEUE_REDIS],
})
class QueueRedisModule {}

/** Producer side of BullMQ: one Queue per mailbox, on one shared Redis connection. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      imports: [QueueRedisModule],
      inject: [Config, QUEUE_REDIS],
      useFactory: (config: Config, connection: Redis) => ({
        connection,
        prefix: config.redis.prefix,
      }),
    }),
    BullModule.registerQueue(...ALL_MAILBOXES.map((name) => ({ name }))),
    QueueRedisModule,
  ],
  providers: [MailboxQueues, JobSubmissionService, JobControlService],
  exports: [BullModule, MailboxQueues, JobSubmissionService, JobControlService, QueueRedisModule],
})
export class QueueModule {}
