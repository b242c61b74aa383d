import { extractText, getDocumentProxy } from 'unpdf';
import { DocumentParseError } from '../document-parse-error';
import type { DocumentPage, ParsedDocument } from '../document.types';
import { ensurePdfjs } from './pdfjs-module';

/** PDF.js's errors level: 0 keeps its "Indexing all PDF objects" warnings out of our logs. */
const PDFJS_ERRORS_ONLY = 0;

async function openPdf(bytes: Uint8Array) {
  await ensurePdfjs();
  try {
    // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: PDFJS_ERRORS_ONLY });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new DocumentParseError(
      'corrupt-pdf',
      `The PDF is corrupt or truncated: ${detail}`,
      'pdf',
      { cause },
    );
  }
}

function pdfTitle(info: unknown): string | undefined {
  const title = (info as { Title?: unknown } | undefined)?.Title;
  return typeof title === 'string' && title.trim() !== '' ? title.trim() : undefined;
}

/** A PDF's text page by page (pages numbered from 1), with its title from the document info. */
export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  const pdf = await openPdf(bytes);
  try {
    let text: string[];
    try {
      ({ text } = await extractText(pdf, { mergePages: false }));
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new DocumentParseError(
        'corrupt-pdf',
        `The PDF's pages cannot be read: ${detail}`,
        'pdf',
        {
          cause,
        },
      );
    }
    const pages: DocumentPage[] = text.map((t, i) => ({ page: i + 1, text: t.trim() }));
    if (pages.every((p) => p.text === '')) {
      throw new DocumentParseError(
        'no-text',
        'The PDF has no extractable text (scanned images need OCR, which is not supported).',
        'pdf',
      );
    }
    const meta = await pdf.getMetadata().catch(() => undefined);
    return {
      type: 'pdf',
      title: pdfTitle(meta?.info),
      text: pages.map((p) => p.text).join('\n\n'),
      pages,
    };
  } finally {
    await pdf.destroy();
  }
}
