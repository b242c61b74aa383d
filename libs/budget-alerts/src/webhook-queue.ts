import type { JobsOptions } from 'bullmq';
import type { BudgetAlertPayload } from './budget-alert.payload';

/** Outgoing webhook deliveries; the worker's WebhookDeliveryProcessor drains it. */
export const WEBHOOKS_QUEUE = 'switchboard.webhooks';

/**
 * One delivery: the body, and the pool whose webhook it goes to. The URL is looked up when
 * delivering, not stored here: webhook URLs often carry a token, and job data holds no
 * secrets. A pool deleted (or its webhook removed) meanwhile gets no delivery.
 */
export interface WebhookJobData {
  poolId: string;
  payload: BudgetAlertPayload;
}

/**
 * 8 attempts, exponential from 3 s with jitter: retries for about 6 minutes (3+6+…+192 s).
 * Deliveries are kept long enough to inspect them in Bull Board, by count and age.
 */
export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 3_000, jitter: 0.2 },
  removeOnComplete: { count: 1_000, age: 7 * 86_400 },
  removeOnFail: { count: 5_000, age: 30 * 86_400 },
};
