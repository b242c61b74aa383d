import { decodeJobEvent, encodeJobEvent } from './job-event.codec';
import type { JobEvent } from './job-event.types';

describe('job event codec', () => {
  it('round-trips an event through its stream fields', () => {
    const event: JobEvent = {
      type: 'tool_call',
      callId: 'c1',
      name: 'search',
      server: 'local',
      arguments: { q: 'x' },
      turn: 1,
    };
    const fields = encodeJobEvent(event);
    expect(fields.slice(0, 2)).toEqual(['t', 'tool_call']);
    expect(decodeJobEvent('5-1', fields)).toEqual({ id: '5-1', event });
  });

  it('finds the event field wherever it sits among the fields', () => {
    const fields = ['x', 'y', 'd', JSON.stringify({ type: 'end', status: 'completed' }), 't'];
    expect(decodeJobEvent('1-0', fields)?.event).toEqual({ type: 'end', status: 'completed' });
  });

  it('skips entries this lib did not write', () => {
    expect(decodeJobEvent('1-0', [])).toBeUndefined();
    expect(decodeJobEvent('1-0', ['t', 'token', 'text', 'hi'])).toBeUndefined();
    // A trailing name without a value is not read past the end.
    expect(decodeJobEvent('1-0', ['d'])).toBeUndefined();
  });

  it('skips an event field that is not a JSON event', () => {
    for (const raw of ['{not json', 'null', '42', '"token"', '{"text":"no type"}', '{"type":7}']) {
      expect(decodeJobEvent('1-0', ['d', raw])).toBeUndefined();
    }
  });
});
