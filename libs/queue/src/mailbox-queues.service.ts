import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  ALL_MAILBOXES,
  mailboxName,
  type MailboxName,
  type Role,
  type Tier,
} from '@switchboard/catalogue';
import type { Queue } from 'bullmq';

/** Every mailbox's Queue, by name. Each gets an error listener, as BullMQ advises. */
@Injectable()
export class MailboxQueues implements OnModuleInit {
  private readonly logger = new Logger(MailboxQueues.name);
  private readonly queues = new Map<MailboxName, Queue>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of ALL_MAILBOXES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (error: Error) => this.logger.error(`Queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
  }

  get(role: Role, tier: Tier): Queue {
    const queue = this.queues.get(mailboxName(role, tier));
    if (!queue) throw new Error(`No queue for mailbox ${mailboxName(role, tier)}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }
}
