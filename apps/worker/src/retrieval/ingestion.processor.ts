import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { bullWorkerOptions } from '@switchboard/queue';
import {
  ACTIVE_STATUSES,
  DocumentIngestion,
  DocumentParseError,
  DocumentsRepository,
  IngestionFailedError,
  RETRIEVAL_INGEST_QUEUE,
  type IngestJobData,
  type IngestOutcome,
} from '@switchboard/retrieval';
import { UnrecoverableError, Worker, type Job } from 'bullmq';

const FORCE_CLOSE_MS = 5_000;

const sleep = (ms: number) =>
  new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/**
 * Drains `retrieval.ingest`: one document per job through DocumentIngestion. A document that
 * cannot be parsed, or a failure retrying cannot fix, ends `failed` with the reason and no
 * retry (UnrecoverableError). Anything else (the store down, a retryable routing error) is
 * retried with backoff; the document goes back to `queued` meanwhile, and to `failed` after
 * the last attempt.
 */
@Injectable()
export class IngestionProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Ingestion');
  private worker: Worker<IngestJobData, IngestOutcome> | undefined;

  constructor(
    private readonly config: Config,
    private readonly ingestion: DocumentIngestion,
    private readonly documents: DocumentsRepository,
  ) {}

  onApplicationBootstrap(): void {
    const worker = new Worker<IngestJobData, IngestOutcome>(
      RETRIEVAL_INGEST_QUEUE,
      (job) => this.process(job),
      bullWorkerOptions(this.config.redis, this.config.worker, {
        concurrency: this.config.retrieval.ingestConcurrency,
      }),
    );
    worker.on('error', (error: Error) =>
      this.logger.error(`worker ${RETRIEVAL_INGEST_QUEUE}: ${error.message}`),
    );
    worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker = worker;
  }

  private async process(job: Job<IngestJobData, IngestOutcome>): Promise<IngestOutcome> {
    const { documentId } = job.data;
    try {
      return await this.ingestion.run({
        data: job.data,
        jobId: String(job.id),
        progress: (p) => job.updateProgress({ ...p }),
      });
    } catch (error) {
      if (error instanceof DocumentParseError || error instanceof IngestionFailedError) {
        const reason =
          error instanceof DocumentParseError ? `${error.reason}: ${error.message}` : error.message;
        await this.documents.transition(documentId, ACTIVE_STATUSES, 'failed', { error: reason });
        throw new UnrecoverableError(reason);
      }
      await this.documents.transition(documentId, ACTIVE_STATUSES, 'queued', {
        error: `attempt ${job.attemptsMade + 1} failed, will retry: ${(error as Error).message}`,
      });
      throw error;
    }
  }

  private async onFailed(
    job: Job<IngestJobData, IngestOutcome> | undefined,
    error: Error,
  ): Promise<void> {
    if (!job) return;
    const final =
      error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn(
      `document ${job.data.documentId} (job ${job.id}) attempt ${job.attemptsMade} failed` +
        `${final ? '' : ', will retry'}: ${error.message}`,
    );
    if (!final) return;
    try {
      await this.documents.transition(job.data.documentId, ACTIVE_STATUSES, 'failed', {
        error: error.message,
      });
    } catch (e) {
      this.logger.error(`marking ${job.data.documentId} failed: ${(e as Error).message}`);
    }
  }

  /** A job cut short is retried from the queue; its document stays in its active status. */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close();
    if ((await Promise.race([closing, sleep(this.config.worker.shutdownGraceMs)])) !== 'timeout') {
      return;
    }
    await Promise.race([worker.close(true), sleep(FORCE_CLOSE_MS)]);
  }
}
