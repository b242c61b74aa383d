import { Module } from '@nestjs/common';
import { RetrievalModule } from '@switchboard/retrieval';
import { IngestionProcessor } from './ingestion.processor';

/** The worker side of retrieval: draining `retrieval.ingest`. */
@Module({ imports: [RetrievalModule], providers: [IngestionProcessor] })
export class RetrievalWorkerModule {}
