import { chunkingStrategySchema } from './chunking-strategy.schema';
import { CodeChunker } from './chunkers/code.chunker';
import { FixedTokenChunker } from './chunkers/fixed-token.chunker';
import { JsonChunker } from './chunkers/json.chunker';
import { MarkdownChunker } from './chunkers/markdown.chunker';
import { RecursiveChunker } from './chunkers/recursive.chunker';
import { SemanticChunker } from './chunkers/semantic.chunker';
import { createChunker } from './create-chunker';

describe('chunking strategy', () => {
  it('fills in defaults', () => {
    expect(chunkingStrategySchema.parse({})).toEqual({
      strategy: 'auto',
      maxTokens: 512,
      overlapTokens: 64,
      threshold: 0.7,
    });
  });

  it.each([
    [{ maxTokens: 8 }, 'maxTokens'],
    [{ maxTokens: 100_000 }, 'maxTokens'],
    [{ maxTokens: 100.5 }, 'maxTokens'],
    [{ maxTokens: 100, overlapTokens: 60 }, 'overlapTokens'],
    [{ overlapTokens: -1 }, 'overlapTokens'],
    [{ threshold: 1.5 }, 'threshold'],
    [{ strategy: 'sentences' }, 'strategy'],
  ])('refuses %j, naming %s', (input, field) => {
    const result = chunkingStrategySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual([field]);
  });

  it('picks a chunker by document type for auto', () => {
    expect(createChunker({}, 'text')).toBeInstanceOf(RecursiveChunker);
    expect(createChunker({}, 'pdf')).toBeInstanceOf(RecursiveChunker);
    expect(createChunker({}, 'markdown')).toBeInstanceOf(MarkdownChunker);
    expect(createChunker({}, 'html')).toBeInstanceOf(MarkdownChunker);
    expect(createChunker({}, 'json')).toBeInstanceOf(JsonChunker);
    expect(createChunker({}, 'code')).toBeInstanceOf(CodeChunker);
  });

  it('uses the named strategy whatever the type, and semantic needs an embedder', () => {
    expect(createChunker({ strategy: 'fixed' }, 'markdown')).toBeInstanceOf(FixedTokenChunker);
    expect(() => createChunker({ strategy: 'semantic' }, 'text')).toThrow(/embed function/);
    const embed = async (texts: string[]) => texts.map(() => [1]);
    expect(createChunker({ strategy: 'semantic' }, 'text', { embed })).toBeInstanceOf(
      SemanticChunker,
    );
  });
});
