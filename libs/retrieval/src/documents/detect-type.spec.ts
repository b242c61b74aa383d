import { readFileSync } from 'fs';
import { join } from 'path';
import { detectDocumentType } from './detect-type';
import { DocumentParseError } from './document-parse-error';

const FIXTURES = join(__dirname, '../../../../tests/fixtures/retrieval/documents');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('detectDocumentType', () => {
  it.each([
    ['sample.pdf', { type: 'pdf' }],
    ['corrupt.pdf', { type: 'pdf' }],
    ['article.html', { type: 'html' }],
    ['no-article.html', { type: 'html' }],
    ['guide.md', { type: 'markdown' }],
    ['catalogue.json', { type: 'json' }],
    ['rate-limiter.ts', { type: 'code', language: 'typescript' }],
    ['ingest.py', { type: 'code', language: 'python' }],
    ['notes.txt', { type: 'text' }],
  ])('tells %s by its content alone', (name, expected) => {
    expect(detectDocumentType(fixture(name))).toEqual(expected);
  });

  it.each([
    ['rate-limiter.ts', 'src/limiter.ts', { type: 'code', language: 'typescript' }],
    ['ingest.py', 'ingest.py', { type: 'code', language: 'python' }],
    ['guide.md', 'README.md', { type: 'markdown' }],
    ['catalogue.json', 'models.json', { type: 'json' }],
    ['notes.txt', 'notes.txt', { type: 'text' }],
  ])('takes the filename of %s (%s) into account', (name, filename, expected) => {
    expect(detectDocumentType(fixture(name), { filename })).toEqual(expected);
  });

  it('lets the extension name the language of a short snippet', () => {
    expect(
      detectDocumentType('fn main() {\n    let mut x = 1;\n}\n', { filename: 'main.rs' }),
    ).toEqual({
      type: 'code',
      language: 'rust',
    });
    expect(detectDocumentType('package main\n\nfunc main() {\n\tx := 1\n}\n')).toEqual({
      type: 'code',
      language: 'go',
    });
  });

  it('does not call a .json file JSON when it does not parse, nor prose with braces JSON', () => {
    expect(detectDocumentType('{ not json at all', { filename: 'x.json' }).type).not.toBe('json');
    expect(detectDocumentType('[1, 2, 3]').type).toBe('json');
    expect(detectDocumentType('See [the docs] for more.').type).toBe('text');
  });

  it('reads a PDF magic only at the start, not a mention of it in text', () => {
    expect(detectDocumentType('The header of a PDF file is %PDF-1.7, then objects.').type).toBe(
      'text',
    );
    expect(detectDocumentType(Buffer.from('%PDF-1.7\n%garbage')).type).toBe('pdf');
  });

  it('refuses binary garbage and invalid UTF-8 with a reason', () => {
    const reasonOf = (bytes: Buffer) => {
      try {
        detectDocumentType(bytes);
      } catch (e) {
        return e instanceof DocumentParseError ? e.reason : 'other error';
      }
      return 'no error';
    };
    expect(reasonOf(fixture('garbage.bin'))).toBe('binary');
    expect(reasonOf(fixture('invalid-utf8.txt'))).toBe('invalid-utf8');
    expect(reasonOf(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('unsupported-encoding');
    expect(reasonOf(Buffer.alloc(0))).toBe('empty');
  });
});
