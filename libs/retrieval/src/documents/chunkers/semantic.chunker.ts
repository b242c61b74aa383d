import type { Chunk, Chunker, EmbedFn, ParsedDocument } from '../document.types';
import { ChunkList } from './chunk-builder';
import { documentUnits } from './document-units';
import { mergePieces } from './merge-pieces';
import { splitRecursively } from './recursive.chunker';
import { splitSentences } from './text-splits';

export interface SemanticOptions {
  maxTokens: number;
  /** Adjacent sentences less similar than this (cosine) start a new chunk. */
  threshold: number;
  embed: EmbedFn;
  /** Texts per embed call. */
  batchSize?: number;
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Chunks cut where the topic moves: sentences are embedded, and a chunk ends where the cosine
 * similarity of two adjacent sentences falls below `threshold`. A run over `maxTokens` is cut
 * further, between sentences (words for one huge sentence).
 */
export class SemanticChunker implements Chunker {
  constructor(private readonly options: SemanticOptions) {}

  async chunk(doc: ParsedDocument): Promise<Chunk[]> {
    const list = new ChunkList();
    for (const unit of documentUnits(doc)) {
      for (const group of await this.groups(unit.text)) {
        const pieces = group.flatMap((s) => splitRecursively(s, this.options.maxTokens));
        for (const text of mergePieces(pieces, {
          maxTokens: this.options.maxTokens,
          overlapTokens: 0,
        })) {
          list.add(text.trim(), { ...unit.metadata });
        }
      }
    }
    return list.chunks;
  }

  /** The sentences of a text grouped into runs between similarity drops. */
  private async groups(text: string): Promise<string[][]> {
    const sentences = splitSentences(text).filter((s) => s.trim() !== '');
    if (sentences.length <= 1) return sentences.length ? [sentences] : [];
    const vectors = await this.embedAll(sentences.map((s) => s.trim()));
    const groups: string[][] = [[sentences[0]]];
    for (let i = 1; i < sentences.length; i++) {
      if (cosineSimilarity(vectors[i - 1], vectors[i]) < this.options.threshold) groups.push([]);
      groups.at(-1)!.push(sentences[i]);
    }
    return groups;
  }

  private async embedAll(texts: string[]): Promise<number[][]> {
    const size = this.options.batchSize ?? 64;
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += size) {
      const batch = texts.slice(i, i + size);
      const out = await this.options.embed(batch);
      if (out.length !== batch.length) {
        throw new Error(`The embedder returned ${out.length} vectors for ${batch.length} texts.`);
      }
      vectors.push(...out);
    }
    return vectors;
  }
}
