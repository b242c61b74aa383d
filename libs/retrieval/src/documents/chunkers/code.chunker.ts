import type { Chunk, Chunker, ParsedDocument } from '../document.types';
import { ChunkList } from './chunk-builder';
import { blankLineGroups, codeBlocks } from './code-blocks';
import { mergePieceRanges, splitPieceByLines, type LinePiece } from './line-pieces';
import { countTokens } from './token-codec';

export interface CodeOptions {
  maxTokens: number;
}

/**
 * Source code chunks cut between top-level declarations (or blank-line blocks), packed up to
 * `maxTokens` without overlap, each with its line range and language. A declaration over budget
 * is cut at its inner blank lines, then between lines.
 */
export class CodeChunker implements Chunker {
  constructor(private readonly options: CodeOptions) {}

  async chunk(doc: ParsedDocument): Promise<Chunk[]> {
    const { maxTokens } = this.options;
    const pieces: LinePiece[] = [];
    let run: LinePiece[] = [];
    const flush = () => {
      pieces.push(...mergePieceRanges(run, { maxTokens, overlapTokens: 0 }));
      run = [];
    };
    for (const block of codeBlocks(doc.text, doc.language)) {
      if (countTokens(block.text) <= maxTokens) {
        run.push(block);
        continue;
      }
      // A declaration over budget is chunked on its own, not packed with its neighbours.
      flush();
      const parts = blankLineGroups(block).flatMap((g) => splitPieceByLines(g, maxTokens));
      pieces.push(...mergePieceRanges(parts, { maxTokens, overlapTokens: 0 }));
    }
    flush();
    const list = new ChunkList();
    for (const piece of pieces) {
      list.add(piece.text.replace(/\s+$/, ''), {
        startLine: piece.startLine,
        endLine: piece.endLine,
        ...(doc.language ? { language: doc.language } : {}),
      });
    }
    return list.chunks;
  }
}
