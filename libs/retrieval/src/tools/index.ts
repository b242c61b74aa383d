// The retrieval tools for agents: `search_collection`.
export {
  SearchCollectionTool,
  type SearchToolData,
  type SearchToolHit,
} from './search-collection.tool';
export { SearchToolModule } from './search-tool.module';
