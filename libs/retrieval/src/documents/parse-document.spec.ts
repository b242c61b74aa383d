import { readFileSync } from 'fs';
import { join } from 'path';
import {
  buildPdf,
  SAMPLE_PDF_PAGES,
} from '../../../../tests/fixtures/retrieval/documents/build-pdf';
import { DocumentParseError } from './document-parse-error';
import { parseDocument } from './parse-document';

const FIXTURES = join(__dirname, '../../../../tests/fixtures/retrieval/documents');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

async function failure(input: Uint8Array | string, options = {}) {
  try {
    await parseDocument(input, options);
  } catch (e) {
    if (e instanceof DocumentParseError) return { reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('parsed without an error');
}

describe('parseDocument', () => {
  it('reads the PDF fixture page by page, and the fixture is what build-pdf makes', async () => {
    expect(buildPdf(SAMPLE_PDF_PAGES).equals(fixture('sample.pdf'))).toBe(true);
    const doc = await parseDocument(fixture('sample.pdf'));
    expect(doc.type).toBe('pdf');
    expect(doc.pages).toEqual(
      SAMPLE_PDF_PAGES.map((lines, i) => ({ page: i + 1, text: lines.join('\n') })),
    );
    expect(doc.text).toContain('Reservations are settled to the actual cost.');
  });

  it('leaves the caller its buffer (PDF.js detaches what it is given)', async () => {
    const bytes = new Uint8Array(fixture('sample.pdf'));
    await parseDocument(bytes);
    expect(bytes.byteLength).toBe(fixture('sample.pdf').length);
  });

  it('refuses a truncated PDF, and bytes called PDF that are not, as corrupt', async () => {
    const truncated = await failure(fixture('corrupt.pdf'));
    expect(truncated.reason).toBe('corrupt-pdf');
    expect(truncated.message).toMatch(/corrupt or truncated/);
    expect((await failure('just some text', { type: 'pdf' })).reason).toBe('corrupt-pdf');
  });

  it('refuses binary garbage and invalid UTF-8', async () => {
    expect((await failure(fixture('garbage.bin'))).reason).toBe('binary');
    expect((await failure(fixture('invalid-utf8.txt'))).reason).toBe('invalid-utf8');
    expect((await failure('')).reason).toBe('empty');
    expect((await failure('   \n\n ')).reason).toBe('empty');
    expect((await failure('{"a": ', { type: 'json' })).reason).toBe('invalid-json');
  });

  it('keeps an HTML article and its headings, and drops the nav, sidebar, footer and scripts', async () => {
    const doc = await parseDocument(fixture('article.html'));
    expect(doc.type).toBe('html');
    expect(doc.title).toMatch(/^Designing Reliable Job Queues/);
    expect(doc.text).toContain('A job queue decouples the code');
    expect(doc.text).toContain('turns a slow dependency into an outage');
    for (const junk of ['Pricing', 'Log in', 'Copyright', 'Careers', 'analytics', 'font-family']) {
      expect(doc.text).not.toContain(junk);
    }
    expect(doc.sections?.map((s) => s.headingPath)).toEqual([
      [],
      ['Retries and idempotency'],
      ['Backpressure'],
    ]);
    expect(doc.text).toContain("```\nawait queue.add('chat'");
  });

  it('falls back to the body text when Readability finds no article', async () => {
    const doc = await parseDocument(fixture('no-article.html'));
    expect(doc).toMatchObject({ type: 'html', title: 'Status' });
    expect(doc.text).toBe('All systems operational.\n\nLast checked: today.');
  });

  it('gives Markdown its heading sections with line ranges, ignoring "#" lines in fences', async () => {
    const doc = await parseDocument(fixture('guide.md'));
    expect(doc.title).toBe('Switchboard guide');
    expect(doc.sections?.map((s) => s.headingPath.join(' > '))).toEqual([
      'Switchboard guide',
      'Switchboard guide > Installing',
      'Switchboard guide > Submitting jobs',
      'Switchboard guide > Submitting jobs > Over REST',
      'Switchboard guide > Submitting jobs > Over MCP',
      'Switchboard guide > Budgets',
    ]);
    const lines = doc.text.split('\n');
    for (const s of doc.sections!) {
      expect(lines.slice(s.startLine! - 1, s.endLine).join('\n')).toBe(s.text);
    }
  });

  it('parses JSON to its value, code with its language, and plain text', async () => {
    const json = await parseDocument(fixture('catalogue.json'));
    expect(json.json).toEqual(JSON.parse(fixture('catalogue.json').toString('utf8')));
    expect(await parseDocument(fixture('ingest.py'))).toMatchObject({
      type: 'code',
      language: 'python',
    });
    expect(await parseDocument('x = 1\r\ny = 2\r\n', { type: 'code', filename: 'a.py' })).toEqual({
      type: 'code',
      language: 'python',
      text: 'x = 1\ny = 2\n',
    });
    expect(await parseDocument(fixture('notes.txt'))).toMatchObject({ type: 'text' });
  });
});
