import { splitByTokens } from './fixed-token.chunker';
import { mergeRanges, type MergeOptions } from './merge-pieces';
import { countTokens } from './token-codec';

/** A run of whole lines of a text (1-based, inclusive), ending with its newline. */
export interface LinePiece {
  text: string;
  startLine: number;
  endLine: number;
}

/** The lines of a text as pieces, numbered from `firstLine`. */
export function linePieces(text: string, firstLine = 1): LinePiece[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => ({
    text: i < lines.length - 1 || text.endsWith('\n') ? `${line}\n` : line,
    startLine: firstLine + i,
    endLine: firstLine + i,
  }));
}

/** Joins consecutive pieces into one; its range ends at the last piece that is not blank. */
export function joinPieces(pieces: LinePiece[]): LinePiece {
  const lastText = pieces.findLast((p) => p.text.trim() !== '') ?? pieces[0];
  return {
    text: pieces.map((p) => p.text).join(''),
    startLine: pieces[0].startLine,
    endLine: lastText.endLine,
  };
}

/** A piece over `maxTokens` cut line by line, and a single line over it cut by tokens. */
export function splitPieceByLines(piece: LinePiece, maxTokens: number): LinePiece[] {
  if (countTokens(piece.text) <= maxTokens) return [piece];
  const lines = linePieces(piece.text, piece.startLine).filter((l) => l.text !== '');
  if (lines.length === 1) {
    return splitByTokens(piece.text, { maxTokens, overlapTokens: 0 }).map((text) => ({
      ...piece,
      text,
    }));
  }
  return mergePieceRanges(
    lines.flatMap((l) => splitPieceByLines(l, maxTokens)),
    { maxTokens, overlapTokens: 0 },
  );
}

/** Packs pieces into chunks of at most `maxTokens` (with overlap), keeping their line ranges. */
export function mergePieceRanges(pieces: LinePiece[], options: MergeOptions): LinePiece[] {
  return mergeRanges(
    pieces.map((p) => p.text),
    options,
  ).map(([from, to]) => joinPieces(pieces.slice(from, to)));
}
