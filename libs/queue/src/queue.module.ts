import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import { StreamsModule } from '@switchboard/streams';
import type Redis from 'ioredis';
import { JobCancelBus } from './job-cancel-bus';
import { JobControlService } from './job-control.service';
import { JobSubmissionService } from './job-submission.service';
import { MailboxQueues } from './mailbox-queues.service';

/**
 * Producer side of BullMQ: one Queue per mailbox, all on the process's shared Redis client
 * (from RedisModule, which the app imports), and the cancel signal. Cancelling ends a job's
 * event stream, hence the streams module.
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
    StreamsModule,
  ],
  providers: [MailboxQueues, JobSubmissionService, JobControlService, JobCancelBus],
  exports: [BullModule, MailboxQueues, JobSubmissionService, JobControlService, JobCancelBus],
})
export class QueueModule {}
