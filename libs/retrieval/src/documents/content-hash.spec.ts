import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { contentHash, normaliseText } from './content-hash';

const FIXTURES = join(__dirname, '../../../../tests/fixtures/retrieval/documents');

describe('contentHash', () => {
  it('hashes copies of a text that differ in line ends, BOM, trailing spaces and NFC alike', () => {
    const a = contentHash('Caf\u00e9 menu\nline two\n');
    expect(contentHash('\uFEFFCafe\u0301 menu  \r\nline two\r\n\r\n')).toBe(a);
    expect(contentHash(Buffer.from('Caf\u00e9 menu\r\nline two', 'utf8'))).toBe(a);
    expect(contentHash('Caf\u00e9 menu\nline 2\n')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes PDFs and non-UTF-8 bytes as they are', () => {
    const pdf = readFileSync(join(FIXTURES, 'sample.pdf'));
    expect(contentHash(pdf)).toBe(createHash('sha256').update(pdf).digest('hex'));
    const garbage = readFileSync(join(FIXTURES, 'garbage.bin'));
    expect(contentHash(garbage)).toBe(createHash('sha256').update(garbage).digest('hex'));
  });

  it('normalises text without touching inner blank lines', () => {
    expect(normaliseText('\n\na  \n\n\tb\t\n\n')).toBe('a\n\n\tb');
  });
});
