// Documents: type detection, parsing to text (PDF, HTML, Markdown, JSON, code, plain text),
// chunking strategies (fixed, recursive, Markdown, code, JSON, semantic, auto) and content hashes.
export {
  DOCUMENT_TYPES,
  type Chunk,
  type ChunkMetadata,
  type Chunker,
  type DocumentPage,
  type DocumentSection,
  type DocumentType,
  type EmbedFn,
  type ParsedDocument,
} from './document.types';
export { DocumentParseError, type DocumentParseFailure } from './document-parse-error';
export { detectDocumentType, type DetectHints, type DetectedType } from './detect-type';
export { guessCodeLanguage, languageFromFilename } from './code-language';
export { parseDocument, type ParseOptions } from './parse-document';
export { contentHash, normaliseText } from './content-hash';
export {
  CHUNKING_STRATEGIES,
  chunkingStrategySchema,
  type ChunkingStrategy,
  type ChunkingStrategyInput,
  type ChunkingStrategySpec,
} from './chunking-strategy.schema';
export { AUTO_STRATEGY, createChunker, type ChunkerDeps } from './create-chunker';
export { FixedTokenChunker, type FixedTokenOptions } from './chunkers/fixed-token.chunker';
export { RecursiveChunker, type RecursiveOptions } from './chunkers/recursive.chunker';
export { MarkdownChunker, type MarkdownOptions } from './chunkers/markdown.chunker';
export { CodeChunker, type CodeOptions } from './chunkers/code.chunker';
export { JsonChunker, type JsonOptions } from './chunkers/json.chunker';
export {
  SemanticChunker,
  cosineSimilarity,
  type SemanticOptions,
} from './chunkers/semantic.chunker';
