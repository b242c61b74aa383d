import { joinPieces, linePieces, type LinePiece } from './line-pieces';

const DECLARATION =
  /^(export\s|import\s|from\s|def\s|async\s+def\s|class\s|function\s|async\s+function\s|const\s|let\s|var\s|type\s|interface\s|enum\s|abstract\s|public\s|private\s|protected\s|static\s|func\s|fn\s|pub\s|impl\s|struct\s|trait\s|mod\s|package\s|namespace\s|module\s|@\w)/;
const COMMENT_OR_DECORATOR = /^(\/\/|\/\*|\*|#(?!include)|@\w|--|""")/;

/**
 * Bracket depth after a line, from the depth before it: a rough count outside strings and line
 * comments, enough to tell top-level lines from the inside of a body or a multi-line call.
 */
function depthAfter(line: string, depth: number, hashComments: boolean): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') break;
    else if (c === '#' && hashComments) break;
    else if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c)) depth = Math.max(0, depth - 1);
  }
  return depth;
}

/** Line indexes where a top-level block starts: after a blank line, or at a declaration. */
function blockStarts(lines: string[], language: string | undefined): number[] {
  const hashComments = ['python', 'ruby', 'shell', 'r'].includes(language ?? '');
  const starts = [0];
  let depth = 0;
  lines.forEach((line, i) => {
    const topLevel = depth === 0 && /^\S/.test(line) && !/^[)}\]]/.test(line);
    depth = depthAfter(line, depth, hashComments);
    if (i === 0 || !topLevel) return;
    const afterBlank = lines[i - 1].trim() === '';
    if (afterBlank) return void starts.push(i);
    if (!DECLARATION.test(line)) return;
    let start = i;
    while (start - 1 >= starts.at(-1)! && COMMENT_OR_DECORATOR.test(lines[start - 1])) start--;
    if (start > starts.at(-1)!) starts.push(start);
  });
  return starts;
}

/**
 * A source text's top-level blocks (declarations with their comments and decorators, or runs of
 * lines between blank lines at the top level), with 1-based line ranges. Together they are the text.
 */
export function codeBlocks(text: string, language: string | undefined): LinePiece[] {
  const pieces = linePieces(text);
  const starts = blockStarts(
    pieces.map((p) => p.text.replace(/\n$/, '')),
    language,
  );
  return starts.map((start, k) => joinPieces(pieces.slice(start, starts[k + 1] ?? pieces.length)));
}

/** A block cut at its own blank lines (inner blank-line groups), for blocks over budget. */
export function blankLineGroups(piece: LinePiece): LinePiece[] {
  const lines = linePieces(piece.text, piece.startLine);
  const groups: LinePiece[][] = [[]];
  lines.forEach((line, i) => {
    if (i > 0 && lines[i - 1].text.trim() === '' && line.text.trim() !== '') groups.push([]);
    groups.at(-1)!.push(line);
  });
  return groups.filter((g) => g.length > 0).map(joinPieces);
}
