import { compareStreamIds, isStreamId, jobEventsKey, parseStreamId } from './stream-id';

describe('stream ids', () => {
  it('accepts <ms>-<seq>, a bare <ms> and 0, normalised', () => {
    expect(parseStreamId('1700000000000-3')).toBe('1700000000000-3');
    expect(parseStreamId(' 1700000000000-0 ')).toBe('1700000000000-0');
    expect(parseStreamId('1700000000000')).toBe('1700000000000-0');
    expect(parseStreamId('0')).toBe('0-0');
    expect(parseStreamId('0-0')).toBe('0-0');
    expect(parseStreamId('007-01')).toBe('7-1');
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'abc',
      '-1',
      '1-',
      '1-2-3',
      '1.5',
      '12-x',
      '$',
      '>',
      '+',
      '1'.repeat(16),
    ]) {
      expect(parseStreamId(bad)).toBeUndefined();
    }
    expect(parseStreamId('1-18446744073709551616')).toBeUndefined();
  });

  it('orders ids by time, then sequence', () => {
    expect(compareStreamIds('1-0', '1-0')).toBe(0);
    expect(compareStreamIds('1-1', '1-0')).toBe(1);
    expect(compareStreamIds('2-0', '10-0')).toBe(-1);
    expect(compareStreamIds('1700000000000-9', '1700000000001-0')).toBe(-1);
  });

  it('reads a bare <ms> as <ms>-0 when ordering, and orders sequences within a millisecond', () => {
    expect(compareStreamIds('5', '5-0')).toBe(0);
    expect(compareStreamIds('5-0', '5')).toBe(0);
    expect(compareStreamIds('5-2', '5-10')).toBe(-1);
    expect(compareStreamIds('6', '5-99')).toBe(1);
  });

  it('tells whether a client-supplied id can be used', () => {
    expect(isStreamId('1700000000000-3')).toBe(true);
    expect(isStreamId('0')).toBe(true);
    expect(isStreamId('latest')).toBe(false);
  });

  it("keeps the prefix's hash tag at the front of a job's key", () => {
    expect(jobEventsKey('{sb}', 'job-1')).toBe('{sb}:job-events:job-1');
  });
});
