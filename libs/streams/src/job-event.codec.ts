import type { JobEvent, StoredJobEvent } from './job-event.types';

/** Stream entry fields: `t` is the event type (readable in redis-cli), `d` the JSON event. */
export function encodeJobEvent(event: JobEvent): [string, string, string, string] {
  return ['t', event.type, 'd', JSON.stringify(event)];
}

/** An XRANGE / XREAD entry back to an event; undefined for an entry this lib did not write. */
export function decodeJobEvent(id: string, fields: string[]): StoredJobEvent | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'd') continue;
    try {
      const event = JSON.parse(fields[i + 1]) as JobEvent;
      if (event && typeof event === 'object' && typeof event.type === 'string') {
        return { id, event };
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
