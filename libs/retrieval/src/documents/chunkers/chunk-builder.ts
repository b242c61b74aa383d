import type { Chunk, ChunkMetadata } from '../document.types';
import { countTokens } from './token-codec';

/** Collects chunks in order, numbering them and counting their tokens; blank texts are dropped. */
export class ChunkList {
  readonly chunks: Chunk[] = [];

  add(text: string, metadata: ChunkMetadata = {}): void {
    if (text.trim() === '') return;
    this.chunks.push({ text, index: this.chunks.length, tokenCount: countTokens(text), metadata });
  }
}
