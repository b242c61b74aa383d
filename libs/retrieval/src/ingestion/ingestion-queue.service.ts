import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Config } from '@switchboard/config';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DocumentsRepository, type DocumentRecord } from '../collections';
import { RETRIEVAL_INGEST_QUEUE, ingestJobOptions, type IngestJobData } from './ingest-queue';

/** Puts documents on `retrieval.ingest` (one job per document, its id a fresh uuid). */
@Injectable()
export class IngestionQueue implements OnModuleInit {
  private readonly logger = new Logger('IngestionQueue');

  constructor(
    private readonly config: Config,
    private readonly documents: DocumentsRepository,
    @InjectQueue(RETRIEVAL_INGEST_QUEUE) private readonly queue: Queue<IngestJobData>,
  ) {}

  onModuleInit(): void {
    this.queue.on('error', (error: Error) =>
      this.logger.error(`queue ${RETRIEVAL_INGEST_QUEUE}: ${error.message}`),
    );
  }

  /** Enqueues a `queued` document and records its job id. */
  async enqueue(document: DocumentRecord): Promise<string> {
    const jobId = randomUUID();
    await this.documents.transition(document.id, ['queued'], 'queued', { jobId });
    await this.queue.add(
      'ingest',
      {
        documentId: document.id,
        collectionId: document.collectionId,
        tenantId: document.tenantId,
      },
      ingestJobOptions(this.config.retrieval, jobId),
    );
    return jobId;
  }

  /** Drops a job that has not started (a running one sees the document's status instead). */
  async discard(jobId: string | null): Promise<void> {
    if (!jobId) return;
    try {
      await this.queue.remove(jobId);
    } catch {
      // Locked by a worker: it stops at its next check.
    }
  }
}
