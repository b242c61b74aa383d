import {
  chunkingStrategySchema,
  type ChunkingStrategy,
  type ChunkingStrategyInput,
} from './chunking-strategy.schema';
import { CodeChunker } from './chunkers/code.chunker';
import { FixedTokenChunker } from './chunkers/fixed-token.chunker';
import { JsonChunker } from './chunkers/json.chunker';
import { MarkdownChunker } from './chunkers/markdown.chunker';
import { RecursiveChunker } from './chunkers/recursive.chunker';
import { SemanticChunker } from './chunkers/semantic.chunker';
import type { Chunker, DocumentType, EmbedFn } from './document.types';

/** The strategy `auto` picks for each document type. */
export const AUTO_STRATEGY: { [T in DocumentType]: Exclude<ChunkingStrategy, 'auto'> } = {
  text: 'recursive',
  markdown: 'markdown',
  html: 'markdown',
  pdf: 'recursive',
  json: 'json',
  code: 'code',
};

export interface ChunkerDeps {
  /** Needed by `semantic` only. */
  embed?: EmbedFn;
}

/** The chunker a strategy spec names (validated, defaults applied) for a document type. */
export function createChunker(
  input: ChunkingStrategyInput,
  type: DocumentType,
  deps: ChunkerDeps = {},
): Chunker {
  const spec = chunkingStrategySchema.parse(input);
  const strategy = spec.strategy === 'auto' ? AUTO_STRATEGY[type] : spec.strategy;
  const { maxTokens, overlapTokens, threshold } = spec;
  switch (strategy) {
    case 'fixed':
      return new FixedTokenChunker({ maxTokens, overlapTokens });
    case 'recursive':
      return new RecursiveChunker({ maxTokens, overlapTokens });
    case 'markdown':
      return new MarkdownChunker({ maxTokens, overlapTokens });
    case 'code':
      return new CodeChunker({ maxTokens });
    case 'json':
      return new JsonChunker({ maxTokens });
    case 'semantic':
      if (!deps.embed) throw new Error('The semantic chunking strategy needs an embed function.');
      return new SemanticChunker({ maxTokens, threshold, embed: deps.embed });
  }
}
