import type { RetrievalConfig } from '@switchboard/config';
import type { JobsOptions } from 'bullmq';

/** The ingestion queue (under the Redis prefix), apart from the agents' mailboxes. */
export const RETRIEVAL_INGEST_QUEUE = 'retrieval.ingest';

/** One document to ingest; the bytes stay in PostgreSQL. */
export interface IngestJobData {
  documentId: string;
  collectionId: string;
  tenantId: string;
}

/** Progress reported on the BullMQ job (Bull Board shows it). */
export interface IngestProgress {
  stage: 'parsing' | 'chunking' | 'embedding' | 'indexing';
  chunks: number;
  embedded: number;
}

/** What the job returns: the document's final state. */
export type IngestOutcome = 'ready' | 'cancelled' | 'failed';

export function ingestJobOptions(config: RetrievalConfig, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: config.ingestAttempts,
    backoff: { type: 'exponential', delay: config.ingestBackoffMs, jitter: 0.2 },
    removeOnComplete: { count: 1_000, age: 7 * 86_400 },
    removeOnFail: { count: 5_000, age: 30 * 86_400 },
  };
}
