import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { expectProblem } from '../support/problem-assert';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { startApi, startWorker, stopAll, submitJob, waitUntil } from '../support/worker-kit';

jest.setTimeout(120_000);

interface InvocationDbRow {
  provider: string;
  outcome: string;
  tier: number;
  error_class: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_micros: string;
  trace_id: string;
  role: string;
}

// The router inside real worker processes: two workers (tier 1 and tier 2 mailboxes) share
// circuit breakers and 429 cooldowns through Redis; every attempt lands in llm_invocations.
describe('LLM routing across worker processes', () => {
  let env: TestEnv;
  let http: Http;
  let key: string;
  let x: FakeProviderServer; // openai, tiers 1–2, first choice
  let y: FakeProviderServer; // anthropic, tier 1
  let z: FakeProviderServer; // openai, tiers 2–3
  let local: FakeProviderServer; // ollama, local, tiers 0–1
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    [x, y, z, local] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('anthropic'),
      startFakeProvider('openai'),
      startFakeProvider('ollama'),
    ]);
    const catalogue = join(tmpdir(), `catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [
          fakeProvider('x', x),
          fakeProvider('y', y),
          fakeProvider('z', z),
          fakeProvider('local', local, { local: true }),
        ],
        models: [
          fakeModel('x', 'x-model', [1, 2], { priority: 1 }),
          fakeModel('y', 'y-model', [1], { priority: 2 }),
          fakeModel('z', 'z-model', [2, 3], { priority: 2 }),
          fakeModel('local', 'llama', [0, 1], { priority: 3 }),
        ],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_BREAKER_COOLDOWN_MS: '1500',
      LLM_BREAKER_MIN_CALLS: '100',
      LLM_INVOCATION_FLUSH_MS: '20',
      // One health round at boot only: a failing check would move x to the end of the
      // candidates and keep the breaker from ever seeing it fail.
      LLM_HEALTH_INTERVAL_MS: '600000',
    });
    apps.push(await startApi(env.env));
    apps.push(await startWorker({ ...env.env, WORKER_POOLS: 'agent.*.t0:2,agent.chat.t1:2' }));
    apps.push(await startWorker({ ...env.env, WORKER_POOLS: 'agent.chat.t2:2,agent.chat.t3:1' }));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    ({ key } = await createTenant(http, 'routing'));
  });

  afterAll(async () => {
    await stopAll(apps);
    await Promise.all([x, y, z, local].map((f) => f?.close()));
    await env?.cleanup();
  });

  const run = async (body: Record<string, unknown>) => {
    const id = await submitJob(http, key, {
      role: 'chat',
      input: chatInput('hello there'),
      ...body,
    });
    return { id, job: await waitForJob(http, key, id) };
  };
  const rowsOf = (jobId: string, count: number) =>
    waitUntil(async () => {
      const rows = await queryEnv<InvocationDbRow>(
        env,
        'SELECT * FROM llm_invocations WHERE job_id = $1 ORDER BY attempt',
        [jobId],
      );
      return rows.length >= count && rows;
    }, `${count} invocation rows for ${jobId}`);
  interface ProviderBody {
    name: string;
    kind: string;
    health: { status: string };
    circuit: { state: string; timesOpened: number };
    cooldown: { active: boolean; remainingMs: number };
  }
  const provider = async (name: string): Promise<ProviderBody> => {
    const res = await http<{ data: ProviderBody[] }>('GET', '/v1/providers', { key });
    expect(res.status).toBe(200);
    return res.body.data.find((p) => p.name === name)!;
  };
  const chats = () => [x, y, z, local].map((f) => f.stats.chatRequests);

  it('lists the catalogue and the providers; both need a key', async () => {
    const models = await http('GET', '/v1/models', { key });
    expect(models.status).toBe(200);
    expect(models.body.object).toBe('list');
    // After the tier aliases (tier-0 … tier-3, see openai-compat.e2e-spec.ts), the catalogue.
    expect(models.body.data.slice(4).map((m: { id: string }) => m.id)).toEqual([
      'x/x-model',
      'y/y-model',
      'z/z-model',
      'local/llama',
    ]);
    expect(models.body.data[7]).toMatchObject({ object: 'model', owned_by: 'local', local: true });
    // /v1/models is OpenAI-compatible: its errors are OpenAI's shape, not problem+json.
    const anonymous = await http('GET', '/v1/models');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ code: 'invalid_api_key' });
    expectProblem(await http('GET', '/v1/providers', { key: 'sb_bogus' }), 401);
    const health = await waitUntil(async () => {
      const p = await provider('y');
      return p.health.status === 'up' ? p : undefined;
    }, 'a health check of y');
    expect(health).toMatchObject({ kind: 'anthropic', circuit: { state: 'closed' } });
    expect(JSON.stringify(health)).not.toMatch(/apiKey/);
  });

  it('runs a job on its tier and logs the call with its tokens and cost', async () => {
    const before = x.stats.outputTokens;
    const { id, job } = await run({ tier: 1 });
    expect(job.status).toBe('completed');
    expect(job.result.provider).toBe('x');
    const [row] = await rowsOf(id, 1);
    expect(row).toMatchObject({
      provider: 'x',
      outcome: 'ok',
      tier: 1,
      role: 'chat',
      trace_id: id,
    });
    expect(row.output_tokens).toBe(x.stats.outputTokens - before);
    expect(Number(row.cost_micros)).toBe(row.input_tokens * 1 + row.output_tokens * 2);
    expect(job.usage.costMicros).toBe(Number(row.cost_micros));
  });

  it('keeps private jobs on the local provider: hosted fakes see no request', async () => {
    const before = chats();
    const { job } = await run({ tier: 1, privacy: true, maxTier: 3 });
    expect(job.result.provider).toBe('local');
    const { job: t0 } = await run({ tier: 0 });
    expect(t0.result.provider).toBe('local');
    const after = chats();
    expect([after[0] - before[0], after[1] - before[1], after[2] - before[2]]).toEqual([0, 0, 0]);
    expect(after[3] - before[3]).toBe(2);
  });

  it('escalates a job only up to its maxTier', async () => {
    for (const f of [x, y, local]) f.setDefault({ type: 'status', status: 500 });
    try {
      const { id, job } = await run({ tier: 1, maxTier: 2 });
      expect(job.result.provider).toBe('z');
      const rows = await rowsOf(id, 4);
      expect(rows.map((r) => `${r.provider}:${r.outcome}@${r.tier}`)).toEqual([
        'x:failed_over@1',
        'y:failed_over@1',
        'local:failed_over@1',
        'z:ok@2',
      ]);
    } finally {
      for (const f of [x, y, local]) f.setDefault({ type: 'ok' });
    }
  });

  it('opens a circuit in one worker process and the other one honours it, then closes it with one probe', async () => {
    // Reset the breaker history the escalation test left (x failed once there).
    const { job: warm } = await run({ tier: 1 });
    expect(warm.result.provider).toBe('x');
    x.setDefault({ type: 'status', status: 503 });
    // Worker A (tier 1): three failures in a row open x's circuit.
    for (let i = 0; i < 3; i++) expect((await run({ tier: 1 })).job.result.provider).toBe('y');
    await waitUntil(async () => (await provider('x')).circuit.state === 'open', 'x open');
    // Worker B (tier 2) never calls x while it is open.
    const xCalls = x.stats.chatRequests;
    const { job: t2 } = await run({ tier: 2 });
    expect(t2.result.provider).toBe('z');
    expect(x.stats.chatRequests).toBe(xCalls);
    // After the cooldown, x is healthy again: one probe (from worker B) closes the circuit.
    x.setDefault({ type: 'ok' });
    await new Promise((r) => setTimeout(r, 1600));
    const { job: probe } = await run({ tier: 2 });
    expect(probe.result.provider).toBe('x');
    expect(await provider('x')).toMatchObject({ circuit: { state: 'closed', timesOpened: 1 } });
    expect((await run({ tier: 1 })).job.result.provider).toBe('x');
  });

  it('shares a 429 cooldown between the two worker processes', async () => {
    x.script({ type: 'rate-limit', retryAfterSeconds: 30 });
    const { id, job } = await run({ tier: 1 });
    expect(job.result.provider).toBe('y');
    const rows = await rowsOf(id, 2);
    expect(rows[0]).toMatchObject({
      provider: 'x',
      outcome: 'failed_over',
      error_class: 'provider-rate-limit',
    });
    const xCalls = x.stats.chatRequests;
    const { job: t2 } = await run({ tier: 2 });
    expect(t2.result.provider).toBe('z');
    expect(x.stats.chatRequests).toBe(xCalls);
    const status = await provider('x');
    expect(status.cooldown.active).toBe(true);
    expect(status.cooldown.remainingMs).toBeGreaterThan(20_000);
  });

  it('refuses bad routing options with problem+json', async () => {
    const submit = (body: Record<string, unknown>) =>
      http('POST', '/v1/jobs', { key, body: { role: 'chat', input: chatInput(), ...body } });
    const low = await submit({ tier: 2, maxTier: 1 });
    expectProblem(low, 422, 'invalid-input');
    expect(JSON.stringify(low.body.errors)).toMatch(/maxTier/);
    expectProblem(await submit({ tier: 1, maxTier: 9 }), 422, 'invalid-input');
    expectProblem(await submit({ tier: 1, streamFailover: 'retry' }), 422, 'invalid-input');
  });
});
