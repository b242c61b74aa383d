// k6 load script: the OpenAI-compatible endpoint, POST /v1/chat/completions.
// Two scenarios run side by side: `plain` asks for a `chat.completion` JSON answer, `streaming`
// for `stream: true`, an SSE response of `chat.completion.chunk`s ending with `data: [DONE]`.
// k6 has no streaming read of a response body, so a streamed answer is read whole when it ends
// and its `data:` lines are counted: the figures are full-answer latency, not time to first
// token (see tests/load/README.md).
// Run: k6 run -e API_KEY=sk_... tests/load/chat-completions.load.ts
import { check } from 'k6';
import { post } from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';

const BASE_URL = (__ENV.BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const API_KEY = __ENV.API_KEY ?? '';
const VUS = Number(__ENV.VUS ?? '10');
const DURATION = __ENV.DURATION ?? '30s';
const MODEL = __ENV.MODEL ?? 'tier-1';
const REQUEST_TIMEOUT = __ENV.REQUEST_TIMEOUT ?? '120s';
const P95_PLAIN_MS = Number(__ENV.P95_PLAIN_MS ?? '5000');
const P95_STREAM_MS = Number(__ENV.P95_STREAM_MS ?? '5000');
const MAX_ERROR_RATE = Number(__ENV.MAX_ERROR_RATE ?? '0.01');

if (API_KEY === '') throw new Error('Set API_KEY (the key `npm start` prints): -e API_KEY=...');

/** Share of answers that were complete (a message with content; a stream ending in [DONE]). */
const completeAnswers = new Rate('switchboard_chat_complete_answers');
/** `chat.completion.chunk`s per streamed answer. */
const chunksPerStream = new Trend('switchboard_chat_chunks_per_stream');

const half = Math.max(1, Math.ceil(VUS / 2));

export const options: Options = {
  scenarios: {
    plain: { executor: 'constant-vus', vus: half, duration: DURATION, exec: 'plain' },
    streaming: { executor: 'constant-vus', vus: half, duration: DURATION, exec: 'streaming' },
  },
  thresholds: {
    http_req_failed: [`rate<${MAX_ERROR_RATE}`],
    'http_req_duration{name:chat_plain}': [`p(95)<${P95_PLAIN_MS}`],
    'http_req_duration{name:chat_stream}': [`p(95)<${P95_STREAM_MS}`],
    checks: [`rate>${1 - MAX_ERROR_RATE}`],
    switchboard_chat_complete_answers: [`rate>${1 - MAX_ERROR_RATE}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

function requestBody(stream: boolean): string {
  return JSON.stringify({
    model: MODEL,
    stream,
    messages: [{ role: 'user', content: `k6 chat, VU ${__VU} iteration ${__ITER}` }],
  });
}

export function plain(): void {
  const res = post(`${BASE_URL}/v1/chat/completions`, requestBody(false), {
    headers,
    tags: { name: 'chat_plain' },
    timeout: REQUEST_TIMEOUT,
  });
  const content = res.status === 200 ? res.json('choices.0.message.content') : undefined;
  const complete = typeof content === 'string' && content.length > 0;
  completeAnswers.add(complete, { mode: 'plain' });
  check(res, {
    'plain answers 200': (r) => r.status === 200,
    'plain answer has message content': () => complete,
  });
}

export function streaming(): void {
  const res = post(`${BASE_URL}/v1/chat/completions`, requestBody(true), {
    headers: { ...headers, Accept: 'text/event-stream' },
    tags: { name: 'chat_stream' },
    timeout: REQUEST_TIMEOUT,
  });
  const data =
    typeof res.body === 'string'
      ? res.body
          .split(/\r\n|\r|\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice('data:'.length).trim())
      : [];
  const chunks = data.filter((d) => d !== '[DONE]').length;
  chunksPerStream.add(chunks);
  const complete = chunks > 0 && data[data.length - 1] === '[DONE]';
  completeAnswers.add(complete, { mode: 'streaming' });
  check(res, {
    'streaming answers 200 text/event-stream': (r) =>
      r.status === 200 && (r.headers['Content-Type'] ?? '').startsWith('text/event-stream'),
    'stream has chunks and ends with [DONE]': () => complete,
  });
}
