import { guessCodeLanguage, languageFromFilename } from './code-language';
import { decodeText, hasPdfMagic } from './decode-text';
import type { DocumentType } from './document.types';

export interface DetectedType {
  type: DocumentType;
  /** The guessed language of a `code` document. */
  language?: string;
}

export interface DetectHints {
  filename?: string;
  mimeType?: string;
}

const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i;
const HTML_TAG =
  /<\/?(div|p|span|a|ul|li|table|h[1-6]|section|article|nav|footer|header|br)\b[^>]*>/gi;

const MD_SIGNALS: RegExp[] = [
  /^#{1,6}\s+\S/m, // ATX heading
  /^(```|~~~)/m, // code fence
  /^\s*[-*+]\s+\S/m, // bullet list
  /^\s*\d+\.\s+\S/m, // ordered list
  /\[[^\]\n]+\]\([^)\s]+\)/, // link
  /(\*\*|__)[^*_\n]+\1/, // strong emphasis
  /^>\s/m, // blockquote
  /^\|?.*\|\s*:?-{3,}/m, // table rule
];

const CODE_LINE =
  /^\s*(import\s|export\s|from\s+\S+\s+import\s|def\s|class\s|function\s|const\s|let\s|var\s|package\s|func\s|fn\s|pub\s|#include|public\s|private\s|protected\s|using\s|namespace\s|return\b|if\s*\(|for\s*\(|while\s*\(|@\w+|async\s|interface\s|type\s+\w+\s*=)|[;{}]\s*$|\)\s*(:|=>)\s*\S*\s*\{?\s*$|^\s*\}/;

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!/^[[{]/.test(t)) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function codeLineRatio(lines: string[]): number {
  const nonBlank = lines.filter((l) => l.trim() !== '');
  if (nonBlank.length === 0) return 0;
  return nonBlank.filter((l) => CODE_LINE.test(l)).length / nonBlank.length;
}

function fromHints(hints: DetectHints, text: string): DetectedType | undefined {
  const name = hints.filename?.toLowerCase() ?? '';
  const mime = hints.mimeType?.toLowerCase() ?? '';
  if (/\.(md|markdown|mdx)$/.test(name) || mime === 'text/markdown') return { type: 'markdown' };
  if (/\.x?html?$/.test(name) || mime === 'text/html') return { type: 'html' };
  if ((name.endsWith('.json') || mime === 'application/json') && looksLikeJson(text)) {
    return { type: 'json' };
  }
  const language = languageFromFilename(hints.filename);
  if (language) return { type: 'code', language };
  return undefined;
}

/** The type of text content, from its own markers. */
function fromContent(text: string, filename?: string): DetectedType {
  if (looksLikeJson(text)) return { type: 'json' };
  const head = text.slice(0, 4096);
  if (HTML_START.test(head) || (head.match(HTML_TAG)?.length ?? 0) >= 4) return { type: 'html' };
  const lines = text.split('\n', 2000);
  const mdScore = MD_SIGNALS.filter((re) => re.test(text)).length;
  if (/^(```|~~~)/m.test(text) && mdScore >= 2) return { type: 'markdown' };
  const codeRatio = codeLineRatio(lines);
  const language = guessCodeLanguage(text, filename);
  if (codeRatio >= 0.3 && language) return { type: 'code', language };
  if (codeRatio >= 0.5) return { type: 'code' };
  if (mdScore >= 2) return { type: 'markdown' };
  return { type: 'text' };
}

/**
 * The type of a document: PDF by its magic bytes, then for UTF-8 text the filename's extension
 * or MIME type when they name a type, else the content's markers (JSON that parses, HTML tags,
 * Markdown syntax, code lines). Binary or invalid UTF-8 content throws a `DocumentParseError`.
 */
export function detectDocumentType(
  input: Uint8Array | string,
  hints: DetectHints = {},
): DetectedType {
  if (hasPdfMagic(input)) return { type: 'pdf' };
  const text = decodeText(input);
  return fromHints(hints, text) ?? fromContent(text, hints.filename);
}
