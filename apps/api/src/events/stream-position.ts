import { STREAM_START, parseStreamId } from '@switchboard/streams';
import { ProblemException } from '../problems/problem';

/**
 * Where an SSE client starts: after `Last-Event-ID` (the header an EventSource sends when it
 * reconnects, or `?lastEventId=` for clients that cannot set headers), else after `?from=`
 * (`0`: the start). With neither, from the start too: streams are short-lived, and a client
 * that connects late must still see everything.
 */
export function streamPosition(header: string | undefined, query: Record<string, unknown>): string {
  const lastEventId = header ?? query.lastEventId;
  if (lastEventId !== undefined) {
    const id = typeof lastEventId === 'string' ? parseStreamId(lastEventId) : undefined;
    if (!id) {
      throw new ProblemException(
        400,
        'invalid-last-event-id',
        'Last-Event-ID must be an event id this stream sent (<ms>-<seq>), or 0 for the start.',
      );
    }
    return id;
  }
  if (query.from !== undefined) {
    const id = typeof query.from === 'string' ? parseStreamId(query.from) : undefined;
    if (!id) {
      throw new ProblemException(400, 'invalid-query', '`from` must be 0 or an event id.', {
        errors: [{ field: 'from', message: 'must be 0 or an event id (<ms>-<seq>)' }],
      });
    }
    return id;
  }
  return STREAM_START;
}
