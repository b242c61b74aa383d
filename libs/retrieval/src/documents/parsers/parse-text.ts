import { DocumentParseError } from '../document-parse-error';
import type { DetectedType } from '../detect-type';
import type { ParsedDocument } from '../document.types';
import { markdownSections } from './markdown-sections';

/** Plain text, Markdown (with heading sections) and source code, with line ends made LF. */
export function parseTextual(text: string, detected: DetectedType): ParsedDocument {
  const clean = text.replace(/\r\n?/g, '\n');
  if (clean.trim() === '')
    throw new DocumentParseError('empty', 'The document has no text.', detected.type);
  switch (detected.type) {
    case 'markdown': {
      const sections = markdownSections(clean);
      const h1 = sections.find((s) => s.headingPath.length > 0)?.headingPath[0];
      return { type: 'markdown', title: h1, text: clean, sections };
    }
    case 'code':
      return { type: 'code', language: detected.language, text: clean };
    case 'text':
    case 'html':
    case 'json':
    case 'pdf':
      return { type: 'text', text: clean };
  }
}

/** A JSON document: its text and parsed value; invalid JSON is a `DocumentParseError`. */
export function parseJson(text: string): ParsedDocument {
  try {
    return { type: 'json', text: text.trim(), json: JSON.parse(text) as unknown };
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new DocumentParseError(
      'invalid-json',
      `The JSON document does not parse: ${detail}`,
      'json',
      {
        cause,
      },
    );
  }
}
