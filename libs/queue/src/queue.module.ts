import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';
import { JobControlService } from './job-control.service';
import { JobSubmissionService } from './job-submission.service';
import { MailboxQueues } from './mailbox-queues.service';

/**
 * Producer side of BullMQ: one Queue per mailbox, all on the process's shared Redis client
 * (from RedisModule, which the app imports).
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [Config, REDIS_CLIENT],
      useFactory: (config: Config, connection: Redis) => ({
        connection,
        prefix: config.redis.prefix,
      }),
    }),
    BullModule.registerQueue(...ALL_MAILBOXES.map((name) => ({ name }))),
  ],
  providers: [MailboxQueues, JobSubmissionService, JobControlService],
  exports: [BullModule, MailboxQueues, JobSubmissionService, JobControlService],
})
export class QueueModule {}
