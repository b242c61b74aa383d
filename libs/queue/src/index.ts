// BullMQ wiring: one Queue per mailbox on the shared Redis client, the submission service
// (record + enqueue, idempotent), cancel (across hosts) / retry / DLQ replay, and job options from
// the catalogue.
export { QueueModule } from './queue.module';
export { MailboxQueues } from './mailbox-queues.service';
export { QueueDepthCollector } from './queue-depth.collector';
export {
  JobSubmissionService,
  type SubmitOptions,
  type Submission,
} from './job-submission.service';
export { JobControlService, type CancelOutcome, type RetryOutcome } from './job-control.service';
export {
  JobCancelBus,
  cancelChannel,
  cancelMarkerKey,
  CANCEL_MARKER_TTL_S,
} from './job-cancel-bus';
export {
  JobCancelListener,
  type CancelListenerOptions,
  type CancelTargets,
} from './job-cancel-listener';
export { IdempotencyConflictError, EnqueueFailedError } from './submission-errors';
export { bullJobOptions, type EnqueueOptions } from './bull-job-options';
export { bullWorkerOptions, type PoolLimits } from './bull-worker-options';
