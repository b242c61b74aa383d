import { FenceTracker } from '../parsers/markdown-sections';
import { joinPieces, linePieces, splitPieceByLines, type LinePiece } from './line-pieces';
import { splitRecursively } from './recursive.chunker';
import { countTokens } from './token-codec';

/**
 * A Markdown text's blocks: paragraphs (runs of non-blank lines) and whole code fences, blank
 * lines kept with the block before them, so the blocks together are the text.
 */
export function markdownBlocks(
  text: string,
  firstLine: number,
): { piece: LinePiece; fence: boolean }[] {
  const fences = new FenceTracker();
  const blocks: { lines: LinePiece[]; fence: boolean }[] = [];
  let current: { lines: LinePiece[]; fence: boolean } | undefined;
  for (const line of linePieces(text, firstLine)) {
    const wasInside = fences.inside;
    const inFence = fences.feed(line.text.replace(/\n$/, '')) || wasInside;
    const blank = line.text.trim() === '';
    const startsBlock =
      !current ||
      (inFence && !wasInside) ||
      (!inFence && !blank && (current.fence || current.lines.at(-1)!.text.trim() === ''));
    if (startsBlock) {
      current = { lines: [], fence: inFence };
      blocks.push(current);
    }
    current!.lines.push(line);
  }
  return blocks.map((b) => ({ piece: joinPieces(b.lines), fence: b.fence }));
}

/** A fence over budget cut by lines, each part wrapped in the fence's own opening and closing lines. */
export function splitFence(piece: LinePiece, maxTokens: number): LinePiece[] {
  const lines = piece.text.replace(/\n+$/, '').split('\n');
  const opener = lines[0];
  const hasCloser = lines.length > 1 && /^ {0,3}(`{3,}|~{3,})\s*$/.test(lines.at(-1)!);
  const closer = hasCloser ? lines.at(-1)! : opener.trim().match(/^(`{3,}|~{3,})/)![1];
  const body = lines.slice(1, hasCloser ? -1 : undefined).join('\n');
  const wrapTokens = countTokens(`${opener}\n\n${closer}\n`);
  const budget = Math.max(1, maxTokens - wrapTokens);
  const trailing = /\n*$/.exec(piece.text)![0] || '\n';
  const parts = splitPieceByLines(
    { text: body, startLine: piece.startLine + 1, endLine: piece.endLine - 1 },
    budget,
  );
  return parts.map((part, i) => ({
    text: `${opener}\n${part.text.replace(/\n$/, '')}\n${closer}${i === parts.length - 1 ? trailing : '\n'}`,
    startLine: part.startLine,
    endLine: part.endLine,
  }));
}

/** Blocks cut to fit `maxTokens`: fences as fences, paragraphs by sentences and words. */
export function fitBlock(
  block: { piece: LinePiece; fence: boolean },
  maxTokens: number,
): LinePiece[] {
  if (countTokens(block.piece.text) <= maxTokens) return [block.piece];
  if (block.fence) return splitFence(block.piece, maxTokens);
  return splitRecursively(block.piece.text, maxTokens).map((text) => ({ ...block.piece, text }));
}
