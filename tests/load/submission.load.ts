// k6 load script: job submission and polling.
// Each iteration submits a small tier-1 chat job (POST /v1/jobs with an API key), then polls
// GET /v1/jobs/:id until the job is completed, failed or cancelled, or POLL_TIMEOUT_S passes.
// Run: k6 run -e API_KEY=sk_... tests/load/submission.load.ts   (see tests/load/README.md)
import { check, sleep } from 'k6';
import { get, post } from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';

const BASE_URL = (__ENV.BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const API_KEY = __ENV.API_KEY ?? '';
const VUS = Number(__ENV.VUS ?? '10');
const DURATION = __ENV.DURATION ?? '30s';
const TIER = Number(__ENV.TIER ?? '1');
const POLL_INTERVAL_S = Number(__ENV.POLL_INTERVAL_S ?? '0.25');
const POLL_TIMEOUT_S = Number(__ENV.POLL_TIMEOUT_S ?? '60');
const P95_SUBMIT_MS = Number(__ENV.P95_SUBMIT_MS ?? '500');
const P95_POLL_MS = Number(__ENV.P95_POLL_MS ?? '300');
const MAX_ERROR_RATE = Number(__ENV.MAX_ERROR_RATE ?? '0.01');

if (API_KEY === '') throw new Error('Set API_KEY (the key `npm start` prints): -e API_KEY=...');

const FINISHED = ['completed', 'failed', 'cancelled'];

/** Submit (202) to a finished status seen by a poll, per job. */
const jobEndToEnd = new Trend('switchboard_job_end_to_end', true);
/** Share of submitted jobs that ended `completed` within POLL_TIMEOUT_S. */
const jobsCompleted = new Rate('switchboard_jobs_completed');

export const options: Options = {
  scenarios: {
    submit_and_poll: {
      executor: 'constant-vus',
      vus: VUS,
      duration: DURATION,
      exec: 'submitAndPoll',
    },
  },
  thresholds: {
    http_req_failed: [`rate<${MAX_ERROR_RATE}`],
    'http_req_duration{name:submit}': [`p(95)<${P95_SUBMIT_MS}`],
    'http_req_duration{name:poll}': [`p(95)<${P95_POLL_MS}`],
    checks: [`rate>${1 - MAX_ERROR_RATE}`],
    switchboard_jobs_completed: [`rate>${1 - MAX_ERROR_RATE}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

const headers = {
  Authorization: `Bearer ${API_KEY}`,
  'Content-Type': 'application/json',
};

interface JobView {
  id: string;
  status: string;
}

function jobFrom(body: unknown): JobView | null {
  if (typeof body !== 'object' || body === null) return null;
  const { id, status } = body as Partial<JobView>;
  return typeof id === 'string' && typeof status === 'string' ? { id, status } : null;
}

export function submitAndPoll(): void {
  const body = JSON.stringify({
    role: 'chat',
    tier: TIER,
    input: { messages: [{ role: 'user', content: `k6 load, VU ${__VU} iteration ${__ITER}` }] },
  });
  const submitted = post(`${BASE_URL}/v1/jobs`, body, { headers, tags: { name: 'submit' } });
  const accepted = check(submitted, { 'submit answers 202': (r) => r.status === 202 });
  const job = accepted ? jobFrom(submitted.json()) : null;
  if (!job) {
    jobsCompleted.add(false);
    return;
  }
  const started = Date.now();
  let status = job.status;
  while (!FINISHED.includes(status) && Date.now() - started < POLL_TIMEOUT_S * 1000) {
    sleep(POLL_INTERVAL_S);
    const polled = get(`${BASE_URL}/v1/jobs/${job.id}`, { headers, tags: { name: 'poll' } });
    if (!check(polled, { 'poll answers 200': (r) => r.status === 200 })) continue;
    status = jobFrom(polled.json())?.status ?? status;
  }
  const finished = FINISHED.includes(status);
  if (finished) jobEndToEnd.add(Date.now() - started);
  jobsCompleted.add(status === 'completed');
  check(status, {
    'job finished within POLL_TIMEOUT_S': () => finished,
    'job completed': (s) => s === 'completed',
  });
}
