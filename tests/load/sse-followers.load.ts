// k6 load script: SSE followers of jobs.
// k6 has no Server-Sent Events client (grafana/k6#746 was closed without one; SSE needs the
// third-party xk6-sse extension and a custom k6 build). So each follower reads
// GET /v1/jobs/:id/events as one long-lived HTTP response: the API ends the response after the
// job's `end` event, k6 returns the whole body then, and the script counts its `event:` lines.
// That measures how long a follower holds a connection and whether it got the full stream,
// not when each event arrived: time to first token is not observable this way (the API's own
// TTFT histogram and `npm run bench` measure it).
// Run: k6 run -e API_KEY=sk_... tests/load/sse-followers.load.ts   (see tests/load/README.md)
import { check } from 'k6';
import { get, post } from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';

const BASE_URL = (__ENV.BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const API_KEY = __ENV.API_KEY ?? '';
const VUS = Number(__ENV.VUS ?? '20');
const DURATION = __ENV.DURATION ?? '30s';
const TIER = Number(__ENV.TIER ?? '1');
const STREAM_TIMEOUT = __ENV.STREAM_TIMEOUT ?? '120s';
const P95_STREAM_MS = Number(__ENV.P95_STREAM_MS ?? '10000');
const P95_SUBMIT_MS = Number(__ENV.P95_SUBMIT_MS ?? '500');
const MAX_ERROR_RATE = Number(__ENV.MAX_ERROR_RATE ?? '0.01');

if (API_KEY === '') throw new Error('Set API_KEY (the key `npm start` prints): -e API_KEY=...');

/** Every `event:` line the followers received. */
const sseEvents = new Counter('switchboard_sse_events');
/** Share of followed streams that ended with `end` after a `result` event. */
const completeStreams = new Rate('switchboard_sse_complete_streams');
/** `event:` lines per stream. */
const eventsPerStream = new Trend('switchboard_sse_events_per_stream');

export const options: Options = {
  scenarios: {
    followers: { executor: 'constant-vus', vus: VUS, duration: DURATION, exec: 'follow' },
  },
  thresholds: {
    http_req_failed: [`rate<${MAX_ERROR_RATE}`],
    'http_req_duration{name:submit}': [`p(95)<${P95_SUBMIT_MS}`],
    // The whole stream, from the request to the response ending after `end`.
    'http_req_duration{name:events}': [`p(95)<${P95_STREAM_MS}`],
    checks: [`rate>${1 - MAX_ERROR_RATE}`],
    switchboard_sse_complete_streams: [`rate>${1 - MAX_ERROR_RATE}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

const auth = { Authorization: `Bearer ${API_KEY}` };

/** The `event:` types of an SSE body, in order (`: ping` comments are not events). */
function eventTypes(body: string): string[] {
  return body
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith('event:'))
    .map((line) => line.slice('event:'.length).trim());
}

export function follow(): void {
  const body = JSON.stringify({
    role: 'chat',
    tier: TIER,
    input: { messages: [{ role: 'user', content: `k6 follower, VU ${__VU} iteration ${__ITER}` }] },
  });
  const submitted = post(`${BASE_URL}/v1/jobs`, body, {
    headers: { ...auth, 'Content-Type': 'application/json' },
    tags: { name: 'submit' },
  });
  const answered = submitted.status === 202 ? submitted.json('id') : undefined;
  const id = typeof answered === 'string' ? answered : undefined;
  if (!check(id, { 'submit answers 202 with an id': (v) => v !== undefined })) {
    completeStreams.add(false);
    return;
  }
  // from=0: replay from the start, so events sent before the request are counted too.
  const stream = get(`${BASE_URL}/v1/jobs/${id}/events?from=0`, {
    headers: { ...auth, Accept: 'text/event-stream' },
    tags: { name: 'events' },
    timeout: STREAM_TIMEOUT,
  });
  const types = typeof stream.body === 'string' ? eventTypes(stream.body) : [];
  sseEvents.add(types.length);
  eventsPerStream.add(types.length);
  const complete = types.includes('result') && types[types.length - 1] === 'end';
  completeStreams.add(complete);
  check(stream, {
    'events answers 200 text/event-stream': (r) =>
      r.status === 200 && (r.headers['Content-Type'] ?? '').startsWith('text/event-stream'),
    'stream ends with end after a result': () => complete,
  });
}
