import type { Chunk, Chunker, DocumentSection, ParsedDocument } from '../document.types';
import { markdownSections } from '../parsers/markdown-sections';
import { ChunkList } from './chunk-builder';
import { mergePieceRanges } from './line-pieces';
import { fitBlock, markdownBlocks } from './markdown-blocks';
import { countTokens } from './token-codec';

export interface MarkdownOptions {
  maxTokens: number;
  overlapTokens: number;
}

/**
 * Markdown chunks split at headings, each carrying its heading path and line range. A section
 * over budget is cut between blocks; a code fence is never cut open (a fence over budget
 * becomes several complete fences). HTML documents' heading sections are chunked the same way.
 */
export class MarkdownChunker implements Chunker {
  constructor(private readonly options: MarkdownOptions) {}

  async chunk(doc: ParsedDocument): Promise<Chunk[]> {
    const list = new ChunkList();
    const sections: DocumentSection[] = doc.sections ?? markdownSections(doc.text);
    for (const section of sections.filter((s) => !isHeadingOnly(s))) {
      const lines = section.startLine !== undefined;
      const whole = countTokens(section.text) <= this.options.maxTokens;
      const pieces = whole
        ? [{ text: section.text, startLine: section.startLine ?? 1, endLine: section.endLine ?? 1 }]
        : mergePieceRanges(
            markdownBlocks(section.text, section.startLine ?? 1).flatMap((b) =>
              fitBlock(b, this.options.maxTokens),
            ),
            this.options,
          );
      for (const piece of pieces) {
        list.add(piece.text.replace(/\s+$/, ''), {
          headingPath: section.headingPath,
          ...(lines ? { startLine: piece.startLine, endLine: piece.endLine } : {}),
        });
      }
    }
    return list.chunks;
  }
}

/** A section that is its heading line alone: its path shows in the sections below it. */
function isHeadingOnly(section: DocumentSection): boolean {
  return section.headingPath.length > 0 && /^#{1,6}\s+[^\n]*$/.test(section.text.trim());
}
