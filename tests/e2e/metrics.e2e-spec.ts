import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../support/app-process';
import { TEST_ADMIN_TOKEN } from '../support/test-env';
import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { openSse } from '../support/sse-client';

// The scrape endpoints end to end: a job submitted through the API runs in the worker and
// makes an LLM call (simulated provider); the API's /metrics and the worker's METRICS_PORT
// server then expose the new series, in the text exposition, with their bounded labels, and
// neither exposes a job id, a tenant, a key or a secret.

const TENANT_NAME = 'metrics-tenant-zebra';

// Provider keys and config secrets the processes hold: the simulated provider's key from the
// secrets file, the SDKs' fallback variables, the alert webhook's signing secret.
const PROVIDER_KEY = 'sk-sim-metrics-provider-key-4f1c9a';
const ENV_PROVIDER_KEYS = {
  OPENAI_API_KEY: 'sk-openai-metrics-env-key-77d2e0',
  ANTHROPIC_API_KEY: 'sk-ant-metrics-env-key-a91b3c',
};
const WEBHOOK_SECRET = 'whsec-metrics-signing-secret-5e8d';
const SECRETS_FILE = join(tmpdir(), `metrics-e2e-secrets-${process.pid}-${Date.now()}.json`);
writeFileSync(SECRETS_FILE, JSON.stringify({ simulated: PROVIDER_KEY }), { mode: 0o600 });

/** The value of one sample line, `name{labels} value`, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2].split(/,(?=[a-z_]+=")/);
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) {
      return Number(match[3]);
    }
  }
  return undefined;
}

async function scrape(url: string): Promise<{ type: string; text: string }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('metrics: jobs, LLM calls, HTTP, SSE and queue depth in the text exposition', () => {
  const platform = usePlatform({
    METRICS_PORT: '0',
    LLM_SECRETS_FILE: SECRETS_FILE,
    BUDGET_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...ENV_PROVIDER_KEYS,
  });
  let tenant: { tenantId: string; key: string; keyId: string };
  let jobId: string;
  let refusedId: string;
  let model: string;
  let apiUrl: string;
  let workerUrl: string;

  beforeAll(async () => {
    apiUrl = `http://127.0.0.1:${platform.env.env.API_PORT}/metrics`;
    await platform.worker.waitFor(/metrics on http:\/\/\S+\/metrics/);
    const line = platform.worker.output.find((l) => /metrics on http/.test(l))!;
    workerUrl = /(http:\/\/\S+\/metrics)/.exec(line)![1];
    tenant = await createTenant(platform.http, TENANT_NAME);
    const submitted = await platform.http('POST', '/v1/jobs', {
      key: tenant.key,
      body: { role: 'chat', tier: 1, input: chatInput() },
    });
    expect(submitted.status).toBe(202);
    jobId = submitted.body.id;
    const job = await waitForJob(platform.http, tenant.key, jobId);
    expect(job.status).toBe('completed');
    model = job.result.model;
    // The record says completed a moment before the runner counts the run.
    await platform.worker.waitFor(new RegExp(`end agent\\.chat\\.t1 ${jobId} attempt 1 completed`));
    // The finished job's stream: replayed, then ended by the server.
    const base = `http://127.0.0.1:${platform.env.env.API_PORT}`;
    const sse = await openSse(`${base}/v1/jobs/${jobId}/events`, {
      authorization: `Bearer ${tenant.key}`,
    });
    expect(sse.status).toBe(200);
    while (await sse.next());
    sse.close();
    // A second tenant whose pool of 1 µ$ refuses every priced call: its job fails.
    const broke = await createTenant(platform.http, `${TENANT_NAME}-broke`);
    const pool = await platform.http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId: broke.tenantId, period: 'daily', limitMicros: 1 },
    });
    expect(pool.status).toBe(201);
    const refused = await platform.http('POST', '/v1/jobs', {
      key: broke.key,
      body: { role: 'chat', tier: 1, input: chatInput() },
    });
    expect(refused.status).toBe(202);
    refusedId = refused.body.id;
    expect((await waitForJob(platform.http, broke.key, refusedId)).status).toBe('failed');
    await platform.worker.waitFor(
      new RegExp(`end agent\\.chat\\.t1 ${refusedId} attempt 1 failed`),
    );
    expect((await platform.http('GET', '/v1/jobs/not-a-route/at/all', {})).status).toBe(404);
    expect((await platform.http('GET', `/v1/jobs/${jobId}`, {})).status).toBe(401);
  });

  it("counts the job's run in the worker: outcome, queue wait and run time", async () => {
    const { type, text } = await scrape(workerUrl);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const queue = 'agent.chat.t1';
    const run = { queue, role: 'chat', tier: '1', outcome: 'completed' };
    expect(sample(text, 'switchboard_jobs_total', run)).toBe(1);
    // The refused job: a budget refusal is final.
    expect(sample(text, 'switchboard_jobs_total', { ...run, outcome: 'failed' })).toBe(1);
    expect(sample(text, 'switchboard_budget_refusals_total', { scope: 'tenant' })).toBe(1);
    expect(sample(text, 'switchboard_job_queue_wait_seconds_count', { queue })).toBe(2);
    const timed = { queue, role: 'chat', outcome: 'completed' };
    expect(sample(text, 'switchboard_job_run_seconds_count', timed)).toBe(1);
  });

  it("counts the job's LLM call in the worker: attempt, latency, tokens and cost", async () => {
    const { text } = await scrape(workerUrl);
    const provider = 'simulated';
    const calls = text
      .split('\n')
      .filter((l) => l.startsWith('switchboard_llm_calls_total{'))
      .filter((l) => l.includes(`model="${model}"`));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(
      new RegExp(
        `^switchboard_llm_calls_total\\{provider="${provider}",model="${model}",tier="1",kind="(chat|stream)",outcome="ok"\\} 1$`,
      ),
    );
    const labels = { provider, model };
    expect(sample(text, 'switchboard_llm_call_duration_seconds_count', labels)).toBe(1);
    expect(sample(text, 'switchboard_llm_tokens_total', { ...labels, direction: 'output' })).toBe(
      // the job's usage, as recorded
      (await platform.http('GET', `/v1/jobs/${jobId}`, { key: tenant.key })).body.usage
        .outputTokens,
    );
    expect(
      sample(text, 'switchboard_llm_tokens_total', { ...labels, direction: 'input' }),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'switchboard_llm_cost_microdollars_total', { ...labels, tier: '1' }),
    ).toBeGreaterThanOrEqual(0);
  });

  it('counts HTTP requests by route template and status in the API, and SSE streams', async () => {
    const { text } = await scrape(apiUrl);
    const post = { method: 'POST', route: '/v1/jobs', status: '202' };
    expect(sample(text, 'switchboard_http_requests_total', post)).toBe(2);
    const polled = { method: 'GET', route: '/v1/jobs/:id', status: '200' };
    expect(sample(text, 'switchboard_http_requests_total', polled)).toBeGreaterThanOrEqual(1);
    const refused = { method: 'GET', route: '/v1/jobs/:id', status: '401' };
    expect(sample(text, 'switchboard_http_requests_total', refused)).toBe(1);
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
    expect(sample(text, 'switchboard_http_requests_total', unmatched)).toBe(1);
    const timed = { method: 'GET', route: '/v1/jobs/:id' };
    expect(
      sample(text, 'switchboard_http_request_duration_seconds_count', timed),
    ).toBeGreaterThanOrEqual(2);
    const stream = { method: 'GET', route: '/v1/jobs/:id/events', status: '200' };
    expect(sample(text, 'switchboard_http_requests_total', stream)).toBe(1);
    // Opened and closed again.
    expect(sample(text, 'switchboard_sse_connections', { stream: 'job_events' })).toBe(0);
  });

  it('reports the depth of every mailbox from the API, by state', async () => {
    const { text } = await scrape(apiUrl);
    for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed']) {
      expect(
        sample(text, 'switchboard_queue_jobs', { queue: 'agent.chat.t1', state }),
      ).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'switchboard_queue_jobs', { queue: 'agent.judge.t3', state })).toBe(0);
    }
    expect(text).toContain('switchboard_queue_depth_refreshed_timestamp_seconds ');
    // The ledger as the API read it at start: nothing held, nothing waiting.
    expect(sample(text, 'switchboard_invocation_log_pending', { log: 'durable' })).toBe(0);
    expect(text).toMatch(/^switchboard_invocation_log_flush_lag_seconds 0$/m);
    expect(text).toMatch(/^switchboard_budget_reservations_held 0$/m);
  });

  it('exposes Node.js defaults, and no job id, tenant, key or secret, in either process', async () => {
    for (const url of [apiUrl, workerUrl]) {
      const { text } = await scrape(url);
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      for (const secret of [
        jobId,
        refusedId,
        tenant.tenantId,
        tenant.keyId,
        tenant.key,
        TENANT_NAME,
        TEST_ADMIN_TOKEN,
        platform.env.env.DATABASE_URL,
        platform.env.env.REDIS_URL,
        PROVIDER_KEY,
        WEBHOOK_SECRET,
        ...Object.values(ENV_PROVIDER_KEYS),
      ]) {
        expect(text).not.toContain(secret);
      }
      // Nobody opted in: no per-pool gauge has a sample, though a tenant has a pool.
      expect(text).not.toMatch(/^switchboard_budget_pool_\w+\{/m);
    }
  });

  it('reports the workers and worker gauges of each mailbox', async () => {
    const api = await scrape(apiUrl);
    // The one worker process serves every mailbox.
    expect(sample(api.text, 'switchboard_queue_workers', { queue: 'agent.chat.t1' })).toBe(1);
    expect(sample(api.text, 'switchboard_queue_workers', { queue: 'agent.judge.t3' })).toBe(1);
    const worker = await scrape(workerUrl);
    const chat = { queue: 'agent.chat.t1' };
    expect(sample(worker.text, 'switchboard_worker_concurrency', chat)).toBe(4); // WORKER_POOLS of the test env
    expect(sample(worker.text, 'switchboard_worker_jobs_active', chat)).toBe(0);
  });

  it('with METRICS_TENANT_LABELS, shows the opted-in tenant (only) on its pool gauges', async () => {
    const limitMicros = 2_500_000;
    const pool = await platform.http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId: tenant.tenantId, period: 'monthly', limitMicros },
    });
    expect(pool.status).toBe(201);
    // The API again, with the tenant opted in (the worker is left as it was).
    await platform.api.stop();
    platform.api = AppProcess.start('api', {
      ...platform.env.env,
      METRICS_PORT: '0',
      LLM_SECRETS_FILE: SECRETS_FILE,
      BUDGET_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...ENV_PROVIDER_KEYS,
      METRICS_TENANT_LABELS: tenant.tenantId,
    });
    await platform.api.waitFor(/API listening on/);
    const labels = { tenant: tenant.tenantId, scope: 'tenant', period: 'monthly' };
    let text = '';
    // The first timed read starts at boot; wait for it rather than for a fixed time.
    for (let i = 0; i < 100; i++) {
      text = (await scrape(apiUrl)).text;
      if (sample(text, 'switchboard_budget_pool_limit_microdollars', labels) !== undefined) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sample(text, 'switchboard_budget_pool_limit_microdollars', labels)).toBe(limitMicros);
    expect(sample(text, 'switchboard_budget_pool_spend_microdollars', labels)).toBe(0);
    expect(sample(text, 'switchboard_budget_pool_reserved_microdollars', labels)).toBe(0);
    // Only the opted-in tenant: the other one's pool, names, keys and secrets stay out.
    const others = text
      .split('\n')
      .filter((l) => /^switchboard_budget_pool_\w+\{/.test(l))
      .filter((l) => !l.includes(`tenant="${tenant.tenantId}"`));
    expect(others).toEqual([]);
    for (const secret of [
      TENANT_NAME,
      tenant.key,
      tenant.keyId,
      jobId,
      TEST_ADMIN_TOKEN,
      PROVIDER_KEY,
      WEBHOOK_SECRET,
      ...Object.values(ENV_PROVIDER_KEYS),
    ]) {
      expect(text).not.toContain(secret);
    }
    // The worker has no tenant label either way.
    expect((await scrape(workerUrl)).text).not.toContain(tenant.tenantId);
  });
});
