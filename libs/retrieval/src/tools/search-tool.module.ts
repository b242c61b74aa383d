import { Module } from '@nestjs/common';
import { SearchService } from '../search/search.service';
import { SearchCollectionTool } from './search-collection.tool';

/**
 * The `search_collection` tool (found by the ToolRegistry's discovery) and the SearchService
 * it uses. Needs, from the importing app: COLLECTION_LOOKUP and VECTOR_STORE (and optionally
 * DOCUMENT_INFO_LOOKUP) as global or imported providers, and LlmService.
 */
@Module({
  providers: [SearchService, SearchCollectionTool],
  exports: [SearchService],
})
export class SearchToolModule {}
