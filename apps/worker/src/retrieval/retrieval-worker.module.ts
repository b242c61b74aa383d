import { Module } from '@nestjs/common';
import { LlmModule } from '@switchboard/llm';
import { RetrievalModule, SearchToolModule } from '@switchboard/retrieval';
import { IngestionProcessor } from './ingestion.processor';

/** The worker side of retrieval: draining `retrieval.ingest`, and the `search_collection` tool. */
@Module({
  imports: [RetrievalModule, SearchToolModule.register(RetrievalModule, LlmModule)],
  providers: [IngestionProcessor],
})
export class RetrievalWorkerModule {}
