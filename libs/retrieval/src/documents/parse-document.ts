import { decodeText } from './decode-text';
import { detectDocumentType, type DetectHints, type DetectedType } from './detect-type';
import { guessCodeLanguage } from './code-language';
import { DocumentParseError } from './document-parse-error';
import type { DocumentType, ParsedDocument } from './document.types';
import { parseHtml } from './parsers/parse-html';
import { parsePdf } from './parsers/parse-pdf';
import { parseJson, parseTextual } from './parsers/parse-text';

export interface ParseOptions extends DetectHints {
  /** The document's type when the caller knows it; detected from the content otherwise. */
  type?: DocumentType;
}

function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

/**
 * Parses a document to text with the structure the chunkers use (pages, sections, the JSON
 * value, the code language). Unsupported or corrupt content throws a `DocumentParseError`.
 */
export async function parseDocument(
  input: Uint8Array | string,
  options: ParseOptions = {},
): Promise<ParsedDocument> {
  if (input.length === 0) throw new DocumentParseError('empty', 'The document is empty.');
  const detected: DetectedType = options.type
    ? { type: options.type }
    : detectDocumentType(input, options);
  switch (detected.type) {
    case 'pdf':
      return parsePdf(toBytes(input));
    case 'html':
      return parseHtml(decodeText(input));
    case 'json':
      return parseJson(decodeText(input));
    case 'code': {
      const text = decodeText(input);
      return parseTextual(text, {
        type: 'code',
        language: detected.language ?? guessCodeLanguage(text, options.filename),
      });
    }
    case 'markdown':
    case 'text':
      return parseTextual(decodeText(input), detected);
  }
}
