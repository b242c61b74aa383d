import { openSse } from './sse-client';

const RESTARTS = new Set(['queued', 'delayed']);

/** What one follower of a job's events saw, across every reconnect. */
export interface FollowResult {
  text: string;
  ended: boolean;
  /** Connections opened in all (1 when the stream was never cut). */
  connections: number;
  /** `reconnect` events a draining instance sent. */
  drainHints: number;
  /** A connection error or a 5xx: what an EventSource would show as an error. */
  failures: string[];
  /** Connections closed before any response (see LoadFigures.resent), opened again. */
  resent: string[];
}

/**
 * Follows `GET /v1/jobs/:id/events` as an EventSource does: when a response ends before the
 * `end` event (a drain's `reconnect`, a cut), it reconnects with the last `id:` it saw as
 * Last-Event-ID. Token text is collected. A run that ends without a result (`status: queued`
 * after a hand-back, `status: delayed` before a retry) or a provider `restart` means the text
 * starts again, as the event contract says. (Not `status: active`: that write overlaps the run,
 * so its event can come after the run's first tokens.)
 */
export async function followJob(
  baseUrl: string,
  key: string,
  jobId: string,
  maxConnections = 20,
): Promise<FollowResult> {
  const result: FollowResult = {
    text: '',
    ended: false,
    connections: 0,
    drainHints: 0,
    failures: [],
    resent: [],
  };
  let lastId: string | undefined;
  while (!result.ended && result.connections < maxConnections) {
    result.connections += 1;
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (lastId) headers['last-event-id'] = lastId;
    let sse;
    try {
      sse = await openSse(`${baseUrl}/v1/jobs/${jobId}/events`, headers);
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? '';
      const what = `connect: ${(error as Error).message} ${cause}`;
      if (closedBeforeResponse(cause) && result.resent.length < 3) result.resent.push(what);
      else result.failures.push(what);
      continue;
    }
    if (sse.status === 204) break;
    if (sse.status !== 200) {
      result.failures.push(`status ${sse.status}: ${sse.body.slice(0, 200)}`);
      continue;
    }
    for (let event = await sse.next(); event; event = await sse.next()) {
      if (event.id) lastId = event.id;
      const data = JSON.parse(event.data) as Record<string, unknown>;
      if (event.event === 'token') result.text += data.text as string;
      else if (event.event === 'status' && RESTARTS.has(data.status as string)) result.text = '';
      else if (event.event === 'provider' && data.event === 'restart') result.text = '';
      else if (event.event === 'reconnect') result.drainHints += 1;
      else if (event.event === 'end') result.ended = true;
    }
    sse.close();
  }
  return result;
}

/**
 * The connection was closed under the request before any byte of a response: what a client
 * sees when it writes to a keep-alive connection nginx is closing as a retiring worker.
 */
export const closedBeforeResponse = (cause: string): boolean =>
  /other side closed|ECONNRESET|socket hang up/.test(cause);
