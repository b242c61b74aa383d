import { DocumentParseError } from './document-parse-error';

const SAMPLE_BYTES = 8192;

/** Share of control characters (other than tab, newline, carriage return, form feed) in a sample. */
function controlRatio(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, SAMPLE_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return 1;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return n === 0 ? 0 : control / n;
}

/**
 * The text of a document's bytes: strict UTF-8 (a BOM is dropped). Binary content, UTF-16 and
 * invalid UTF-8 are refused with a `DocumentParseError` naming the reason.
 */
export function decodeText(input: Uint8Array | string): string {
  if (typeof input === 'string') return input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (input.length === 0) throw new DocumentParseError('empty', 'The document is empty.');
  if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) {
    throw new DocumentParseError(
      'unsupported-encoding',
      'The document is UTF-16 encoded; only UTF-8 text is supported.',
    );
  }
  if (controlRatio(input) > 0.05) {
    throw new DocumentParseError(
      'binary',
      'The document is binary (NUL or control bytes), not text, and not a supported format.',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch (cause) {
    throw new DocumentParseError(
      'invalid-utf8',
      'The document is not valid UTF-8 text.',
      undefined,
      {
        cause,
      },
    );
  }
}

/** True when the content starts with the PDF magic `%PDF-` (after whitespace at most). */
export function hasPdfMagic(input: Uint8Array | string): boolean {
  const head =
    typeof input === 'string'
      ? input.slice(0, 64)
      : Buffer.from(input.buffer, input.byteOffset, Math.min(input.length, 64)).toString('latin1');
  return /^(\uFEFF|\xEF\xBB\xBF)?\s*%PDF-/.test(head);
}
