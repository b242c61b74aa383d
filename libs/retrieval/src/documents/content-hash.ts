import { createHash } from 'crypto';
import { hasPdfMagic } from './decode-text';

/**
 * Text normalised for dedup: no BOM, LF line ends, Unicode NFC, no trailing spaces on lines,
 * no leading or trailing blank lines. Two copies of a text saved by different editors hash alike.
 */
export function normaliseText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC')
    .replace(/[ \t]+$/gm, '')
    .replace(/^\n+|\n+$/g, '');
}

/**
 * The sha256 (hex) of a document's normalised bytes, for dedup. Text is normalised first;
 * PDFs and bytes that are not UTF-8 text are hashed as they are.
 */
export function contentHash(input: Uint8Array | string): string {
  const hash = createHash('sha256');
  if (typeof input === 'string') return hash.update(normaliseText(input), 'utf8').digest('hex');
  if (!hasPdfMagic(input)) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(input);
      return hash.update(normaliseText(text), 'utf8').digest('hex');
    } catch {
      // not UTF-8: hash the raw bytes
    }
  }
  return hash.update(input).digest('hex');
}
