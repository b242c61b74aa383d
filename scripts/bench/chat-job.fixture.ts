import { bullJobOptions } from '@switchboard/queue';
import {
  mailboxName,
  type JobData,
  type JobRequest,
  type MailboxName,
} from '@switchboard/catalogue';
import type { JobsOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';

/** Every leg uses the same small tier-1 chat job, so the figures compare like for like. */
export const CHAT_INPUT = {
  messages: [{ role: 'user' as const, content: 'hello from the bench' }],
};

export const CHAT_REQUEST: JobRequest<'chat'> = {
  role: 'chat',
  tier: 1,
  input: CHAT_INPUT,
  privacy: false,
};

export const CHAT_MAILBOX: MailboxName = mailboxName('chat', 1);

/** The HTTP body clients send for the same job. */
export const CHAT_BODY = JSON.stringify({ role: 'chat', tier: 1, input: CHAT_INPUT });

/** The payload and options the platform would enqueue, for the raw BullMQ baseline. */
export function rawChatJob(tenantId: string): {
  name: string;
  data: JobData<'chat'>;
  opts: JobsOptions;
} {
  return {
    name: 'chat',
    data: { tenantId, role: 'chat', tier: 1, privacy: false, input: CHAT_INPUT },
    opts: bullJobOptions('chat', { jobId: randomUUID() }),
  };
}
