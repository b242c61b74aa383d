import { compareIds } from './invocation-drain';
import { entryRow, parseEntries, type StreamEntry } from './ledger-entry';

const STARTED = '2026-11-21T12:00:00.000Z';
const row = {
  id: '0b6c8e0e-3f5e-4b8e-9a43-1c1f8b0f2a11',
  startedAt: STARTED,
  provider: 'groq',
  model: 'llama',
  outcome: 'lost',
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicros: 0,
  latencyMs: 0,
  ttftMs: null,
  errorClass: 'process_lost',
};

describe('entryRow', () => {
  it('reads the row a call wrote, with its start as a Date', () => {
    const parsed = entryRow(['r', JSON.stringify({ ...row, outcome: 'ok', costMicros: 42 })]);
    expect(parsed).toEqual({ ...row, outcome: 'ok', costMicros: 42, startedAt: new Date(STARTED) });
  });

  it('logs an expired call at the worst case it was charged, ended when it expired', () => {
    const ended = Date.parse(STARTED) + 2_500;
    const parsed = entryRow(['r', JSON.stringify(row), 'lost', `500,100,200,${ended}`]);
    expect(parsed).toMatchObject({
      outcome: 'lost',
      costMicros: 500,
      inputTokens: 100,
      outputTokens: 200,
      cachedInputTokens: 0,
      latencyMs: 2_500,
      ttftMs: null,
      errorClass: 'process_lost',
      startedAt: new Date(STARTED),
    });
  });

  it('never gives a lost call a negative latency (clocks of two machines)', () => {
    const before = Date.parse(STARTED) - 10;
    expect(entryRow(['r', JSON.stringify(row), 'lost', `1,2,3,${before}`]).latencyMs).toBe(0);
  });

  it('finds its fields in any order, and ignores a trailing name without a value', () => {
    const parsed = entryRow(['lost', '7,1,1,0', 'r', JSON.stringify(row), 'dangling']);
    expect(parsed).toMatchObject({ outcome: 'lost', costMicros: 7 });
    expect(() => entryRow(['r'])).toThrow('no row');
  });

  it('refuses an entry without a row, or whose row is not JSON', () => {
    expect(() => entryRow(['x', '1'])).toThrow('no row');
    expect(() => entryRow([])).toThrow('no row');
    expect(() => entryRow(['r', '{oops'])).toThrow(SyntaxError);
  });
});

describe('parseEntries', () => {
  it('keeps the rows in order and reports each entry that is not one', () => {
    const entries: StreamEntry[] = [
      ['1-0', ['r', JSON.stringify({ ...row, attempt: 1 })]],
      ['1-1', ['nope', 'x']],
      ['2-0', ['r', 'not json']],
      ['3-0', ['r', JSON.stringify({ ...row, attempt: 2 })]],
    ];
    const skipped: [string, string][] = [];
    const rows = parseEntries(entries, (id, why) => skipped.push([id, why]));
    expect(rows.map((r) => r.attempt)).toEqual([1, 2]);
    expect(skipped.map(([id]) => id)).toEqual(['1-1', '2-0']);
    expect(skipped[0][1]).toBe('no row');
  });
});

describe('compareIds', () => {
  it('orders stream ids by time, then by sequence', () => {
    expect(compareIds('5-0', '10-0')).toBeLessThan(0);
    expect(compareIds('10-0', '5-9')).toBeGreaterThan(0);
    expect(compareIds('7-2', '7-10')).toBeLessThan(0);
    expect(compareIds('7-3', '7-3')).toBe(0);
  });
});
