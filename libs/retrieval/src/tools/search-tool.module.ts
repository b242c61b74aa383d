import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { SearchService } from '../search/search.service';
import { SearchCollectionTool } from './search-collection.tool';

/**
 * The `search_collection` tool (found by the ToolRegistry's discovery) and the SearchService
 * it uses. `register(RetrievalModule, LlmModule)` in the worker: the given modules must
 * export VECTOR_STORE, COLLECTION_LOOKUP (DOCUMENT_INFO_LOOKUP optional) and LlmService.
 */
@Module({})
export class SearchToolModule {
  static register(...modules: (Type | DynamicModule)[]): DynamicModule {
    return {
      module: SearchToolModule,
      imports: modules,
      providers: [SearchService, SearchCollectionTool],
      exports: [SearchService],
    };
  }
}
