import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AuthModule } from '@switchboard/auth';
import { Config } from '@switchboard/config';
import { LlmModule } from '@switchboard/llm';
import { RetrievalModule, SearchService } from '@switchboard/retrieval';
import { CollectionDocumentsController } from './collection-documents.controller';
import { CollectionSearchController } from './collection-search.controller';
import { CollectionSearchService } from './collection-search.service';
import { CollectionsController } from './collections.controller';
import { CollectionsService } from './collections.service';
import { DocumentsService } from './documents.service';

/**
 * /v1/collections, their documents and search. Uploads are read into memory by multer, each file
 * bounded by RETRIEVAL_MAX_UPLOAD_BYTES (413 beyond; the whole upload is checked too).
 */
@Module({
  imports: [
    AuthModule,
    LlmModule,
    RetrievalModule,
    MulterModule.registerAsync({
      inject: [Config],
      useFactory: (config: Config) => ({
        limits: { fileSize: config.retrieval.maxUploadBytes, files: 100, fields: 20 },
      }),
    }),
  ],
  controllers: [CollectionsController, CollectionDocumentsController, CollectionSearchController],
  providers: [CollectionsService, DocumentsService, CollectionSearchService, SearchService],
  exports: [RetrievalModule],
})
export class RetrievalApiModule {}
